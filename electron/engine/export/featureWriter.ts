// The shape every format writer has: a header reserved up front, rows streamed, the header finished at the end
// once the row count is known (failures drop rows, so it is never known before).
import type { OutputFile } from './outputFile.js';
import type { ExportDtype, ManifestRow } from './types.js';

export interface WriterSpec {
  file: OutputFile;
  dtype: ExportDtype;
  /** [dim] or [tokens, dim]. */
  rowShape: readonly number[];
  /** String metadata for formats that carry it (safetensors' `__metadata__`). */
  metadata: Readonly<Record<string, string>>;
}

export interface FeatureWriter {
  begin(): Promise<void>;
  append(row: ManifestRow, values: Float32Array): Promise<void>;
  finish(rowCount: number): Promise<void>;
}

export const valuesPerRow = (rowShape: readonly number[]): number => rowShape.reduce((a, b) => a * b, 1);

/** `text` as UTF-8, padded with trailing spaces to exactly `length` bytes. */
export function padHeader(text: string, length: number): Buffer {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > length) throw new Error(`header of ${bytes} bytes exceeds the ${length} reserved`);
  const out = Buffer.alloc(length, 0x20);
  out.write(text, 0, 'utf8');
  return out;
}

/** Counts and offsets are reserved with this many digits, as numpy does for a growing axis (any 64-bit value fits). */
export const RESERVED_DIGITS = '9'.repeat(21);

export const roundUp = (n: number, multiple: number): number => Math.ceil(n / multiple) * multiple;
