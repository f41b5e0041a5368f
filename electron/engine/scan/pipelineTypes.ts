// What the pipeline's stages pass along and share: the jobs at each stage and the scan's context.
import type { Catalog, ContentMetadata } from '../catalog/index.js';
import type { NativeWork } from './nativeWork.js';
import type { PauseGate } from './pause.js';
import type { ScanMeter } from './progress.js';
import type { ScanEmbedder } from './types.js';
import type { CatalogWriter } from './writer.js';

/** A file that must be read: its bytes are new to us, or its vector for this model is missing. */
export interface FileJob {
  path: string;
  size: number;
  mtimeMs: number;
  /**
   * `dev:ino` of a file with more than one hard link: the links share bytes, so the first one hashed gives the
   * others their hash (hardLinks.ts). Absent for a file with one link.
   */
  linkKey?: string;
  /** How many hard links the inode has (with linkKey). */
  links?: number;
}

export interface HashedJob extends FileJob {
  contentHash: string;
  format: string;
  /**
   * The vector for this model is stored already; only the metadata lacks the pixel thumbnail (a row scanned
   * before thumbnails were kept). Decoded to fill it, never embedded again.
   */
  vectorKnown?: boolean;
}

export interface PreparedJob {
  job: HashedJob;
  tensor: Float32Array;
  meta: ContentMetadata;
}

export interface PipelineCounts {
  new: number;
  changed: number;
  unchanged: number;
}

export interface PipelineContext {
  catalog: Catalog;
  engine: ScanEmbedder;
  modelKey: string;
  batchSize: number;
  writer: CatalogWriter;
  meter: ScanMeter;
  gate: PauseGate;
  signal: AbortSignal;
  /** Where decodes and model batches run, recorded for a supervisor (nativeWork.ts). */
  native: NativeWork;
}
