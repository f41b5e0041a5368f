// What the library facade returns: the contract's response types are these (shared/contract re-exports them),
// so the engine process answers the renderer's calls with exactly what the contract promises. Types only.
import type { CalibrationFigures } from './calibration.js';
export type { CalibrationFigures } from './calibration.js';
export type { Evaluation, EvaluationPoint } from './calibrationEvaluate.js';
import type { JobProgress, ModelDtype, PoolingSource, ResolvedDevice } from '../types.js';
import type { JobKind, JobState, MatchReason, Tier } from '../../shared/values.js';


export type EngineState = 'starting' | 'ready' | 'no-model' | 'error';

/** What the engine itself reports; the status adds the app's version and the data folder. */
export type EngineStatus = Omit<Status, 'appVersion' | 'dataDir'>;

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
  pooling: PoolingSource;
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
  /**
   * The evidence, against the suggested keeper like `score`: Hamming distance of the perceptual fingerprints (of
   * 128 bits; the near-identical tier is ≤ its calibrated distance) and cosine of the embeddings. null when
   * either photo has no fingerprint or vector (0 and 1 for the keeper itself). The engine always sets both;
   * they are optional only so that views built before the near-identical tier still type-check.
   */
  hamming?: number | null;
  cosine?: number | null;
  width: number | null;
  height: number | null;
  bytes: number;
  mtimeMs: number;
  /** Under a reference root: never a target. */
  reference: boolean;
  /** Matches an exclusion glob in Settings: never a target. */
  excluded: boolean;
  /**
   * The engine's keep-best verdict for this member: for the suggested keeper why it wins (e.g. "highest resolution
   * (800×600)"), for the others why they lose to it (e.g. "smaller file (1.2 MB < 2.0 MB)").
   */
  reasons: string[];
  thumb: string;
  /**
   * Its RAW+JPEG partner when it is one of a pair (the same shot as a RAW and a JPEG: same folder and name, or
   * same capture time and camera), and whether resolve leaves it alone for that (the default; a pair keep rule
   * in Settings may drop one of the two when the other is kept). Absent or null: no pair.
   */
  pair?: MemberPair | null;
}

export interface MemberPair {
  partner: string;
  role: 'raw' | 'jpeg';
  by: 'name' | 'capture';
  /** The pair keep rule in Settings drops this side when its partner is the keeper. */
  droppable: boolean;
  /** Resolve leaves it alone with the suggested keeper (false for the keeper itself). */
  protected: boolean;
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
  /** Of every group the request matched (all pages). */
  totals: { groups: number; files: number; reclaimableBytes: number };
  /** Groups per tier at this threshold, whatever the request's tiers (the Review's tier filter counts them). */
  tierCounts: Record<Tier, number>;
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
  /** Every planned action and how it ended (journal id, or null in a dry run). */
  actions: ActionOutcomeView[];
}

export interface ActionOutcomeView {
  id: number | null;
  kind: 'trash' | 'move';
  path: string;
  keep: string;
  status: 'done' | 'dry-run' | 'refused' | 'failed';
  message: string;
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
  threshold: number;
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
  /** The precisions this model offers (fp32 and q8 always listed; fp16 where it has one), in that order. */
  precisions: ModelPrecision[];
  /** The precision the model manager selected for it (when `selected`), else null. */
  dtype: ModelDtype | null;
}

/** One precision (ONNX file) of a model, as the precision choice shows it. */
export interface ModelPrecision {
  dtype: ModelDtype;
  /** Its file is installed and sound: choosing it switches at once. */
  installed: boolean;
  /** Not installed but the registry pins it: choosing it downloads this many bytes (the hub's rounded size). */
  downloadBytes: number | null;
  /** Why it cannot be chosen (no such file, or no pinned checksum); null when it can. */
  unavailable: string | null;
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
  calibrate: CalibrationFigures;
}

export type JobDone = {
  [K in JobKind]:
    | { jobId: string; kind: K; ok: true; result: JobResults[K] }
    | { jobId: string; kind: K; ok: false; cancelled: boolean; error: string };
}[JobKind];

