// The contract's names as plain values, importing only the dependency-free values.ts: the sandboxed preload bundles this file alone (it
// cannot load zod or anything else), and `contract.ts` re-exports all of it. Keep it dependency-free.

/** The global the preload exposes in the page: `window.lookalike`. */
export const API_GLOBAL = 'lookalike';

// The thumbnail protocol and its URLs live with the value lists (the engine builds the URLs it returns).
export { MEDIA_SCHEME, THUMB_SIZES, thumbUrl, type ThumbSize } from './values.js';

/** Every method, in a fixed order: the preload exposes exactly these. */
export const apiMethods = [
  'getStatus',
  'compare',
  'pickFiles',
  'pickFolder',
  'listRoots',
  'addRoot',
  'removeRoot',
  'startScan',
  'pauseJob',
  'resumeJob',
  'cancelJob',
  'listJobs',
  'listFailed',
  'getGroups',
  'resolveGroup',
  'markNotDuplicate',
  'undo',
  'resolveAll',
  'search',
  'exportFeatures',
  'exportResults',
  'listModels',
  'downloadModel',
  'importModel',
  'useModel',
  'getSettings',
  'setSettings',
  'showInFolder',
] as const;
export type ApiMethod = (typeof apiMethods)[number];

/** What only Electron's main process can do (dialogs, the shell); the engine process implements the rest. */
export const mainMethods = ['pickFiles', 'pickFolder', 'showInFolder'] as const satisfies readonly ApiMethod[];
export type MainMethod = (typeof mainMethods)[number];
export type EngineMethod = Exclude<ApiMethod, MainMethod>;
export const engineMethods = apiMethods.filter((m): m is EngineMethod => !(mainMethods as readonly string[]).includes(m));

export const apiEvents = ['jobProgress', 'jobDone', 'statusChanged', 'menu'] as const;
export type ApiEventName = (typeof apiEvents)[number];

export const invokeChannel = (method: ApiMethod): string => `lookalike:invoke:${method}`;
export const eventChannel = (event: ApiEventName): string => `lookalike:event:${event}`;
