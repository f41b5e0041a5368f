// One row of features as the bytes the binary formats store: little-endian float32 or float16, C order.
import { endianness } from 'node:os';
import { toFloat16Bits } from './float16.js';
import type { ExportDtype } from './types.js';

// Every platform we ship on is little-endian; the formats are too, so a row's memory is its file bytes.
if (endianness() !== 'LE') throw new Error('feature export assumes a little-endian machine');

export const bytesPerValue: Record<ExportDtype, number> = { float32: 4, float16: 2 };

export class RowEncoder {
  private readonly halfBuffer: Uint16Array;

  constructor(
    private readonly dtype: ExportDtype,
    readonly valuesPerRow: number,
  ) {
    this.halfBuffer = new Uint16Array(dtype === 'float16' ? valuesPerRow : 0);
  }

  get bytesPerRow(): number {
    return this.valuesPerRow * bytesPerValue[this.dtype];
  }

  /** The row's bytes; valid until the next call (the float16 buffer is reused). */
  encode(values: Float32Array): Uint8Array {
    if (values.length !== this.valuesPerRow) {
      throw new Error(`row has ${values.length} values, expected ${this.valuesPerRow}`);
    }
    if (this.dtype === 'float32') return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
    toFloat16Bits(values, this.halfBuffer);
    return new Uint8Array(this.halfBuffer.buffer, 0, this.halfBuffer.byteLength);
  }
}
