// The fast preprocessing mode: how far it may stray from exact on full-size JPEGs (bounds from
// `npm run bench -- fast-fidelity`, with margin), when it must fall back to the exact decode, and that its
// vectors are keyed apart from exact ones.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog, modelKey } from '../../../electron/engine/catalog/index.js';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { preprocessImage } from '../../../electron/engine/preprocess/preprocessImage.js';
import { decodeShrunk, sharpDctScale } from '../../../electron/engine/preprocess/shrinkOnLoad.js';
import type { ModelProvenance } from '../../../electron/engine/types.js';
import { tinyModelDir } from '../../helpers/models.js';
import { pixelDiff } from '../../support/pixelDiff.js';
import { cosineSimilarity } from '../../../electron/engine/vectors.js';

const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures');
const FULL_SIZE = ['flow-2800x2700.jpg', 'shell-2800x2700.jpg'].map((f) => path.join(FIXTURES, 'fullsize', f));
const SMALL_JPEG = path.join(FIXTURES, 'photos/originals/skimage_chelsea.jpg');



let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
});
afterAll(async () => {
  await engine?.close();
});

describe('fast preprocessing on full-size JPEGs', () => {
  it.each(FULL_SIZE)('stays within the measured bounds of exact: %s', async (file) => {
    const bytes = await readFile(file);
    const cfg = engine.model.processor;
    const exact = await preprocessImage(bytes, cfg);
    const fast = await preprocessImage(bytes, cfg, { mode: 'fast' });
    // Decoded at a DCT scale to 2.5× the model's 224, but reported at the photo's own size.
    expect([fast.decoded.rgb.width, fast.decoded.rgb.height]).toEqual([581, 560]);
    expect([fast.decoded.width, fast.decoded.height]).toEqual([2800, 2700]);
    // Bounds: `fast-fidelity` at factor 2.5 measured on these two mean |Δpx| ≤ 0.208, max 5, and the tiny ViT's
    // 1 − cosine ≤ 5.2e-7 (base ≤ 1.9e-6); the floors below leave a margin of 1.4×, 1.6× and ~20×.
    const d = pixelDiff(fast.tensor, exact.tensor);
    expect(d.mean).toBeGreaterThan(0);
    expect(d.mean).toBeLessThan(0.3);
    expect(d.max).toBeLessThan(8);
    const [vFast, vExact] = await engine.runBatch([fast.tensor, exact.tensor]);
    expect(cosineSimilarity(vFast!, vExact!)).toBeGreaterThan(0.99999);
  });

  it('turns an EXIF-rotated JPEG upright as the exact decode does', async () => {
    const rotated = await sharp(await readFile(FULL_SIZE[0]!)).jpeg({ quality: 50 }).withMetadata({ orientation: 6 }).toBuffer();
    const cfg = engine.model.processor;
    const exact = await preprocessImage(rotated, cfg);
    const fast = await preprocessImage(rotated, cfg, { mode: 'fast' });
    expect(fast.decoded.orientation).toBe(6);
    expect([fast.decoded.width, fast.decoded.height]).toEqual([2700, 2800]);
    expect([fast.decoded.rgb.width, fast.decoded.rgb.height]).toEqual([560, 581]);
    expect(pixelDiff(fast.tensor, exact.tensor).mean).toBeLessThan(0.3);
  });

  // The rule (FAST_INTERMEDIATE_FACTOR 2.5): a 12 MP photo decodes at 1/4, the 2800×2700 fixture at 1/2 (its
  // shrink of 4.8 is under the 5 sharp needs for 1/4). At the old factor 4 the 12 MP one took the 1/2 decode.
  it('picks the DCT scale the rule says: 1/2 for 2800×2700, 1/4 for 4032×3024', async () => {
    const target = () => ({ width: 224, height: 224 });
    const fixture = await decodeShrunk(await readFile(FULL_SIZE[0]!), target, 1e9);
    expect(fixture).toMatchObject({ shrunk: true, dctScale: 2, rgb: { width: 581, height: 560 } });
    const camera = await sharp(FULL_SIZE[0]!).resize(4032, 3024, { fit: 'fill' }).jpeg({ quality: 80 }).toBuffer();
    const twelveMp = await decodeShrunk(camera, target, 1e9);
    expect(twelveMp).toMatchObject({ shrunk: true, dctScale: 4, rgb: { width: 747, height: 560 } });
  });

  it("models sharp's choice of DCT scale, halved when the shrink's integer part equals it", () => {
    expect([2.9, 3, 4.99, 5, 8.5, 9, 20].map(sharpDctScale)).toEqual([1, 2, 2, 4, 4, 8, 8]);
    expect(sharpDctScale(Number.NaN)).toBe(1);
  });

  it('takes the exact decode where a DCT scale would not help: a small JPEG, a PNG', async () => {
    const cfg = engine.model.processor;
    const png = await sharp(SMALL_JPEG).png().toBuffer();
    for (const bytes of [await readFile(SMALL_JPEG), png]) {
      const exact = await preprocessImage(bytes, cfg);
      const fast = await preprocessImage(bytes, cfg, { mode: 'fast' });
      expect(fast.tensor).toEqual(exact.tensor);
    }
  });
});

describe('the preprocessing mode is part of the model key', () => {
  const provenance: ModelProvenance = {
    id: 'generated/tiny', revision: null, dtype: 'fp32', fileSha256: 'ab'.repeat(32), preprocessVersion: 1, processorSha256: 'cd'.repeat(32),
  };
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'lookalike-fastkey-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives fast vectors their own key, and leaves exact keys as they were', () => {
    const exactKey = modelKey({ ...provenance, preprocessMode: 'exact' });
    expect(modelKey(provenance)).toBe(exactKey);
    expect(modelKey({ ...provenance, preprocessMode: 'fast' })).not.toBe(exactKey);
  });

  it('keeps the mode through the catalog, so exact and fast vectors never share a key', () => {
    const catalog = Catalog.open(path.join(dir, 'catalog.db'));
    try {
      const exactKey = catalog.embeddings.registerModel({ ...provenance, preprocessMode: 'exact' }, 4);
      const fastKey = catalog.embeddings.registerModel({ ...provenance, preprocessMode: 'fast' }, 4);
      catalog.embeddings.put('h1', exactKey, new Float32Array([1, 0, 0, 0]));
      expect(catalog.embeddings.has('h1', fastKey)).toBe(false);
      expect(catalog.embeddings.model(fastKey)?.provenance.preprocessMode).toBe('fast');
      expect(catalog.embeddings.model(exactKey)?.provenance.preprocessMode).toBe('exact');
    } finally {
      catalog.close();
    }
  });

  it("an engine's views share one session and differ only in mode and key", async () => {
    const fast = engine.withPreprocess('fast');
    expect(engine.preprocessMode).toBe('exact');
    expect(fast.preprocessMode).toBe('fast');
    expect(modelKey(fast.provenance)).not.toBe(modelKey(engine.provenance));
    expect(fast.withPreprocess('exact').provenance).toEqual(engine.provenance);
  });
});
