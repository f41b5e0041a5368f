// .npy (format version 1.0): magic, a little-endian u16 header length, a Python-literal dict padded with spaces
// to a 64-byte boundary and ended by '\n', then the C-order data. The dict is written first with a 21-digit row
// count and rewritten in the same space at the end with the real one.
import { padHeader, RESERVED_DIGITS, roundUp, valuesPerRow, type FeatureWriter, type WriterSpec } from './featureWriter.js';
import { RowEncoder } from './rowEncoding.js';
import type { ExportDtype, ManifestRow } from './types.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 0x01, 0x00]);
const PREFIX_BYTES = MAGIC.length + 2;
const ALIGN = 64;
const descr: Record<ExportDtype, string> = { float32: '<f4', float16: '<f2' };

function headerDict(dtype: ExportDtype, shape: readonly (number | string)[]): string {
  return `{'descr': '${descr[dtype]}', 'fortran_order': False, 'shape': (${shape.join(', ')}), }`;
}

/** Total header bytes (prefix + padded dict + '\n') that leave room for any row count. */
export function npyHeaderBytes(dtype: ExportDtype, rowShape: readonly number[]): number {
  const widest = headerDict(dtype, [RESERVED_DIGITS, ...rowShape]).length + 1;
  return roundUp(PREFIX_BYTES + widest, ALIGN);
}

export function npyHeader(dtype: ExportDtype, shape: readonly number[], totalBytes: number): Buffer {
  const dictBytes = totalBytes - PREFIX_BYTES;
  if (dictBytes > 0xffff) throw new Error('npy v1 header too long');
  const length = Buffer.alloc(2);
  length.writeUInt16LE(dictBytes);
  const dict = padHeader(headerDict(dtype, shape), dictBytes - 1);
  return Buffer.concat([MAGIC, length, dict, Buffer.from('\n')]);
}

export class NpyWriter implements FeatureWriter {
  private readonly encoder: RowEncoder;
  private readonly headerBytes: number;

  constructor(private readonly spec: WriterSpec) {
    this.encoder = new RowEncoder(spec.dtype, valuesPerRow(spec.rowShape));
    this.headerBytes = npyHeaderBytes(spec.dtype, spec.rowShape);
  }

  async begin(): Promise<void> {
    await this.spec.file.append(npyHeader(this.spec.dtype, [0, ...this.spec.rowShape], this.headerBytes));
  }

  async append(_row: ManifestRow, values: Float32Array): Promise<void> {
    await this.spec.file.append(this.encoder.encode(values));
  }

  async finish(rowCount: number): Promise<void> {
    await this.spec.file.writeAt(0, npyHeader(this.spec.dtype, [rowCount, ...this.spec.rowShape], this.headerBytes));
  }
}
