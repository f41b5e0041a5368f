// The contract's names as plain values, with no imports: the sandboxed preload bundles this file alone (it
// cannot load zod or anything else), and `contract.ts` re-exports all of it. Keep it dependency-free.

/** The global the preload exposes in the page: `window.lookalike`. */
export const API_GLOBAL = 'lookalike';
/** The thumbnail protocol: `lookalike-media://thumb/<encodeURIComponent(absolute path)>?size=256`. */
export const MEDIA_SCHEME = 'lookalike-media';
export const THUMB_SIZES = [128, 256, 512] as const;
export type ThumbSize = (typeof THUMB_SIZES)[number];

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

export const apiEvents = ['jobProgress', 'jobDone', 'statusChanged', 'menu'] as const;
export type ApiEventName = (typeof apiEvents)[number];

export const invokeChannel = (method: ApiMethod): string => `lookalike:invoke:${method}`;
export const eventChannel = (event: ApiEventName): string => `lookalike:event:${event}`;

/** The thumbnail URL of an absolute path (main builds these; the renderer may too, for dropped files). */
export const thumbUrl = (path: string, size: ThumbSize = 256): string =>
  `${MEDIA_SCHEME}://thumb/${encodeURIComponent(path)}?size=${size}`;
