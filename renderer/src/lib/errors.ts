// What the shell's errors say to people. The preload rethrows a failed call as an Error whose message carries
// the contract's error code in front ("[no-model] No model is installed"); the code decides the wording once here.
import { errorCodes, type ErrorCode } from '../../../electron/shared/values.js';

export interface ApiFailure {
  /** The contract's code, or null for an error that did not come through the bridge. */
  code: ErrorCode | null;
  message: string;
}

const CODED = /^\[([a-z-]+)\] ([\s\S]*)$/;

export function parseError(err: unknown): ApiFailure {
  const raw = err instanceof Error ? err.message : String(err);
  const m = CODED.exec(raw);
  const code = m && (errorCodes as readonly string[]).includes(m[1]!) ? (m[1] as ErrorCode) : null;
  return code === null ? { code, message: raw } : { code, message: m![2]! };
}

/** The sentence to show for a failed call: its message, or, for an `internal` error (a bug), a request to report it. */
export function messageOf(err: unknown): string {
  const { code, message } = parseError(err);
  return code === 'internal' ? `Something went wrong inside Lookalike — please report it: ${message}` : message;
}
