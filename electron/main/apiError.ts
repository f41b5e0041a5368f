// The one error type handlers throw on purpose: its code and message cross IPC as they are. Anything else a
// handler throws becomes code `failed` with the original message (never a stack, which would leak paths of ours).
import type { ApiErrorCode, ApiErrorPayload } from '../shared/contract.js';

export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly code: ApiErrorCode,
    message: string,
  ) {
    super(message);
  }
}

export function toErrorPayload(error: unknown): ApiErrorPayload {
  if (error instanceof ApiError) return { code: error.code, message: error.message };
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'failed', message };
}
