// Feature sources on the real engine and a real catalog: stored vectors are reused, only missing ones embedded.
import { copyFile, mkdir, stat, utimes } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, modelKey } from '../../../electron/engine/catalog/index.js';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { catalogFeatureLookup, catalogFeatureReader } from '../../../electron/engine/export/catalogFeatures.js';
import { exportFeatures } from '../../../electron/engine/export/exportFeatures.js';
import { catalogFeatureSource, fileFeatureSource, type Embedder } from '../../../electron/engine/export/sources.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';
import { makeTempDir, readBack, removeDir } from './helpers.js';

let dir: string;
let engine: Engine;
let catalog: Catalog;
/** Files in a temp library: `a` and `b` are in the catalog (a with a stored vector), `other/c` under another root. */
let a: string;
let b: string;
let c: string;
const stored = Float32Array.from({ length: 64 }, (_, i) => i / 7);
const embedCalls: string[][] = [];

/** The real engine, recording which paths it was asked to embed. */
const countingEmbedder = (): Embedder => ({
  provenance: engine.provenance,
  pooling: engine.pooling,
  dim: engine.dim,
  tokens: engine.tokens,
  tokenDim: engine.tokenDim,
  embedFiles: (paths, opts) => {
    embedCalls.push([...paths]);
    return engine.embedFiles(paths, opts);
  },
});

async function catalogFile(file: string, contentHash: string): Promise<void> {
  const s = await stat(file);
  catalog.files.upsert({
    path: file,
    size: s.size,
    mtimeMs: s.mtimeMs,
    status: 'ok',
    meta: { contentHash, width: 1, height: 1, format: 'jpeg', takenAt: null, cameraMake: null, cameraModel: null, orientation: null, pixelHash: 'p', pixelThumb: null },
  });
}

beforeAll(async () => {
  dir = await makeTempDir();
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
  a = path.join(dir, 'lib', 'a.jpg');
  b = path.join(dir, 'lib', 'b.png');
  c = path.join(dir, 'other', 'c.jpg');
  await mkdir(path.dirname(a), { recursive: true });
  await mkdir(path.dirname(c), { recursive: true });
  await copyFile(fixture('originals/skimage_chelsea.jpg'), a);
  await copyFile(fixture('variants/skimage_coffee__png.png'), b);
  await copyFile(fixture('originals/skimage_coffee.jpg'), c);
  catalog = Catalog.open(':memory:');
  const key = catalog.embeddings.registerModel(engine.provenance, engine.dim);
  expect(key).toBe(modelKey(engine.provenance));
  await catalogFile(a, 'hash-a');
  await catalogFile(b, 'hash-b');
  await catalogFile(c, 'hash-c');
  catalog.embeddings.put('hash-a', key, stored);
}, 120_000);

afterAll(async () => {
  catalog.close();
  await engine.close();
  await removeDir(dir);
});

describe('catalog source', () => {
  it('reuses stored vectors and embeds only the missing ones, filtered by root', async () => {
    embedCalls.length = 0;
    const source = await catalogFeatureSource({
      embedder: countingEmbedder(),
      catalog: catalogFeatureReader(catalog, engine.provenance),
      root: path.join(dir, 'lib'),
      pooled: true,
    });
    expect(source.expectedRows).toBe(2);
    const out = path.join(dir, 'catalog.npy');
    const { manifest } = await exportFeatures({ source, out });
    expect(embedCalls).toEqual([[b]]);
    expect(manifest.rows).toEqual([
      { path: a, hash: 'hash-a' },
      { path: b, hash: 'hash-b' },
    ]);
    const computed = await engine.embedOne(b);
    expect((await readBack('npy', out, [stored, computed], [64])).equal_bits).toBe(true);
  });

  it('unpooled features are never in the catalog, so all are computed', async () => {
    embedCalls.length = 0;
    const source = await catalogFeatureSource({
      embedder: countingEmbedder(),
      catalog: catalogFeatureReader(catalog, engine.provenance),
      pooled: false,
    });
    const { manifest } = await exportFeatures({ source, out: path.join(dir, 'all.safetensors') });
    expect(embedCalls).toEqual([[a, b, c]]);
    expect(manifest.shape).toEqual([3, 197, 64]);
  });
});

describe('file source with the catalog as lookup', () => {
  it('reuses an unchanged file, recomputes one whose mtime moved', async () => {
    embedCalls.length = 0;
    const lookup = catalogFeatureLookup(catalog, engine.provenance);
    const first = await fileFeatureSource({ embedder: countingEmbedder(), inputs: [a, b], pooled: true, lookup });
    await exportFeatures({ source: first, out: path.join(dir, 'f1.npy') });
    expect(embedCalls).toEqual([[b]]);

    embedCalls.length = 0;
    await utimes(a, new Date(), new Date(Date.now() + 5000));
    const second = await fileFeatureSource({ embedder: countingEmbedder(), inputs: [a], pooled: true, lookup });
    const { manifest } = await exportFeatures({ source: second, out: path.join(dir, 'f2.npy') });
    expect(embedCalls).toEqual([[a]]);
    expect(manifest.rows[0]!.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('a folder input is crawled for images, a missing file fails alone', async () => {
    const missing = path.join(dir, 'nope.jpg');
    const source = await fileFeatureSource({ embedder: engine, inputs: [path.join(dir, 'lib'), missing], pooled: true });
    const { manifest } = await exportFeatures({ source, out: path.join(dir, 'f3.jsonl') });
    expect(manifest.rows.map((r) => r.path)).toEqual([a, b]);
    expect(manifest.failed.map((f) => f.path)).toEqual([missing]);
  });
});
