// The renderer's end-to-end bridge: the page gets a `window.lookalike` shaped like the preload's, whose methods
// run main's own code in this (Node) process: ipc.ts `dispatch` (schema parse + handler) over `createHandlers`
// and the real engine host. Job and status events go back into the page the way main.ts sends them.
// The one thing rewritten is the media URL: Chromium cannot be taught the `lookalike-media:` scheme from outside
// Electron, so thumbnail URLs in responses point at the test server's /media route, which runs the shell's own
// media handler (path checks, then the engine process's thumbnails).
import type { Page } from 'playwright-core';
import { dispatch, type Handlers } from '../../electron/main/ipc.js';
import type { EngineHost } from '../../electron/main/host/engineHost.js';
import type { ApiEventName, ApiEvents, ApiMethod } from '../../electron/shared/contract.js';
import { API_GLOBAL, apiMethods, MEDIA_SCHEME } from '../../electron/shared/methods.js';

export interface BridgeOptions {
  handlers: Handlers;
  /** The engine host whose events (jobProgress, jobDone, statusChanged) go to the page. */
  events: Pick<EngineHost, 'onEvent'>;
  /** Base URL the media scheme maps to, e.g. `http://127.0.0.1:1234/media/`. */
  mediaBase: string;
  /** Called after every method call (timings, logs). */
  onCall?: (method: ApiMethod, ms: number, ok: boolean) => void;
}

const exposedName = (method: ApiMethod) => `__lookalikeCall_${method}`;
const MEDIA_PREFIX = `${MEDIA_SCHEME}://`;

/** Deep-rewrites every `lookalike-media://…` string in a response. */
export function rewriteMediaUrls<T>(value: T, mediaBase: string): T {
  if (typeof value === 'string') {
    return (value.startsWith(MEDIA_PREFIX) ? mediaBase + value.slice(MEDIA_PREFIX.length) : value) as T;
  }
  if (Array.isArray(value)) return value.map((v) => rewriteMediaUrls(v, mediaBase)) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewriteMediaUrls(v, mediaBase)])) as T;
  }
  return value;
}

/** The inverse, for the test server: `/media/thumb/<enc>?size=N` → the URL the shell's handler expects. */
export function mediaUrlFromRequest(pathAndQuery: string): string {
  return MEDIA_PREFIX + pathAndQuery.replace(/^\/media\//, '');
}

/** Runs in the page before any of its scripts: the preload's shape, over exposed functions. */
function pageBridge(args: { global: string; methods: readonly string[]; prefix: string }): void {
  type Envelope = { ok: true; value: unknown } | { ok: false; error: { code: string; message: string } };
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const target = window as unknown as Record<string, unknown>;
  const bridge: Record<string, unknown> = {
    on(event: string, listener: (payload: unknown) => void) {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    },
    pathForFile: () => '',
  };
  for (const method of args.methods) {
    bridge[method] = async (req?: unknown) => {
      const call = target[args.prefix + method] as (req: unknown) => Promise<string>;
      const result = JSON.parse(await call(req === undefined ? null : req)) as Envelope;
      if (result.ok) return result.value;
      throw new Error(`[${result.error.code}] ${result.error.message}`);
    };
  }
  target['__lookalikeEmit'] = (event: string, payload: unknown) => listeners.get(event)?.forEach((l) => l(payload));
  target[args.global] = Object.freeze(bridge);
}

export async function installBridge(page: Page, options: BridgeOptions): Promise<() => void> {
  for (const method of apiMethods) {
    await page.exposeFunction(exposedName(method), async (raw: unknown) => {
      const started = performance.now();
      // JSON carries `undefined` as null: the preload would pass undefined, which the schemas expect.
      // The sender check is Electron's (which window sent it); here the only sender is this test's page.
      const event = { sender: page, senderFrame: { url: page.url() } };
      const result = await dispatch(method, event, raw === null ? undefined : raw, {
        handlers: options.handlers,
        untrustedReason: () => null,
      });
      options.onCall?.(method, performance.now() - started, result.ok);
      // A JSON string: Playwright's own value serializer takes seconds on a 10k-group answer, JSON.parse
      // milliseconds (Electron's structured clone is of the same order as JSON).
      return JSON.stringify(rewriteMediaUrls(result, options.mediaBase));
    });
  }
  await page.addInitScript(pageBridge, { global: API_GLOBAL, methods: apiMethods, prefix: '__lookalikeCall_' });

  const emit = <E extends ApiEventName>(event: E, payload: ApiEvents[E]): void => {
    if (page.isClosed()) return;
    page
      .evaluate(
        ([e, p]) => (window as unknown as { __lookalikeEmit?: (e: string, p: unknown) => void }).__lookalikeEmit?.(e, JSON.parse(p)),
        [event, JSON.stringify(rewriteMediaUrls(payload, options.mediaBase))] as const,
      )
      .catch(() => undefined); // the page may be navigating or closing
  };
  // Exactly main.ts's forwarding: the host's events are already the contract's events.
  return options.events.onEvent((e) => emit(e.event, e.payload as ApiEvents[typeof e.event]));
}
