// The shape every CLI subcommand has. main.ts dispatches `lookalike <name> …` to the matching command.

export interface CliIO {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WriteStream | NodeJS.WritableStream;
  env: NodeJS.ProcessEnv;
  /** Aborted on SIGINT, so long jobs stop and keep what they finished. */
  signal: AbortSignal;
}

/** Exit codes shared by all commands. */
export const ExitCode = { ok: 0, someFailed: 1, usage: 2 } as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Thrown for bad arguments or a missing/broken model: main prints the message and exits 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliCommand {
  name: string;
  /** One line for `lookalike --help`. */
  summary: string;
  usage: string;
  run(argv: string[], io: CliIO): Promise<ExitCode>;
}
