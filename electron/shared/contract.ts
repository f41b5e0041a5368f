// The ONE IPC contract between the renderer and the Electron main process.
//
// - `apiMethods` is the ordered list the preload loops over to expose exactly these methods (never a generic
//   invoke); main builds `{ [K in ApiMethod]: handler }` so a missing handler fails to compile.
// - Requests are described once, as zod schemas: their TypeScript types are inferred from them, and main parses
//   every request with them before any handler runs. Responses are plain interfaces (main produces them).
// - Everything crossing IPC is structured-clone data: plain objects, arrays, numbers, strings, null.
// The renderer imports TYPES from here (and may import the small constants); it never needs zod at run time.
import { z } from 'zod';
import type { JobProgress, ModelDtype, PoolingSource, ResolvedDevice } from '../engine/types.js';
import type { ApiEventName, ApiMethod } from './methods.js';

export * from './methods.js';

// Value lists live in values.ts (dependency-free: the engine, the renderer and the schemas below share them).
export * from './values.js';
import { deviceChoices, featureDtypes, featureFormats, keepRules, resolveActions, resultFormats, themes, tiers, type ErrorCode, type JobKind, type JobState, type Tier, type MatchReason, type KeepRule } from './values.js';
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;

// ---------------------------------------------------------------------------------------------------------------
// Request schemas.

/** An absolute path (POSIX `/…`, Windows `C:\…` or `\\server\share`), no NUL byte, bounded length. */
export const absolutePath = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'path must be absolute');

const noParams = z.strictObject({}).optional();
const jobRef = z.strictObject({ jobId: z.string().min(1).max(100) });
const threshold = z.number().min(0).max(100);
const modelId = z.string().min(1).max(300);

export const settingsSchema = z.strictObject({
  /** Near-duplicate threshold on the 0–100 scale. */
  threshold,
  device: z.enum(deviceChoices),
  /** onnxruntime threads; null = all cores. */
  threads: z.int().min(1).max(256).nullable(),
  theme: z.enum(themes),
  /** Where "move" puts duplicates by default; null = ask. */
  moveDest: absolutePath.nullable(),
  /** Glob patterns (picomatch) skipped by scans, e.g. `**\/.thumbnails/**`. */
  excludeGlobs: z.array(z.string().min(1).max(500)).max(200),
  /** The keep-best rules in the order they apply (each at most once). */
  keepRules: z
    .array(z.enum(keepRules))
    .min(1)
    .max(keepRules.length)
    .refine((rules) => new Set(rules).size === rules.length, 'a keep rule appears twice'),
  /** Folders in order of preference for the `folder` keep rule (a copy in an earlier one is kept). */
  preferFolders: z.array(absolutePath).max(100),
});
export type Settings = z.infer<typeof settingsSchema>;

export const requestSchemas = {
  getStatus: noParams,
  compare: z.strictObject({ a: absolutePath, b: absolutePath }),
  pickFiles: z.strictObject({ title: z.string().max(200).optional(), multiple: z.boolean().optional() }).optional(),
  pickFolder: z.strictObject({ title: z.string().max(200).optional() }).optional(),
  listRoots: noParams,
  addRoot: z.strictObject({ path: absolutePath, reference: z.boolean() }),
  removeRoot: z.strictObject({ path: absolutePath }),
  startScan: z.strictObject({ roots: z.array(absolutePath).max(1000).optional() }).optional(),
  pauseJob: jobRef,
  resumeJob: jobRef,
  cancelJob: jobRef,
  listJobs: noParams,
  listFailed: noParams,
  getGroups: z.strictObject({ threshold, tiers: z.array(z.enum(tiers)).min(1).optional() }),
  resolveGroup: z
    .strictObject({
      keep: absolutePath,
      targets: z.array(absolutePath).min(1, 'nothing to resolve: targets is empty').max(10_000),
      action: z.enum(resolveActions),
      dest: absolutePath.optional(),
    })
    .refine((r) => r.action !== 'move' || r.dest !== undefined, { message: 'action "move" needs dest', path: ['dest'] })
    .refine((r) => !r.targets.includes(r.keep), { message: 'the kept file is also a target', path: ['targets'] }),
  markNotDuplicate: z.strictObject({ paths: z.array(absolutePath).min(2).max(10_000) }),
  undo: z.strictObject({ actionId: z.string().min(1).max(100).optional() }).optional(),
  resolveAll: z
    .strictObject({
      threshold,
      tiers: z.array(z.enum(tiers)).min(1).optional(),
      action: z.enum(resolveActions),
      dest: absolutePath.optional(),
      dryRun: z.boolean(),
    })
    .refine((r) => r.action !== 'move' || r.dest !== undefined, { message: 'action "move" needs dest', path: ['dest'] }),
  search: z.strictObject({ path: absolutePath, top: z.int().min(1).max(1000) }),
  exportFeatures: z.strictObject({
    /** Files and folders to embed; absent = every file in the catalog. */
    inputs: z.array(absolutePath).min(1).max(100_000).optional(),
    out: absolutePath,
    format: z.enum(featureFormats).optional(),
    dtype: z.enum(featureDtypes).optional(),
    pooled: z.boolean(),
  }),
  exportResults: z.strictObject({ format: z.enum(resultFormats), out: absolutePath, threshold }),
  listModels: noParams,
  downloadModel: z.strictObject({ id: modelId }),
  importModel: z.strictObject({ path: absolutePath, name: z.string().min(1).max(100).optional() }),
  useModel: z.strictObject({ id: modelId }),
  getSettings: noParams,
  setSettings: settingsSchema.partial(),
  showInFolder: z.strictObject({ path: absolutePath }),
} satisfies Record<string, z.ZodType>;


const methodListMatchesSchemas: Same<ApiMethod, keyof typeof requestSchemas> = true;
void methodListMatchesSchemas;

// ---------------------------------------------------------------------------------------------------------------
// Responses.

export type EngineState = 'starting' | 'ready' | 'no-model' | 'error';

export interface Status {
  appVersion: string;
  dataDir: string;
  engineState: EngineState;
  /** Why the engine is not ready (state `error`), else null. */
  engineError: string | null;
  modelId: string | null;
  modelInstalled: boolean;
  /** The execution provider actually in use (null until the engine is ready). */
  device: ResolvedDevice | null;
  /** Why faster providers were skipped, e.g. "cuda: libcudart not found". */
  deviceFallbacks: string[];
  pooling: PoolingSource | null;
  dim: number | null;
  dtype: ModelDtype | null;
}

export interface PatchHeatmap {
  gridW: number;
  gridH: number;
  /** Row-major, gridW × gridH: each patch of A's best cosine against any patch of B. */
  a: number[];
  /** The same for B against A. */
  b: number[];
}

export interface CompareResult {
  /** 0–100 on the app's similarity scale. */
  score: number;
  cosine: number;
  /** The tier at the current threshold setting, or null when below the similar band. */
  tier: Tier | null;
  model: string;
  device: ResolvedDevice;
  /** null when the model has no patch tokens (no last_hidden_state) or its grid is not square. */
  heatmap: PatchHeatmap | null;
  thumbA: string | null;
  thumbB: string | null;
}

export interface PickedFiles {
  /** Empty when the user cancelled. */
  paths: string[];
}

export interface PickedFolder {
  /** null when the user cancelled. */
  path: string | null;
}

export interface Root {
  path: string;
  /** Reference roots are compared against but never modified (their files are always kept). */
  reference: boolean;
  /** Catalogued files under this root, or null before a first scan. */
  files: number | null;
}

export interface JobStarted {
  jobId: string;
}


export interface JobInfo {
  jobId: string;
  kind: JobKind;
  state: JobState;
  progress: JobProgressView | null;
  startedAt: number;
}

export interface Ok {
  ok: boolean;
}

export interface FailedFile {
  path: string;
  error: string;
  /** Epoch ms of the attempt. */
  at: number;
}

export interface GroupMember {
  path: string;
  /** Similarity to the suggested keeper, 0–100 (100 for the keeper itself). */
  score: number;
  /**
   * Why this member is a duplicate of the suggested keeper, e.g. "identical bytes" (like `score`, against the
   * keeper). The keeper's own is how the engine matched it to the photo the group grew from.
   */
  match: MatchReason;
  width: number | null;
  height: number | null;
  bytes: number;
  mtimeMs: number;
  /** Under a reference root: never a target. */
  reference: boolean;
  /**
   * The engine's keep-best verdict for this member: for the suggested keeper why it wins (e.g. "highest resolution
   * (800×600)"), for the others why they lose to it (e.g. "smaller file (1.2 MB < 2.0 MB)").
   */
  reasons: string[];
  thumb: string;
}

export interface DuplicateGroup {
  id: string;
  tier: Tier;
  /** The suggested keeper, by the keep-best rules in Settings (a reference-root file wins). */
  keep: string;
  /** Why the engine suggests `keep` (its member's `reasons`). */
  keepReasons: string[];
  members: GroupMember[];
  /** Bytes freed by removing every member but the keeper. */
  reclaimableBytes: number;
}

export interface GroupsResult {
  threshold: number;
  groups: DuplicateGroup[];
  totals: { groups: number; files: number; reclaimableBytes: number };
}

export interface PathFailure {
  path: string;
  error: string;
}

export interface ActionResult {
  /** Pass to `undo`; null when nothing was changed. */
  actionId: string | null;
  done: string[];
  failed: PathFailure[];
}

export interface UndoResult {
  actionId: string | null;
  restored: string[];
  failed: PathFailure[];
}

export interface ResolveAllSummary {
  dryRun: boolean;
  groups: number;
  files: number;
  bytes: number;
  /** What was (or, in a dry run, would be) done per group. */
  plan: { keep: string; targets: string[] }[];
  actionId: string | null;
  failed: PathFailure[];
}

export interface SearchHit {
  path: string;
  score: number;
  cosine: number;
  /** null below the similar band. */
  tier: Tier | null;
  thumb: string;
}

export interface SearchResult {
  query: string;
  hits: SearchHit[];
}

export interface ExportResultsSummary {
  out: string;
  groups: number;
  rows: number;
}

export interface ModelInfo {
  id: string;
  /** Human name and what it is good for. */
  label: string;
  description: string;
  source: 'registry' | 'imported';
  installed: boolean;
  selected: boolean;
  /** Download size (registry) or size on disk (installed). */
  bytes: number | null;
}

/** The scanner's summary, as counts. */
export interface ScanSummary {
  /** Photo files found under the folders. */
  found: number;
  /** Paths the catalog did not have (or had as gone). */
  new: number;
  /** Known paths whose size or date changed (read again). */
  changed: number;
  /** Known paths with the same size and date: not read at all. */
  unchanged: number;
  /** Vectors the model computed (byte-identical copies and moved files reuse stored ones). */
  embedded: number;
  failed: number;
  /** Catalogued files under the folders that are gone (marked missing; 0 when cancelled). */
  missing: number;
  bytesHashed: number;
  /** Folders that could not be listed. */
  unreadableFolders: number;
  durationMs: number;
}

export interface NotDuplicateResult {
  ok: boolean;
  /** Pass to `undo` to forget the mark again. */
  actionId: string | null;
}

export interface ExportFeaturesSummary {
  out: string;
  manifestPath: string;
  rows: number;
  failed: number;
  bytesWritten: number;
}

export interface ApiResponses {
  getStatus: Status;
  compare: CompareResult;
  pickFiles: PickedFiles;
  pickFolder: PickedFolder;
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

// ---------------------------------------------------------------------------------------------------------------
// Events (main → renderer).

/**
 * The engine's JobProgress plus a phase name ("crawling", "scanning", "paused", "embedding", …), bytes (downloaded,
 * or read for hashing by a scan) and, for scans, the files found, hashed and embedded so far.
 */
export interface JobProgressView extends JobProgress {
  phase: string | null;
  bytesDone?: number;
  bytesTotal?: number;
  found?: number;
  hashed?: number;
  embedded?: number;
}

export interface JobResults {
  scan: ScanSummary;
  exportFeatures: ExportFeaturesSummary;
  downloadModel: ModelInfo;
}

export type JobDone = {
  [K in JobKind]:
    | { jobId: string; kind: K; ok: true; result: JobResults[K] }
    | { jobId: string; kind: K; ok: false; cancelled: boolean; error: string };
}[JobKind];

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
