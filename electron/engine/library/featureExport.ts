// Feature export as the library offers it: the library's photos (stored vectors reused, the rest embedded) or
// named files and folders (vectors the catalog already has reused), streamed to npy/safetensors/csv/jsonl with
// a provenance manifest. The plan (rows, shape, estimated size) is reported before anything is written.
import type { Catalog } from '../catalog/index.js';
import type { Engine } from '../engine.js';
import { LookalikeError } from '../errors.js';
import { catalogFeatureLookup, catalogFeatureReader } from '../export/catalogFeatures.js';
import { exportFeatures, exportMetadata, manifestPathFor } from '../export/exportFeatures.js';
import { assertNoFile } from '../export/outputFile.js';
import { estimateExportBytes, formatFromPath } from '../export/formats.js';
import { catalogFeatureSource, fileFeatureSource } from '../export/sources.js';
import type { ExportResult } from '../export/types.js';
import type { FeatureDtype, FeatureFormat } from '../../shared/values.js';
import type { JobControl } from './jobs.js';

export interface FeatureExportRequest {
  /** Files and folders to embed; absent = every photo in the library. */
  inputs?: string[] | undefined;
  out: string;
  format?: FeatureFormat | undefined;
  dtype?: FeatureDtype | undefined;
  pooled: boolean;
  /** With no inputs: only the library's photos under this folder. */
  root?: string | null;
  /** Replace an existing `out` (the user confirmed it); otherwise an existing file is refused as a `conflict`. */
  overwrite?: boolean | undefined;
}

export interface FeatureExportPlan {
  rows: number;
  shape: number[];
  dtype: FeatureDtype;
  estimatedBytes: number;
}

export type { ExportResult } from '../export/types.js';

export async function exportLibraryFeatures(
  engine: Engine,
  catalog: Catalog | null,
  req: FeatureExportRequest,
  control: JobControl & { onPlan?: (plan: FeatureExportPlan) => void },
): Promise<ExportResult> {
  const format = req.format ?? formatFromPath(req.out);
  const dtype = req.dtype ?? 'float32';
  if (format === 'csv' && !req.pooled) {
    throw new LookalikeError('invalid-request', 'CSV holds one vector per image: export unpooled features as .npy, .safetensors or .jsonl');
  }
  // Refused before the photos are listed, not after they are embedded (the writer checks again as it commits).
  if (!req.overwrite) for (const file of [req.out, manifestPathFor(req.out)]) await assertNoFile(file);
  const source =
    catalog && !req.inputs
      ? await catalogFeatureSource({ embedder: engine, catalog: catalogFeatureReader(catalog, engine.provenance), root: req.root ?? null, pooled: req.pooled })
      : await fileFeatureSource({
          embedder: engine,
          inputs: req.inputs ?? [],
          pooled: req.pooled,
          ...(catalog ? { lookup: catalogFeatureLookup(catalog, engine.provenance) } : {}),
        });
  if (source.expectedRows === 0) throw new LookalikeError('invalid-request', 'nothing to export: no photos found (or none in the library)');
  const metadata = exportMetadata(source, dtype);
  const estimatedBytes = estimateExportBytes({ format, dtype, rows: source.expectedRows, rowShape: source.rowShape, metadata });
  control.onPlan?.({ rows: source.expectedRows, shape: [source.expectedRows, ...source.rowShape], dtype, estimatedBytes });
  return exportFeatures(
    { source, out: req.out, format, dtype, overwrite: req.overwrite ?? false },
    { signal: control.signal, onProgress: (p) => control.onProgress({ ...p, phase: 'embedding' }) },
  );
}
