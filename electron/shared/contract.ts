// The ONE IPC contract between the renderer and the Electron main process.
//
// - `apiMethods` is the ordered list the preload loops over to expose exactly these methods (never a generic
//   invoke); main builds `{ [K in ApiMethod]: handler }` so a missing handler fails to compile.
// - Requests are described once, as zod schemas: their TypeScript types are inferred from them, and main parses
//   every request with them before any handler runs. Responses are plain interfaces (main produces them).
// - Everything crossing IPC is structured-clone data: plain objects, arrays, numbers, strings, null.
// The renderer imports TYPES from here (and may import the small constants); it never needs zod at run time.
// - Split by domain (contract/*.ts: app, compare, library, export, models) behind this one index.
import type { z } from 'zod';
import type { Settings } from '../engine/library/settings.js';
import type {
  ActionResult, CalibrationFigures, CompareResult, ExportResultsSummary, FailedFile, GroupsResult, JobDone, JobInfo, JobProgressView, JobStarted, ModelInfo,
  NotDuplicateResult, Ok, PickedFiles, PickedFolder, ResolveAllSummary, Root, SearchResult, Status, UndoResult,
} from '../engine/library/types.js';
import type { ApiEventName, ApiMethod, ContractEngineMethod, InternalEngineMethod } from './methods.js';
import type { ErrorCode, JobKind, ThumbSize } from './values.js';
import { appSchemas } from './contract/app.js';
import { compareSchemas } from './contract/compare.js';
import { exportSchemas } from './contract/export.js';
import { librarySchemas } from './contract/library.js';
import { modelSchemas } from './contract/models.js';
export type * from '../engine/library/types.js';
export * from './methods.js';
// Value lists live in values.ts (dependency-free: the engine, the renderer and the schemas share them).
export * from './values.js';

export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// ---------------------------------------------------------------------------------------------------------------
// Request schemas, by domain (contract/*.ts), validated by main before any handler runs.

export { absolutePath } from './contract/common.js';
export { settingsSchema, type Settings } from '../engine/library/settings.js';

export const requestSchemas = {
  ...appSchemas,
  ...compareSchemas,
  ...librarySchemas,
  ...exportSchemas,
  ...modelSchemas,
} satisfies Record<string, z.ZodType>;


const methodListMatchesSchemas: Same<ApiMethod, keyof typeof requestSchemas> = true;
void methodListMatchesSchemas;

// ---------------------------------------------------------------------------------------------------------------
// Responses: the library facade's own types (engine/library/types.ts), so the engine returns the contract.

/** A save dialog's answer: the file (null when cancelled), and whether the user confirmed replacing it. */
export interface PickedSaveFile {
  path: string | null;
  overwrite: boolean;
}

export interface ApiResponses {
  getStatus: Status;
  compare: CompareResult;
  pickFiles: PickedFiles;
  pickFolder: PickedFolder;
  pickSaveFile: PickedSaveFile;
  listRoots: Root[];
  addRoot: Root[];
  removeRoot: Root[];
  startScan: JobStarted;
  pauseJob: Ok;
  resumeJob: Ok;
  cancelJob: Ok;
  listJobs: JobInfo[];
  listFailed: FailedFile[];
  getGroups: GroupsResult;
  resolveGroup: ActionResult;
  markNotDuplicate: NotDuplicateResult;
  undo: UndoResult;
  resolveAll: ResolveAllSummary;
  search: SearchResult;
  startCalibration: JobStarted;
  getCalibration: CalibrationFigures | null;
  exportFeatures: JobStarted;
  exportResults: ExportResultsSummary;
  listModels: ModelInfo[];
  downloadModel: JobStarted;
  importModel: ModelInfo;
  useModel: Status;
  getSettings: Settings;
  setSettings: Settings;
  showInFolder: Ok;
}

/** The method map: request (as the renderer passes it) and response per method. */
export type Api = {
  [K in ApiMethod]: { req: z.input<(typeof requestSchemas)[K]>; res: ApiResponses[K] };
};
export type ApiRequest<K extends ApiMethod> = Api[K]['req'];
/** The request after main has parsed it (defaults applied). */
export type ParsedRequest<K extends ApiMethod> = z.output<(typeof requestSchemas)[K]>;
export type ApiResponse<K extends ApiMethod> = Api[K]['res'];

/** What main implements: every method, taking the parsed request. A missing method fails to compile. */
export type Handlers = { [K in ApiMethod]: (req: ParsedRequest<K>) => Promise<ApiResponse<K>> };
/** A thumbnail's bytes (engine/library/thumbnails.ts), structured-clone data. */
export interface ThumbnailBytes {
  data: Uint8Array;
  contentType: 'image/webp';
  cached: boolean;
}

/** Engine methods main calls for itself (methods.ts internalEngineMethods), never the renderer. */
export interface InternalEngineApi {
  /** A WebP thumbnail of a file main's media protocol has already checked it may show. */
  thumbnail(req: { path: string; size: ThumbSize }): Promise<ThumbnailBytes>;
}
const internalListMatches: Same<InternalEngineMethod, keyof InternalEngineApi> = true;
void internalListMatches;

/** What the engine process implements: every method but the few only Electron's main process can serve, and main's own. */
export type EngineApi = Pick<Handlers, ContractEngineMethod> & InternalEngineApi;

// ---------------------------------------------------------------------------------------------------------------
// Events (main → renderer).

/** Menu items the renderer acts on (the rest, like Quit, main handles itself). */
export const menuCommands = ['addFolder', 'startScan', 'compare', 'undo', 'settings', 'exportResults', 'models'] as const;
export type MenuCommand = (typeof menuCommands)[number];

export interface ApiEvents {
  jobProgress: { jobId: string; kind: JobKind; progress: JobProgressView };
  jobDone: JobDone;
  /** The engine started, failed or switched model. */
  statusChanged: Status;
  menu: { command: MenuCommand };
}
const eventListMatches: Same<ApiEventName, keyof ApiEvents> = true;
void eventListMatches;

// ---------------------------------------------------------------------------------------------------------------
// What the preload exposes as `window.lookalike`.

/** One function per method; methods without required parameters may be called with no argument. */
export type ApiClient = {
  [K in ApiMethod]: undefined extends ApiRequest<K>
    ? (req?: ApiRequest<K>) => Promise<ApiResponse<K>>
    : (req: ApiRequest<K>) => Promise<ApiResponse<K>>;
};

export interface LookalikeBridge extends ApiClient {
  /** Subscribe to an event; returns the unsubscribe function. */
  on<E extends ApiEventName>(event: E, listener: (payload: ApiEvents[E]) => void): () => void;
  /** The file system path of a dropped File (Electron's webUtils.getPathForFile); '' when it has none. */
  pathForFile(file: File): string;
}

/** How main reports a failed call: the preload rethrows it as an Error whose message is `message`. */
export type ApiErrorCode = ErrorCode;
export interface ApiErrorPayload {
  code: ApiErrorCode;
  message: string;
}
export type InvokeResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorPayload };
