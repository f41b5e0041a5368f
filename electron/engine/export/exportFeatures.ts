// The export job: stream a feature source into one array file plus `<out>.manifest.json`, with progress and
// cancel. Rows go to disk as they arrive (memory stays flat however large the array); both files are written
// under temporary names and put in place only when complete, and removed on cancel or error. Neither replaces an
// existing file unless the request says `overwrite`: the refusal comes before any row is embedded.
import { LookalikeError } from '../errors.js';
import { ProgressMeter } from '../pipeline/progress.js';
import { createWriter, estimateExportBytes, formatFromPath } from './formats.js';
import { valuesPerRow, type FeatureWriter } from './featureWriter.js';
import { assertNoFile, OutputFile } from './outputFile.js';
import {
  exportDtypes,
  type ExportDtype,
  type ExportFormat,
  type ExportJobOptions,
  type ExportManifest,
  type ExportParams,
  type ExportResult,
  type FeatureSource,
  type ManifestFailure,
  type ManifestRow,
} from './types.js';

export const manifestPathFor = (out: string): string => `${out}.manifest.json`;

/** safetensors `__metadata__`: the format allows only string values. */
export function exportMetadata(source: FeatureSource, dtype: ExportDtype): Record<string, string> {
  const m = source.model;
  return {
    format: 'lookalike-features',
    model_id: m.id,
    model_revision: m.revision ?? '',
    model_dtype: m.dtype,
    model_sha256: m.fileSha256,
    preprocess_version: String(m.preprocessVersion),
    preprocess_mode: m.preprocessMode ?? 'exact',
    processor_sha256: m.processorSha256,
    pooled: String(source.pooled),
    pooling: source.pooling,
    dtype,
  };
}

function abortError(signal: AbortSignal): Error {
  return signal.reason instanceof Error ? signal.reason : new DOMException('export cancelled', 'AbortError');
}

/** Refuses what cannot be written (code `invalid-request`) before any file is created. */
function checkRequest(source: FeatureSource, format: ExportFormat, dtype: ExportDtype): void {
  if (!exportDtypes.includes(dtype)) throw new LookalikeError('invalid-request', `dtype must be ${exportDtypes.join(' or ')}, got "${dtype}"`);
  if (format === 'csv' && !source.pooled) {
    throw new LookalikeError('invalid-request', 'CSV holds one vector per image: export unpooled features as .npy, .safetensors or .jsonl');
  }
  if (source.rowShape.length !== (source.pooled ? 1 : 2)) {
    throw new LookalikeError('invalid-request', `${source.pooled ? 'a pooled' : 'an unpooled'} source cannot have rows of shape [${source.rowShape}]`);
  }
}

interface RowsWritten {
  rows: ManifestRow[];
  failed: ManifestFailure[];
}

/** Streams the source's rows into the writer, in order; a row without features (or of the wrong size) is listed as failed. */
async function writeRows(
  source: FeatureSource,
  writer: FeatureWriter,
  data: OutputFile,
  opts: ExportJobOptions & { bytesEstimated: number },
): Promise<RowsWritten> {
  const expectedValues = valuesPerRow(source.rowShape);
  const written: RowsWritten = { rows: [], failed: [] };
  const meter = new ProgressMeter(source.expectedRows);
  for await (const item of source.rows({ signal: opts.signal })) {
    if (opts.signal?.aborted) break;
    if ('error' in item) {
      written.failed.push({ path: item.path, reason: item.error });
      meter.fail();
    } else if (item.values.length !== expectedValues) {
      written.failed.push({ path: item.path, reason: `has ${item.values.length} values, expected ${expectedValues}` });
      meter.fail();
    } else {
      const row = { path: item.path, hash: item.hash };
      await writer.append(row, item.values);
      written.rows.push(row);
      meter.succeed();
    }
    opts.onProgress?.({ ...meter.snapshot(item.path), bytesWritten: data.size, bytesEstimated: opts.bytesEstimated });
  }
  return written;
}

function manifestOf(source: FeatureSource, format: ExportFormat, dtype: ExportDtype, { rows, failed }: RowsWritten): ExportManifest {
  return {
    model: { ...source.model, pooling: source.pooling },
    pooled: source.pooled,
    dtype,
    format,
    shape: [rows.length, ...source.rowShape],
    rows,
    failed,
  };
}

export async function exportFeatures(params: ExportParams, opts: ExportJobOptions = {}): Promise<ExportResult> {
  const { source, out } = params;
  const signal = opts.signal;
  const format = params.format ?? formatFromPath(out);
  const dtype = params.dtype ?? 'float32';
  checkRequest(source, format, dtype);
  if (signal?.aborted) throw abortError(signal);

  const metadata = exportMetadata(source, dtype);
  const bytesEstimated = estimateExportBytes({ format, dtype, rows: source.expectedRows, rowShape: source.rowShape, metadata });
  const overwrite = params.overwrite ?? false;
  if (!overwrite) await assertNoFile(manifestPathFor(out));
  const data = await OutputFile.create(out, { overwrite });
  let manifestFile: OutputFile | undefined;
  try {
    const writer = createWriter(format, { file: data, dtype, rowShape: source.rowShape, metadata });
    await writer.begin();
    const written = await writeRows(source, writer, data, { ...opts, bytesEstimated });
    if (signal?.aborted) throw abortError(signal);
    await writer.finish(written.rows.length);

    const manifest = manifestOf(source, format, dtype, written);
    manifestFile = await OutputFile.create(manifestPathFor(out), { overwrite });
    await manifestFile.appendText(JSON.stringify(manifest, null, 1) + '\n');
    const bytesWritten = data.size;
    await data.commit();
    await manifestFile.commit();
    return { out: data.finalPath, manifestPath: manifestFile.finalPath, manifest, bytesWritten };
  } catch (err) {
    await data.discard();
    await manifestFile?.discard();
    throw err;
  }
}
