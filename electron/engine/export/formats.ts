// Which writer a format uses, what the output file should be called, and how big the file will get.
import path from 'node:path';
import { LookalikeError } from '../errors.js';
import { valuesPerRow, type FeatureWriter, type WriterSpec } from './featureWriter.js';
import { NpyWriter, npyHeaderBytes } from './npyWriter.js';
import { bytesPerValue } from './rowEncoding.js';
import { SafetensorsWriter, safetensorsHeaderBytes } from './safetensorsWriter.js';
import { CsvWriter, JsonlWriter } from './textWriters.js';
import { exportFormats, type ExportDtype, type ExportFormat } from './types.js';

export function formatFromPath(out: string): ExportFormat {
  const ext = path.extname(out).slice(1).toLowerCase();
  if ((exportFormats as readonly string[]).includes(ext)) return ext as ExportFormat;
  throw new LookalikeError('invalid-request', `cannot tell the format from "${out}": the file name must end in .${exportFormats.join(', .')}`);
}

export function createWriter(format: ExportFormat, spec: WriterSpec): FeatureWriter {
  switch (format) {
    case 'npy':
      return new NpyWriter(spec);
    case 'safetensors':
      return new SafetensorsWriter(spec);
    case 'csv':
      return new CsvWriter(spec);
    case 'jsonl':
      return new JsonlWriter(spec);
  }
}

export interface ExportSizeQuery {
  format: ExportFormat;
  dtype: ExportDtype;
  rows: number;
  /** [dim] pooled or [tokens, dim] unpooled. */
  rowShape: readonly number[];
  /** Only safetensors stores it; it changes the header by a few hundred bytes. */
  metadata?: Readonly<Record<string, string>>;
  /** Average path length, for the text formats (which repeat paths). */
  averagePathBytes?: number;
}

/**
 * The data file's size in bytes before the export starts: exact for npy and safetensors when no input fails,
 * an estimate for the text formats (about 11 characters per float32 value, 9 per float16, as written).
 */
export function estimateExportBytes(q: ExportSizeQuery): number {
  const values = valuesPerRow(q.rowShape);
  const pathBytes = q.averagePathBytes ?? 64;
  switch (q.format) {
    case 'npy':
      return npyHeaderBytes(q.dtype, q.rowShape) + q.rows * values * bytesPerValue[q.dtype];
    case 'safetensors':
      return 8 + safetensorsHeaderBytes(q.dtype, q.rowShape, q.metadata ?? {}) + q.rows * values * bytesPerValue[q.dtype];
    case 'csv':
    case 'jsonl': {
      const perValue = q.dtype === 'float32' ? 11 : 9;
      const perRow = pathBytes + values * perValue + (q.format === 'jsonl' ? 110 : 2);
      return (q.format === 'csv' ? 5 + 4 * values : 0) + q.rows * perRow;
    }
  }
}
