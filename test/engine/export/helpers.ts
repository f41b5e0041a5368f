// Shared by the export tests: a synthetic feature source (for the writers alone), temp folders, and the Python
// read-back (numpy and by-hand safetensors parsing), which is the independent judge of every file we write.
import { execFileSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ExportDtype, ExportFormat, FeatureRow, FeatureSource } from '../../../electron/engine/export/types.js';
import type { ModelProvenance } from '../../../electron/engine/types.js';

const READER = fileURLToPath(new URL('./read_export.py', import.meta.url));

export const syntheticModel: ModelProvenance = {
  id: 'synthetic/test',
  revision: null,
  dtype: 'fp32',
  fileSha256: '0'.repeat(64),
  preprocessVersion: 1,
  processorSha256: '1'.repeat(64),
};

/** Deterministic values that cover float16's awkward cases: exact ties, subnormals, sign, values near 1. */
export function syntheticValues(row: number, length: number): Float32Array {
  const out = new Float32Array(length);
  let state = (row + 1) * 0x9e3779b1;
  for (let i = 0; i < length; i++) {
    state = (state ^ (state >>> 15)) * 0x2c1b3c6d;
    state = (state ^ (state >>> 12)) >>> 0;
    const u = state / 2 ** 32;
    const kind = i % 5;
    if (kind === 0) out[i] = (u - 0.5) * 4;
    else if (kind === 1) out[i] = 1 + (Math.floor(u * 1024) + 0.5) / 1024; // halfway between two float16s
    else if (kind === 2) out[i] = (u - 0.5) * 2 ** -20; // float16 subnormals
    else if (kind === 3) out[i] = -u * 1000;
    else out[i] = u * 1e-3;
  }
  return out;
}

export interface SyntheticOptions {
  rows: number;
  rowShape: number[];
  pooled?: boolean;
  /** Rows whose index is in here come out as errors. */
  failAt?: ReadonlySet<number>;
  /** Called before yielding row i (to abort mid-way, for instance). */
  beforeRow?: (i: number) => void;
}

export function syntheticSource(opts: SyntheticOptions): FeatureSource & { expected: Float32Array[] } {
  const length = opts.rowShape.reduce((a, b) => a * b, 1);
  const expected: Float32Array[] = [];
  for (let i = 0; i < opts.rows; i++) if (!opts.failAt?.has(i)) expected.push(syntheticValues(i, length));
  const pooled = opts.pooled ?? opts.rowShape.length === 1;
  return {
    model: syntheticModel,
    pooling: pooled ? 'cls_token' : 'none',
    pooled,
    rowShape: opts.rowShape,
    expectedRows: opts.rows,
    expected,
    async *rows(): AsyncGenerator<FeatureRow> {
      for (let i = 0; i < opts.rows; i++) {
        opts.beforeRow?.(i);
        await Promise.resolve();
        const file = `/photos/img ${i}, "q".jpg`;
        if (opts.failAt?.has(i)) yield { path: file, hash: null, error: `cannot decode row ${i}` };
        else yield { path: file, hash: `sha256:${i}`, values: syntheticValues(i, length) };
      }
    },
  };
}

export async function makeTempDir(): Promise<string> {
  return mkdtemp(path.join(tmpdir(), 'lookalike-export-'));
}

export async function removeDir(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true });
}

export async function listDir(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

export interface ReadBack {
  shape: number[];
  dtype: string;
  equal_bits: boolean;
  max_abs_diff_vs_float32?: number;
  data_offset?: number;
  fortran_order?: boolean;
  metadata?: Record<string, unknown>;
  tensor?: { dtype: string; shape: number[]; data_offsets: [number, number] };
  trailing_bytes?: number;
  header?: string[];
  columns?: number;
  paths?: string[];
  hashes?: string[];
  keys?: string[];
}

/** Reads `file` back in Python and compares it with `reference` rows (float32, the values before export). */
export async function readBack(
  format: ExportFormat,
  file: string,
  reference: readonly Float32Array[],
  rowShape: readonly number[],
  dtype: ExportDtype = 'float32',
): Promise<ReadBack> {
  const refPath = `${file}.reference.f32`;
  const total = reference.reduce((n, r) => n + r.length, 0);
  const joined = new Float32Array(total);
  let offset = 0;
  for (const r of reference) {
    joined.set(r, offset);
    offset += r.length;
  }
  await writeFile(refPath, new Uint8Array(joined.buffer));
  try {
    const out = execFileSync('python3', [READER, format, file, refPath, JSON.stringify(rowShape), dtype], {
      encoding: 'utf8',
      maxBuffer: 64 << 20,
    });
    return JSON.parse(out) as ReadBack;
  } finally {
    await rm(refPath, { force: true });
  }
}
