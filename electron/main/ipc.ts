// One IPC endpoint per contract method. Every call: sender check, then the zod schema, then the handler; the
// answer is an envelope ({ ok, value } | { ok: false, error }) that the preload turns back into a value or an
// Error with a clean message (Electron would otherwise prefix "Error invoking remote method…" and drop codes).
import { z } from 'zod';
import { apiMethods, invokeChannel, requestSchemas } from '../shared/contract.js';
import type { ApiMethod, ApiResponse, Handlers, InvokeResult, ParsedRequest } from '../shared/contract.js';
import { ApiError, toErrorPayload } from './apiError.js';
import type { InvokeEventLike } from './senderCheck.js';

export type { Handlers } from '../shared/contract.js';

/** Parses a raw request with the method's schema; throws ApiError('invalid-request') with a readable message. */
export function parseRequest<K extends ApiMethod>(method: K, raw: unknown): ParsedRequest<K> {
  const schema: z.ZodType = requestSchemas[method];
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    throw new ApiError('invalid-request', `${method}: invalid request\n${z.prettifyError(parsed.error)}`);
  }
  return parsed.data as ParsedRequest<K>;
}

export interface DispatchDeps {
  handlers: Handlers;
  /** null when trusted, else the reason (see senderCheck.ts). */
  untrustedReason(event: InvokeEventLike): string | null;
  log?: (line: string) => void;
}

export async function dispatch<K extends ApiMethod>(
  method: K,
  event: InvokeEventLike,
  raw: unknown,
  deps: DispatchDeps,
): Promise<InvokeResult<ApiResponse<K>>> {
  try {
    const reason = deps.untrustedReason(event);
    if (reason !== null) throw new ApiError('forbidden', `${method}: refused: ${reason}`);
    const req = parseRequest(method, raw);
    const handler = deps.handlers[method] as (req: ParsedRequest<K>) => Promise<ApiResponse<K>>;
    return { ok: true, value: await handler(req) };
  } catch (error) {
    const payload = toErrorPayload(error);
    if (payload.code === 'failed' || payload.code === 'forbidden') deps.log?.(`${method}: ${payload.message}`);
    return { ok: false, error: payload };
  }
}

/** The slice of Electron's ipcMain used here. */
export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, raw: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

/** Registers one channel per method; returns the function that removes them all. */
export function bindIpc(ipcMain: IpcMainLike, deps: DispatchDeps): () => void {
  for (const method of apiMethods) {
    ipcMain.handle(invokeChannel(method), (event, raw) => dispatch(method, event, raw, deps));
  }
  return () => {
    for (const method of apiMethods) ipcMain.removeHandler(invokeChannel(method));
  };
}
