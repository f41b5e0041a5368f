// The wire between Electron's main process and the engine process: calls to the contract's engine methods
// (typed by EngineApi, so adding a method to the contract is the only change), events, and the one thing the
// engine must ask of main (the OS trash through Electron's shell). Structured-clone data only.
import type { ApiErrorPayload, ApiEvents, EngineApi, EngineMethod } from './contract.js';

/** What the engine process needs to start. */
export interface EngineProcessConfig {
  /** The one data folder (catalog, models, settings) the CLI uses too. */
  dataDir: string;
  appVersion: string;
  /** A model folder to use instead of the selected one (tests, `LOOKALIKE_MODEL`). */
  modelDir?: string | null;
  /** Extra environment for the model manager (HF_ENDPOINT, HF_HUB_OFFLINE); the engine process runs with it too. */
  env?: Record<string, string>;
  /** The scan's crash journal, which the host reads if the engine process dies (engine/scan/crashJournal.ts). */
  scanJournal?: string | null;
}

/** The engine process reads its config (JSON) from this variable: it is there before any message can be. */
export const ENGINE_CONFIG_ENV = 'LOOKALIKE_ENGINE_CONFIG';

/** What the engine process may ask of main. */
export interface HostCallbacks {
  trashItem(path: string): Promise<void>;
}

export type EngineEventName = Exclude<keyof ApiEvents, 'menu'>;
export type EngineEvent = { [E in EngineEventName]: { event: E; payload: ApiEvents[E] } }[EngineEventName];

export type RpcReply = { type: 'reply'; id: number; ok: true; value: unknown } | { type: 'reply'; id: number; ok: false; error: ApiErrorPayload };

export type ToEngine = { type: 'call'; id: number; method: EngineMethod; req: unknown } | RpcReply;

export type FromEngine =
  | RpcReply
  | ({ type: 'event' } & EngineEvent)
  | { type: 'callback'; id: number; name: keyof HostCallbacks; path: string };

export type EngineRequest<M extends EngineMethod> = Parameters<EngineApi[M]>[0];
export type EngineResponse<M extends EngineMethod> = Awaited<ReturnType<EngineApi[M]>>;
