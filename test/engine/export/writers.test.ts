// Every format, written from a synthetic source and read back by independent readers (numpy, a by-hand
// safetensors parse, Python's csv and json): float32 bit for bit, float16 exactly as numpy rounds it.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exportFeatures } from '../../../electron/engine/export/exportFeatures.js';
import { estimateExportBytes } from '../../../electron/engine/export/formats.js';
import type { ExportDtype, ExportManifest } from '../../../electron/engine/export/types.js';
import { listDir, makeTempDir, readBack, removeDir, syntheticSource } from './helpers.js';

let dir: string;
beforeEach(async () => {
  dir = await makeTempDir();
});
afterEach(async () => {
  await removeDir(dir);
});

const readManifest = async (out: string): Promise<ExportManifest> =>
  JSON.parse(await readFile(`${out}.manifest.json`, 'utf8')) as ExportManifest;

describe.each<ExportDtype>(['float32', 'float16'])('binary formats, %s', (dtype) => {
  it.each([
    { name: 'pooled', rowShape: [48] },
    { name: 'unpooled', rowShape: [7, 16] },
  ])('npy $name reads back with numpy.load', async ({ rowShape }) => {
    const source = syntheticSource({ rows: 9, rowShape, failAt: new Set([2, 5]) });
    const out = path.join(dir, 'features.npy');
    const result = await exportFeatures({ source, out, dtype });
    const facts = await readBack('npy', out, source.expected, rowShape);
    expect(facts.shape).toEqual([7, ...rowShape]);
    expect(facts.dtype).toBe(dtype);
    expect(facts.equal_bits).toBe(true);
    expect(facts.data_offset! % 64).toBe(0);
    const size = (await stat(out)).size;
    expect(result.bytesWritten).toBe(size);
    // The up-front estimate is exact for the rows that succeeded.
    expect(estimateExportBytes({ format: 'npy', dtype, rows: 7, rowShape })).toBe(size);
  });

  it.each([
    { name: 'pooled', rowShape: [48] },
    { name: 'unpooled', rowShape: [7, 16] },
  ])('safetensors $name: header, metadata and data read back', async ({ rowShape }) => {
    const source = syntheticSource({ rows: 6, rowShape, failAt: new Set([0]) });
    const out = path.join(dir, 'features.safetensors');
    await exportFeatures({ source, out, dtype });
    const facts = await readBack('safetensors', out, source.expected, rowShape);
    const bytesPerValue = dtype === 'float32' ? 4 : 2;
    const dataBytes = 5 * rowShape.reduce((a, b) => a * b, 1) * bytesPerValue;
    expect(facts.tensor).toEqual({
      dtype: dtype === 'float32' ? 'F32' : 'F16',
      shape: [5, ...rowShape],
      data_offsets: [0, dataBytes],
    });
    expect(facts.trailing_bytes).toBe(0);
    expect(facts.data_offset! % 64).toBe(0);
    expect(facts.equal_bits).toBe(true);
    expect(facts.metadata).toEqual({
      format: 'lookalike-features',
      model_id: 'synthetic/test',
      model_revision: '',
      model_dtype: 'fp32',
      model_sha256: '0'.repeat(64),
      preprocess_version: '1',
      preprocess_mode: 'exact',
      processor_sha256: '1'.repeat(64),
      pooled: String(rowShape.length === 1),
      pooling: rowShape.length === 1 ? 'cls_token' : 'none',
      dtype,
    });
  });

  it('csv: path column, one column per dimension, values exact after parsing', async () => {
    const source = syntheticSource({ rows: 5, rowShape: [12], failAt: new Set([3]) });
    const out = path.join(dir, 'features.csv');
    await exportFeatures({ source, out, dtype });
    const facts = await readBack('csv', out, source.expected, [12], dtype);
    expect(facts.header).toEqual(['path', 'e0', 'e1']);
    expect(facts.columns).toBe(13);
    // Paths with commas and quotes survive RFC 4180 quoting.
    expect(facts.paths).toEqual([0, 1, 2, 4].map((i) => `/photos/img ${i}, "q".jpg`));
    expect(facts.shape).toEqual([4, 12]);
    expect(facts.equal_bits).toBe(true);
  });

  it('jsonl: one object per image, unpooled rows nested [tokens][dim]', async () => {
    const source = syntheticSource({ rows: 4, rowShape: [3, 10], failAt: new Set([1]) });
    const out = path.join(dir, 'features.jsonl');
    await exportFeatures({ source, out, dtype });
    const facts = await readBack('jsonl', out, source.expected, [3, 10], dtype);
    expect(facts.keys).toEqual(['embedding', 'hash', 'path']);
    expect(facts.hashes).toEqual(['sha256:0', 'sha256:2', 'sha256:3']);
    expect(facts.shape).toEqual([3, 3, 10]);
    expect(facts.equal_bits).toBe(true);
  });
});

describe('manifest', () => {
  it('lists rows in array order and failures apart, with provenance and the final shape', async () => {
    const source = syntheticSource({ rows: 5, rowShape: [8], failAt: new Set([1, 4]) });
    const out = path.join(dir, 'f.npy');
    await exportFeatures({ source, out });
    const manifest = await readManifest(out);
    expect(manifest.model).toMatchObject({ id: 'synthetic/test', revision: null, preprocessVersion: 1, pooling: 'cls_token' });
    expect(manifest.pooled).toBe(true);
    expect(manifest.dtype).toBe('float32');
    expect(manifest.shape).toEqual([3, 8]);
    expect(manifest.rows.map((r) => r.hash)).toEqual(['sha256:0', 'sha256:2', 'sha256:3']);
    expect(manifest.failed).toEqual([
      { path: '/photos/img 1, "q".jpg', reason: 'cannot decode row 1' },
      { path: '/photos/img 4, "q".jpg', reason: 'cannot decode row 4' },
    ]);
    expect(await listDir(dir)).toEqual(['f.npy', 'f.npy.manifest.json']);
  });

  it('a row of the wrong length is a failure, not a corrupt array', async () => {
    const source = syntheticSource({ rows: 3, rowShape: [8] });
    const rows = source.rows.bind(source);
    source.rows = async function* (opts) {
      for await (const row of rows(opts)) {
        yield 'values' in row && row.hash === 'sha256:1' ? { ...row, values: row.values.subarray(0, 5) } : row;
      }
    };
    const out = path.join(dir, 'f.safetensors');
    await exportFeatures({ source, out });
    const manifest = await readManifest(out);
    expect(manifest.shape).toEqual([2, 8]);
    expect(manifest.failed).toEqual([{ path: '/photos/img 1, "q".jpg', reason: 'has 5 values, expected 8' }]);
  });

  it('every input failing still gives a valid empty array', async () => {
    const source = syntheticSource({ rows: 2, rowShape: [4, 8], failAt: new Set([0, 1]) });
    const out = path.join(dir, 'none.npy');
    await exportFeatures({ source, out, dtype: 'float16' });
    const facts = await readBack('npy', out, [], [4, 8]);
    expect(facts.shape).toEqual([0, 4, 8]);
    expect((await readManifest(out)).failed).toHaveLength(2);
  });
});

describe('refusals and cancel', () => {
  it('refuses unpooled CSV before creating any file', async () => {
    const source = syntheticSource({ rows: 2, rowShape: [4, 8] });
    await expect(exportFeatures({ source, out: path.join(dir, 'x.csv') })).rejects.toThrow(expect.objectContaining({
      code: 'invalid-request', message: 'CSV holds one vector per image: export unpooled features as .npy, .safetensors or .jsonl',
    }));
    expect(await listDir(dir)).toEqual([]);
  });

  it('refuses an unknown extension', async () => {
    const source = syntheticSource({ rows: 1, rowShape: [4] });
    const out = path.join(dir, 'x.parquet');
    await expect(exportFeatures({ source, out })).rejects.toThrow(expect.objectContaining({
      code: 'invalid-request', message: `cannot tell the format from "${out}": the file name must end in .npy, .safetensors, .csv, .jsonl`,
    }));
    expect(await listDir(dir)).toEqual([]);
  });

  it('refuses a dtype it cannot write, and rows of the wrong rank', async () => {
    const source = syntheticSource({ rows: 1, rowShape: [4] });
    await expect(exportFeatures({ source, out: path.join(dir, 'x.npy'), dtype: 'int8' as 'float32' })).rejects.toThrow(
      expect.objectContaining({ code: 'invalid-request', message: 'dtype must be float32 or float16, got "int8"' }),
    );
    const flat = { ...syntheticSource({ rows: 1, rowShape: [4] }), pooled: false };
    await expect(exportFeatures({ source: flat, out: path.join(dir, 'x.npy') })).rejects.toThrow(
      expect.objectContaining({ code: 'invalid-request', message: 'an unpooled source cannot have rows of shape [4]' }),
    );
    expect(await listDir(dir)).toEqual([]);
  });

  it.each(['npy', 'safetensors', 'csv', 'jsonl'])('cancel mid-way leaves neither the %s file nor a partial', async (ext) => {
    const controller = new AbortController();
    const source = syntheticSource({ rows: 50, rowShape: [16], beforeRow: (i) => i === 20 && controller.abort() });
    const out = path.join(dir, `f.${ext}`);
    const progress: number[] = [];
    await expect(
      exportFeatures({ source, out }, { signal: controller.signal, onProgress: (p) => progress.push(p.done) }),
    ).rejects.toThrow(/abort/i);
    expect(progress.at(-1)).toBe(20);
    expect(await listDir(dir)).toEqual([]);
  });

  it('keeps an older export intact when a new one is cancelled', async () => {
    const out = path.join(dir, 'f.npy');
    await exportFeatures({ source: syntheticSource({ rows: 3, rowShape: [4] }), out });
    const before = await readFile(out);
    const controller = new AbortController();
    const source = syntheticSource({ rows: 9, rowShape: [4], beforeRow: (i) => i === 4 && controller.abort() });
    await expect(exportFeatures({ source, out }, { signal: controller.signal })).rejects.toThrow();
    expect(await readFile(out)).toEqual(before);
    expect(await listDir(dir)).toEqual(['f.npy', 'f.npy.manifest.json']);
  });

  it('reports progress with bytes and an ETA', async () => {
    const source = syntheticSource({ rows: 4, rowShape: [16] });
    const seen: { done: number; total: number; bytesWritten: number; bytesEstimated: number }[] = [];
    await exportFeatures({ source, out: path.join(dir, 'f.npy') }, { onProgress: (p) => seen.push(p) });
    expect(seen.map((p) => p.done)).toEqual([1, 2, 3, 4]);
    expect(seen.every((p) => p.total === 4 && p.bytesEstimated === 128 + 4 * 16 * 4)).toBe(true);
    expect(seen.at(-1)!.bytesWritten).toBe(128 + 4 * 16 * 4);
  });
});
