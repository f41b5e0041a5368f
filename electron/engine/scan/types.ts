// The scanner's public types: what it needs from the embedding engine, its parameters, progress and result.
import type { Catalog } from '../catalog/index.js';
import type { JobOptions, JobProgress, ModelProvenance } from '../types.js';
import type { PauseGate } from './pause.js';

/** Exactly what scanning uses of the engine; `Engine` from engine.ts satisfies it structurally. */
export interface ScanEmbedder {
  readonly provenance: ModelProvenance;
  readonly dim: number;
  /** Worker threads that decode for prepare() (engine.ts); the scan keeps one more decode than that in flight. */
  readonly preprocessWorkers?: number;
  /** Decode (EXIF orientation applied) and preprocess; rejects with a readable reason for a bad file. */
  /** A path, or the file's bytes (read once and checked against its hash) with the path as its label. */
  prepare(input: string | Buffer, label?: string): Promise<{
    tensor: Float32Array;
    decoded: { format: string; width: number; height: number; orientation: number; decodedFrom?: string };
    pixelHash: string;
    /** 32×32 upright RGB thumbnail (similarity/pixelThumb.ts). */
    pixelThumb: Uint8Array;
  }>;
  /** Pooled embeddings, one per tensor, in order. */
  runBatch(tensors: Float32Array[]): Promise<Float32Array[]>;
}

export interface ScanParams {
  catalog: Catalog;
  roots: string[];
  engine: ScanEmbedder;
  exclude?: string[];
  include?: string[];
  /** Skip dot-files, dot-folders and system folders. Default true. */
  skipHidden?: boolean;
  /** Images per inference call; also the commit granularity for embeddings. Default 8. */
  batchSize?: number;
}

export type ScanPhase = 'crawling' | 'scanning' | 'finishing' | 'paused' | 'done' | 'cancelled';

export interface ScanProgress extends JobProgress {
  phase: ScanPhase;
  /** Candidate files found so far (total while crawling, final once scanning). */
  found: number;
  hashed: number;
  embedded: number;
  /** Bytes read for hashing. */
  bytes: number;
}

export interface ScanOptions extends JobOptions<ScanProgress> {
  pause?: PauseGate;
  /**
   * The crash journal a supervisor reads if this process dies mid-scan (crashJournal.ts); its verdicts from an
   * earlier death are recorded first. Absent: native calls are not recorded.
   */
  journal?: string | null;
}

export interface FailedFile {
  path: string;
  reason: string;
}

/** The counts the CLI prints with --json, plus bookkeeping. */
export interface ScanSummary {
  scanId: number;
  found: number;
  /** Paths the catalog did not have (or had as missing). */
  new: number;
  /** Known paths whose size or mtime changed. */
  changed: number;
  /** Known paths with the same size and mtime: not read again. */
  unchanged: number;
  /** Vectors computed by this scan (moved and duplicate files reuse stored ones). */
  embedded: number;
  /** Catalogued files under the roots that are gone (marked missing). 0 when cancelled. */
  missing: number;
  failed: FailedFile[];
  bytesHashed: number;
  cancelled: boolean;
  /** Folders that could not be listed. */
  unreadableFolders: FailedFile[];
  durationMs: number;
}
