// The sandboxed preload: exposes `window.lookalike` with exactly the contract's methods (a loop over
// `apiMethods`, never a generic invoke), typed event subscription for the contract's events only, and the path
// of a dropped File. Bundled to one CommonJS file (rolldown.config.ts), since a sandboxed preload can require
// nothing but `electron`. Only `methods.ts` is bundled: the zod schemas stay in main, where requests are checked.
import { contextBridge, ipcRenderer, webUtils } from 'electron';
import type { IpcRendererEvent } from 'electron';
import type { ApiEventName, ApiEvents, InvokeResult, LookalikeBridge } from '../shared/contract.js';
import { API_GLOBAL, apiEvents, apiMethods, eventChannel, invokeChannel } from '../shared/methods.js';

function invoker(method: (typeof apiMethods)[number]): (req?: unknown) => Promise<unknown> {
  const channel = invokeChannel(method);
  return async (req?: unknown) => {
    const result = (await ipcRenderer.invoke(channel, req)) as InvokeResult<unknown>;
    if (result.ok) return result.value;
    // contextBridge copies an Error's message across the world boundary; the code rides in front of it.
    throw new Error(`[${result.error.code}] ${result.error.message}`);
  };
}

function subscribe<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void {
  if (!(apiEvents as readonly string[]).includes(event)) throw new Error(`unknown event "${String(event)}"`);
  if (typeof listener !== 'function') throw new Error('listener must be a function');
  const channel = eventChannel(event);
  // Never hand the IpcRendererEvent (it reaches ipcRenderer.sender) to the page: payload only.
  const forward = (_event: IpcRendererEvent, payload: ApiEvents[E]): void => listener(payload);
  ipcRenderer.on(channel, forward);
  return () => {
    ipcRenderer.removeListener(channel, forward);
  };
}

const methods = Object.fromEntries(apiMethods.map((method) => [method, invoker(method)]));

const bridge = {
  ...methods,
  on: subscribe,
  pathForFile: (file: File): string => webUtils.getPathForFile(file),
} as LookalikeBridge;

contextBridge.exposeInMainWorld(API_GLOBAL, bridge);
