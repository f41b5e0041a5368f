// Types at the export boundary: what a feature source yields, what the job takes, what the manifest says.
import type { JobOptions, JobProgress, ModelProvenance, PoolingSource } from '../types.js';

export const exportFormats = ['npy', 'safetensors', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof exportFormats)[number];

export const exportDtypes = ['float32', 'float16'] as const;
export type ExportDtype = (typeof exportDtypes)[number];

/** One image's features, or why it has none. `values` is C-order, `rowShape` elements long. */
export type FeatureRow =
  | { path: string; hash: string; values: Float32Array }
  | { path: string; hash: string | null; error: string };

/**
 * A producer of features for the export. Files/folders (through the engine) and the catalog are two of them.
 * Everything about the array except its row count is known before the first row.
 */
export interface FeatureSource {
  model: ModelProvenance;
  /** Where pooled vectors come from, or `none` for unpooled token features. */
  pooling: PoolingSource | 'none';
  pooled: boolean;
  /** Shape of one row: [dim] pooled, [tokens, dim] unpooled. */
  rowShape: number[];
  /** Rows expected, for progress and the size estimate (failures make the final count smaller). */
  expectedRows: number;
  rows(opts: { signal?: AbortSignal }): AsyncIterable<FeatureRow>;
}

export interface ManifestRow {
  path: string;
  hash: string;
}

export interface ManifestFailure {
  path: string;
  reason: string;
}

/** Written next to every export as `<out>.manifest.json`; row i of the array is `rows[i]`. */
export interface ExportManifest {
  model: ModelProvenance & { pooling: PoolingSource | 'none' };
  pooled: boolean;
  dtype: ExportDtype;
  format: ExportFormat;
  /** Full array shape: [rows, dim] or [rows, tokens, dim]. */
  shape: number[];
  rows: ManifestRow[];
  failed: ManifestFailure[];
}

export interface ExportProgress extends JobProgress {
  bytesWritten: number;
  /** The up-front estimate of the data file's final size (exact for npy/safetensors if nothing fails). */
  bytesEstimated: number;
}

export interface ExportParams {
  source: FeatureSource;
  out: string;
  /** Defaults to the extension of `out`. */
  format?: ExportFormat;
  dtype?: ExportDtype;
}

export interface ExportResult {
  out: string;
  manifestPath: string;
  manifest: ExportManifest;
  bytesWritten: number;
}

export type ExportJobOptions = JobOptions<ExportProgress>;

/** A bad request (unknown format, unpooled CSV…): front ends show its message as is. */
export class ExportError extends Error {
  override name = 'ExportError';
}
