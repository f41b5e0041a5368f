// The shape every CLI subcommand has. main.ts dispatches `lookalike <name> …` to the matching command and maps
// errors to exit codes once (errors carry a code: engine/errors.ts).
import { exitCodes } from '../shared/values.js';
import { LookalikeError } from '../engine/library/index.js';

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT, so long jobs stop and keep what they finished. */
  signal: AbortSignal;
}

/** Exit codes shared by all commands: 0 ok, 1 some files failed, 2 usage or model error, 70 a bug. */
export const ExitCode = exitCodes;
export type ExitCode = (typeof exitCodes)[keyof typeof exitCodes];

/** Bad arguments: main prints the message with the command's usage and exits 2. */
export const usageError = (message: string): LookalikeError => new LookalikeError('invalid-request', message);

export interface CliCommand {
  name: string;
  /** One line for `lookalike --help`. */
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<ExitCode>;
}
