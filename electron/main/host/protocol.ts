// Messages between main and the engine worker. Calls are request/response by id; jobs report progress and end
// with one jobDone; the worker may call back into main for what only Electron can do (the OS trash).
import type { DeviceChoice } from '../../engine/types.js';
import type {
  ActionResult,
  ApiErrorPayload,
  CompareResult,
  DuplicateGroup,
  ExportResultsSummary,
  FailedFile,
  JobDone,
  JobKind,
  JobProgressView,
  KeepRule,
  ModelInfo,
  NotDuplicateResult,
  ParsedRequest,
  ResolveAllSummary,
  Root,
  SearchResult,
  Status,
  Tier,
  UndoResult,
} from '../../shared/contract.js';

/** What the worker needs to start: where user data lives and how to run the model. */
export interface EngineHostConfig {
  dataDir: string;
  device: DeviceChoice;
  threads: number | null;
  /** A model folder to use instead of the selected one (tests, `LOOKALIKE_MODEL`). */
  modelDir?: string | null;
  /** Extra environment for the model manager (HF_ENDPOINT, HF_HUB_OFFLINE). */
  env?: Record<string, string>;
}

export type EngineStatus = Pick<
  Status,
  'engineState' | 'engineError' | 'modelId' | 'modelInstalled' | 'device' | 'deviceFallbacks' | 'pooling' | 'dim' | 'dtype'
>;

export interface RootRef {
  path: string;
  reference: boolean;
}

/** How the library groups: the threshold, which tiers, and the keep-best rule order from Settings. */
export interface GroupingArgs {
  threshold: number;
  tiers: Tier[] | null;
  keepRules: KeepRule[];
}

/** Request/response per worker method. */
export interface WorkerCalls {
  status: { args: Record<string, never>; result: EngineStatus };
  configure: { args: { device: DeviceChoice; threads: number | null }; result: EngineStatus };
  compare: { args: { a: string; b: string; threshold: number }; result: Omit<CompareResult, 'thumbA' | 'thumbB'> };
  search: { args: ParsedRequest<'search'> & { threshold: number }; result: SearchResult };
  /** The library's folders: the catalog's roots table is their one record. */
  listRoots: { args: Record<string, never>; result: Root[] };
  addRoot: { args: RootRef; result: Root[] };
  removeRoot: { args: { path: string }; result: Root[] };
  listFailed: { args: Record<string, never>; result: FailedFile[] };
  getGroups: { args: GroupingArgs; result: { groups: DuplicateGroup[] } };
  resolveGroup: { args: ParsedRequest<'resolveGroup'>; result: ActionResult };
  markNotDuplicate: { args: ParsedRequest<'markNotDuplicate'>; result: NotDuplicateResult };
  undo: { args: { actionId: string | null }; result: UndoResult };
  resolveAll: { args: ParsedRequest<'resolveAll'> & { keepRules: KeepRule[] }; result: ResolveAllSummary };
  exportResults: { args: ParsedRequest<'exportResults'> & { keepRules: KeepRule[] }; result: ExportResultsSummary };
  listModels: { args: Record<string, never>; result: ModelInfo[] };
  importModel: { args: ParsedRequest<'importModel'>; result: ModelInfo };
  useModel: { args: { id: string }; result: EngineStatus };
  /** Round trip only: lets tests time the channel itself. */
  ping: { args: Record<string, never>; result: { at: number } };
}
export type WorkerMethod = keyof WorkerCalls;

export interface JobParams {
  scan: { roots: RootRef[]; excludeGlobs: string[] };
  exportFeatures: ParsedRequest<'exportFeatures'>;
  downloadModel: { id: string };
}

/** What the worker may ask of main. */
export interface HostCallbacks {
  /** Electron's shell.trashItem (the worker cannot reach Electron). */
  trashItem(path: string): Promise<void>;
}
export type CallbackName = keyof HostCallbacks;

export type ToWorker =
  | { type: 'call'; id: number; method: WorkerMethod; args: unknown }
  | { type: 'startJob'; jobId: string; kind: JobKind; params: unknown }
  | { type: 'cancelJob'; jobId: string }
  /** Jobs that take a PauseGate (scans) hold at the next file and go on from there. */
  | { type: 'pauseJob'; jobId: string; paused: boolean }
  | { type: 'callbackReply'; id: number; ok: true }
  | { type: 'callbackReply'; id: number; ok: false; error: string };

export type FromWorker =
  | { type: 'reply'; id: number; ok: true; value: unknown }
  | { type: 'reply'; id: number; ok: false; error: ApiErrorPayload }
  | { type: 'jobProgress'; jobId: string; kind: JobKind; progress: JobProgressView }
  | { type: 'jobDone'; done: JobDone }
  | { type: 'statusChanged'; status: EngineStatus }
  | { type: 'callback'; id: number; name: CallbackName; path: string };
