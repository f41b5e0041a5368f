// A stand-in for `window.lookalike` in the renderer's state tests: the methods a test gives answer, every other
// one fails loudly (so a test never passes on a call it did not expect), each call is logged, and events can be
// sent to whatever subscribed, as the preload would.
import type { ApiEventName, ApiEvents, Settings } from '../../electron/shared/contract.js';
import { apiMethods, type ApiMethod } from '../../electron/shared/methods.js';
import { defaultSettings } from '../../electron/engine/library/settings.js';
import type { Client } from '../../renderer/src/lib/api.js';

export interface FakeClient {
  client: Client;
  calls: { method: ApiMethod; req: unknown }[];
  emit<E extends ApiEventName>(event: E, payload: ApiEvents[E]): void;
  /** The requests made to one method, in order. */
  requests(method: ApiMethod): unknown[];
}

export function fakeClient(methods: Partial<Client>): FakeClient {
  const calls: FakeClient['calls'] = [];
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const bridge: Record<string, unknown> = {
    on(event: string, listener: (payload: unknown) => void) {
      const set = listeners.get(event) ?? new Set();
      listeners.set(event, set.add(listener));
      return () => set.delete(listener);
    },
    pathForFile: (methods as { pathForFile?: unknown }).pathForFile ?? ((file: File) => `/dropped/${file.name}`),
  };
  for (const method of apiMethods) {
    const impl = methods[method] as ((req?: unknown) => Promise<unknown>) | undefined;
    bridge[method] = async (req?: unknown) => {
      calls.push({ method, req });
      if (!impl) throw new Error(`[internal] ${method} is not faked in this test`);
      return impl(req);
    };
  }
  return {
    client: bridge as unknown as Client,
    calls,
    emit: (event, payload) => listeners.get(event)?.forEach((l) => l(payload)),
    requests: (method) => calls.filter((c) => c.method === method).map((c) => c.req),
  };
}

/** First-run settings with the given changes. */
export function settingsWith(patch: Partial<Settings> = {}): Settings {
  return { ...defaultSettings(), ...patch };
}

/** An Error as the preload throws it for a failed call. */
export const apiError = (code: string, message: string): Error => new Error(`[${code}] ${message}`);
