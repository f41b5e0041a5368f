// The one error type of the product. Anything the engine refuses or cannot do on purpose is a LookalikeError with
// a code; every other error that reaches a front end is a bug, code `internal`. The CLI maps codes to exit codes
// and the app to API error payloads, each in one place (exitCodeOf, toErrorPayload).
import { exitCodes, type ErrorCode } from '../shared/values.js';

export type { ErrorCode } from '../shared/values.js';

export class LookalikeError extends Error {
  override name = 'LookalikeError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export const isLookalikeError = (error: unknown, code?: ErrorCode): error is LookalikeError =>
  error instanceof LookalikeError && (code === undefined || error.code === code);

/** A LookalikeError as it is, an abort as `cancelled`, anything else as `internal` (keeping the original message). */
export function asLookalikeError(error: unknown): LookalikeError {
  if (error instanceof LookalikeError) return error;
  if (error instanceof Error && error.name === 'AbortError') return new LookalikeError('cancelled', 'cancelled', { cause: error });
  const message = error instanceof Error ? error.message : String(error);
  return new LookalikeError('internal', message, { cause: error });
}

export function exitCodeOf(code: ErrorCode): number {
  if (code === 'internal') return exitCodes.internal;
  if (code === 'cancelled' || code === 'failed') return exitCodes.someFailed;
  return exitCodes.usage;
}

export interface ErrorPayload {
  code: ErrorCode;
  message: string;
}

/** What crosses IPC: the code and message, never a stack (it would leak our paths). */
export function toErrorPayload(error: unknown): ErrorPayload {
  const e = asLookalikeError(error);
  return { code: e.code, message: e.message };
}

export const fromErrorPayload = (payload: ErrorPayload): LookalikeError => new LookalikeError(payload.code, payload.message);
