#!/usr/bin/env node
// The `lookalike` executable: wires the process to main(). SIGINT aborts the running job, which keeps its work.
import { ExitCode, type CliIO } from './command.js';
import { main } from './main.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
main(process.argv.slice(2), io).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lookalike: ${String(err)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
