#!/usr/bin/env node
// The `lookalike` executable: wires the process to main(). SIGINT aborts the running job, which keeps its work.
// `scan` runs under a supervisor (supervisor.ts): a child process does the scan, so a native crash or hang on one
// file costs that file, not the scan.
import { fileURLToPath } from 'node:url';
import { ExitCode, type CliIO } from './command.js';
import { main } from './main.js';
import { superviseScan, wantsSupervisor } from './supervisor.js';

const controller = new AbortController();
process.once('SIGINT', () => controller.abort(new Error('interrupted')));
// The supervised child: if its supervisor is gone (killed), stop the scan the way Ctrl-C would, keeping its work.
if (process.channel) {
  process.once('disconnect', () => controller.abort(new Error('the supervising lookalike process is gone')));
  process.channel.unref();
}
const io: CliIO = { stdout: process.stdout, stderr: process.stderr, env: process.env, signal: controller.signal };
const argv = process.argv.slice(2);
const run = wantsSupervisor(argv, process.env) ? superviseScan(argv, io, fileURLToPath(import.meta.url)) : main(argv, io);
run.then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    process.stderr.write(`lookalike: ${String(err)}\n`);
    process.exitCode = ExitCode.internal;
  },
);
