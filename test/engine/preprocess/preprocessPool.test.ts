// The preprocessing worker pool, through the engine API: the same pixels as in-process preprocessing, a bad file's
// clear error with the pool still working, a dead worker replaced, and no worker left after close(). The worker
// runs the compiled dist/ (npm test builds first).
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { coreSplit, MAX_WORKERS } from '../../../electron/engine/preprocess/preprocessSplit.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture, repoRoot } from '../../helpers/photos.js';

const formats = (name: string): string => path.join(repoRoot, 'test', 'fixtures', 'formats', name);
const photos = [
  formats('orient_6.jpg'), // EXIF-rotated
  formats('rgba.png'), // alpha dropped as Pillow drops it
  formats('grey_L.jpg'),
  fixture('originals/skimage_chelsea.jpg'),
  path.join(repoRoot, 'test', 'fixtures', 'fullsize', 'flow-2800x2700.jpg'), // big enough for fast mode to shrink
];

/** Worker threads alive in this process now (Node names them WorkerThread), from /proc where there is one. */
const workerThreads = async (): Promise<number | null> => {
  try {
    const tasks = await readdir('/proc/self/task');
    const names = await Promise.all(tasks.map((t) => readFile(`/proc/self/task/${t}/comm`, 'utf8').catch(() => '')));
    return names.filter((n) => n.trim() === 'WorkerThread').length;
  } catch {
    return null;
  }
};

let pooled: Engine;
let inProcess: Engine;
beforeAll(async () => {
  const modelDir = await tinyModelDir();
  pooled = await createEngine({ modelDir, device: 'cpu', threads: 1, preprocessWorkers: 2 });
  inProcess = await createEngine({ modelDir, device: 'cpu', threads: 1, preprocessWorkers: 0 });
});
afterAll(async () => {
  await pooled?.close();
  await inProcess?.close();
});

describe('the preprocessing pool', () => {
  it('runs workers when asked, none when told 0', () => {
    expect(pooled.preprocessWorkers).toBe(2);
    expect(inProcess.preprocessWorkers).toBe(0);
  });

  it.each(['exact', 'fast'] as const)('gives the in-process bytes, hash and thumbnail (%s)', async (mode) => {
    for (const file of photos) {
      const [a, b] = await Promise.all([pooled.withPreprocess(mode).prepare(file), inProcess.withPreprocess(mode).prepare(await readFile(file), file)]);
      expect(Buffer.from(a.tensor.buffer, a.tensor.byteOffset, a.tensor.byteLength).equals(Buffer.from(b.tensor.buffer, b.tensor.byteOffset, b.tensor.byteLength)), file).toBe(true);
      expect(a.pixelHash).toBe(b.pixelHash);
      expect(Buffer.from(a.pixelThumb).equals(Buffer.from(b.pixelThumb))).toBe(true);
      expect(a.decoded).toEqual(b.decoded);
      expect(a.path).toBe(file);
    }
    const rotated = await pooled.prepare(photos[0]!);
    expect(rotated.decoded.orientation).toBe(6);
    expect((await pooled.prepare(photos[1]!)).decoded.hasAlpha).toBe(true);
  });

  it('gives a bad file its own clear error and keeps working', async () => {
    const junk = Buffer.from('this is not a photo at all, just text pretending');
    await expect(pooled.prepare(junk, 'junk.jpg')).rejects.toThrow(/not|unknown|format/i);
    const items = [];
    for await (const item of pooled.embedFiles([photos[3]!, path.join(repoRoot, 'no-such-photo.jpg'), photos[0]!])) items.push(item);
    expect(items.map((i) => i.ok)).toEqual([true, false, true]);
    expect(items[1]!.ok === false && items[1]!.error).toMatch(/file not found/);
    const [v] = await inProcess.runBatch([(await inProcess.prepare(photos[0]!)).tensor]);
    expect(Array.from(items[2]!.ok ? items[2]!.embedding : [])).toEqual(Array.from(v!));
  });

  it('replaces a worker that dies, failing only the photo it had', async () => {
    // Workers copy the environment when they start.
    process.env['LOOKALIKE_TEST_WORKER_EXIT_ON'] = 'die-here.jpg';
    const engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1, preprocessWorkers: 1 });
    try {
      const bytes = await readFile(photos[3]!);
      await expect(engine.prepare(bytes, '/photos/die-here.jpg')).rejects.toThrow(/preprocessing worker stopped while reading \/photos\/die-here\.jpg/);
      expect((await engine.prepare(bytes, 'after.jpg')).pixelHash).toBe((await inProcess.prepare(bytes)).pixelHash);
      expect(engine.preprocessWorkers).toBe(1);
    } finally {
      delete process.env['LOOKALIKE_TEST_WORKER_EXIT_ON'];
      await engine.close();
    }
  });

  it('leaves no worker thread behind after close()', async () => {
    const before = await workerThreads();
    const engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1, preprocessWorkers: 3 });
    await engine.prepare(photos[0]!);
    const during = await workerThreads();
    await engine.close();
    const after = await workerThreads();
    if (before !== null) {
      expect(during).toBe(before + 3);
      expect(after).toBe(before);
    }
  });
});

describe('coreSplit', () => {
  it('keeps small machines in-process and shares bigger ones', () => {
    expect(coreSplit(1, 'cpu')).toEqual({ workers: 0, ortThreads: 1 });
    expect(coreSplit(2, 'cpu')).toEqual({ workers: 0, ortThreads: 2 });
    for (const cores of [4, 8, 16]) {
      const split = coreSplit(cores, 'cpu');
      expect(split.workers).toBeGreaterThanOrEqual(1);
      expect(split.workers + split.ortThreads).toBe(cores);
      expect(split.ortThreads).toBeGreaterThan(split.workers);
    }
  });

  it('gives preprocessing most cores when a GPU runs the model, within the memory cap', () => {
    expect(coreSplit(4, 'cuda')).toEqual({ workers: 3, ortThreads: 2 });
    expect(coreSplit(8, 'webgpu').workers).toBeGreaterThan(coreSplit(8, 'cpu').workers);
    expect(coreSplit(16, 'cuda').workers).toBe(MAX_WORKERS);
    expect(coreSplit(1, 'webgpu').workers).toBe(0);
  });
});
