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
  'pickSaveFile',
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
  'startCalibration',
  'getCalibration',
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
export const mainMethods = ['pickFiles', 'pickFolder', 'pickSaveFile', 'showInFolder'] as const satisfies readonly ApiMethod[];
export type MainMethod = (typeof mainMethods)[number];
/** The contract's methods the engine process implements (the renderer reaches them through main). */
export type ContractEngineMethod = Exclude<ApiMethod, MainMethod>;
/**
 * Engine methods only main calls, for its own protocols: not in apiMethods, so the preload never exposes them and
 * no IPC channel reaches them (the media protocol asks for thumbnails after its own path checks).
 */
export const internalEngineMethods = ['thumbnail'] as const;
export type InternalEngineMethod = (typeof internalEngineMethods)[number];
export type EngineMethod = ContractEngineMethod | InternalEngineMethod;
export const engineMethods: readonly EngineMethod[] = [
  ...apiMethods.filter((m): m is ContractEngineMethod => !(mainMethods as readonly string[]).includes(m)),
  ...internalEngineMethods,
];

export const apiEvents = ['jobProgress', 'jobDone', 'statusChanged', 'menu'] as const;
export type ApiEventName = (typeof apiEvents)[number];

export const invokeChannel = (method: ApiMethod): string => `lookalike:invoke:${method}`;
export const eventChannel = (event: ApiEventName): string => `lookalike:event:${event}`;
