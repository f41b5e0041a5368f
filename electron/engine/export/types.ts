// Types at the export boundary: what a feature source yields, what the job takes, what the manifest says.
import { featureDtypes, featureFormats, type FeatureDtype, type FeatureFormat } from '../../shared/values.js';
import type { JobOptions, JobProgress, ModelProvenance, PoolingSource } from '../types.js';

/** The file formats and value types an export writes: the product's lists (shared/values.ts), under the export's names. */
export const exportFormats = featureFormats;
export type ExportFormat = FeatureFormat;

export const exportDtypes = featureDtypes;
export type ExportDtype = FeatureDtype;

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
  /** Replace `out` (and its manifest) if they exist; otherwise an existing file is a `conflict`. */
  overwrite?: boolean;
}

export interface ExportResult {
  out: string;
  manifestPath: string;
  manifest: ExportManifest;
  bytesWritten: number;
}

export type ExportJobOptions = JobOptions<ExportProgress>;
