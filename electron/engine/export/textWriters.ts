// Text exports: CSV (path + one column per dimension, pooled only) and JSON Lines (one object per image).
// Numbers are the shortest decimals that read back to the exact float32 (or float16) value.
import { float16Bits, float16ToNumber } from './float16.js';
import { valuesPerRow, type FeatureWriter, type WriterSpec } from './featureWriter.js';
import { LookalikeError } from '../errors.js';
import type { ExportDtype, ManifestRow } from './types.js';

/** Shortest decimal that parses back to exactly `value` as a float32 (9 digits always suffice). */
export function formatFloat32(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  // '-0.0', not '-0': Python's json reads -0 as the integer 0 and loses the sign.
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0';
  // Six digits is past every shorter candidate: a shorter decimal that round-trips also rounds from value at 6.
  for (let digits = 6; digits < 9; digits++) {
    const text = value.toPrecision(digits);
    if (Math.fround(Number(text)) === value) return String(Number(text));
  }
  return String(Number(value.toPrecision(9)));
}

/**
 * Shortest decimal that reads back to exactly this float16 (5 digits always suffice). Accepted only strictly
 * inside the rounding interval, so a reader converting from double directly or through float32 gets the same bits.
 */
export function formatFloat16(bits: number): string {
  const value = float16ToNumber(bits);
  if (!Number.isFinite(value)) return String(value);
  const magnitude = bits & 0x7fff;
  if (magnitude === 0) return bits & 0x8000 ? '-0.0' : '0';
  const abs = Math.abs(value);
  const below = magnitude === 0 ? -float16ToNumber(1) : float16ToNumber(magnitude - 1);
  const lowest = (below + abs) / 2;
  // Past the largest finite float16 (65504) everything from 65520 up rounds to Infinity.
  const highest = magnitude === 0x7bff ? 65520 : (abs + float16ToNumber(magnitude + 1)) / 2;
  for (let digits = 1; digits <= 5; digits++) {
    const candidate = Number(abs.toPrecision(digits));
    if (candidate > lowest && candidate < highest) return String(bits & 0x8000 ? -candidate : candidate);
  }
  return String(value);
}

function formatValue(value: number, dtype: ExportDtype): string {
  return dtype === 'float16' ? formatFloat16(float16Bits(value)) : formatFloat32(value);
}

function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

const nonFinite = new Set(['NaN', 'Infinity', '-Infinity']);

/** CSV has no NaN or Infinity; numpy and pandas read these spellings. */
function csvNumber(value: number, dtype: ExportDtype): string {
  const text = formatValue(value, dtype);
  return text === 'NaN' ? 'nan' : text === 'Infinity' ? 'inf' : text === '-Infinity' ? '-inf' : text;
}

/** JSON has neither (nor does a float16 overflow): they become null. */
function jsonNumber(value: number, dtype: ExportDtype): string {
  const text = formatValue(value, dtype);
  return nonFinite.has(text) ? 'null' : text;
}

export class CsvWriter implements FeatureWriter {
  constructor(private readonly spec: WriterSpec) {
    if (spec.rowShape.length !== 1) {
      throw new LookalikeError('invalid-request', 'CSV holds one vector per image: export unpooled features as .npy, .safetensors or .jsonl');
    }
  }

  async begin(): Promise<void> {
    const dim = this.spec.rowShape[0]!;
    const columns = Array.from({ length: dim }, (_, i) => `e${i}`);
    await this.spec.file.appendText(['path', ...columns].join(',') + '\n');
  }

  async append(row: ManifestRow, values: Float32Array): Promise<void> {
    const fields = [csvField(row.path)];
    for (const v of values) fields.push(csvNumber(v, this.spec.dtype));
    await this.spec.file.appendText(fields.join(',') + '\n');
  }

  async finish(): Promise<void> {}
}

export class JsonlWriter implements FeatureWriter {
  private readonly valuesPerRow: number;

  constructor(private readonly spec: WriterSpec) {
    this.valuesPerRow = valuesPerRow(spec.rowShape);
  }

  async begin(): Promise<void> {}

  async append(row: ManifestRow, values: Float32Array): Promise<void> {
    if (values.length !== this.valuesPerRow) throw new Error(`row has ${values.length} values, expected ${this.valuesPerRow}`);
    const numbers = Array.from(values, (v) => jsonNumber(v, this.spec.dtype));
    // Unpooled rows nest as [tokens][dim], the shape numpy.array() gives back.
    let embedding: string;
    if (this.spec.rowShape.length === 1) {
      embedding = `[${numbers.join(',')}]`;
    } else {
      const dim = this.spec.rowShape[this.spec.rowShape.length - 1]!;
      const tokens: string[] = [];
      for (let t = 0; t < numbers.length; t += dim) tokens.push(`[${numbers.slice(t, t + dim).join(',')}]`);
      embedding = `[${tokens.join(',')}]`;
    }
    await this.spec.file.appendText(
      `{"path":${JSON.stringify(row.path)},"hash":${JSON.stringify(row.hash)},"embedding":${embedding}}\n`,
    );
  }

  async finish(): Promise<void> {}
}
