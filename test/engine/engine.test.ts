import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { cosineSimilarity } from '../../electron/engine/vectors.js';
import type { EmbedItem } from '../../electron/engine/types.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

const photos = [
  fixture('originals/skimage_chelsea.jpg'),
  fixture('originals/skimage_coffee.jpg'),
  fixture('variants/skimage_chelsea__png.png'),
  fixture('variants/skimage_coffee__webp.webp'),
  fixture('originals/skimage_astronaut.jpg'),
];

async function collect(it: AsyncIterable<EmbedItem>): Promise<EmbedItem[]> {
  const out: EmbedItem[] = [];
  for await (const item of it) out.push(item);
  return out;
}

let engine: Engine;
let tmp: string;
beforeAll(async () => {
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', batchSize: 2 });
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-engine-'));
});
afterAll(async () => {
  await engine?.close();
});

describe('createEngine on the tiny generated ViT', () => {
  it('reports the model, device, pooling and shapes it uses', () => {
    expect(engine.device).toBe('cpu');
    expect(engine.pooling).toBe('pooler_output');
    expect(engine.dim).toBe(64);
    expect(engine.tokens).toBe(197);
    expect(engine.tokenDim).toBe(64);
    expect(engine.inputSize).toEqual({ height: 224, width: 224 });
    expect(engine.provenance.fileSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(engine.provenance.dtype).toBe('fp32');
  });

  it('embeds files in order, pooled, with per-file results', async () => {
    const items = await collect(engine.embedFiles(photos));
    expect(items.map((i) => i.path)).toEqual(photos);
    for (const item of items) {
      expect(item.ok).toBe(true);
      if (item.ok) {
        expect(item.shape).toEqual([64]);
        expect(item.embedding.every(Number.isFinite)).toBe(true);
      }
    }
  });

  it('gives the same vector whatever the batch it ran in', async () => {
    const batched = await collect(engine.embedFiles(photos));
    for (const [i, p] of photos.entries()) {
      const alone = await engine.embedOne(p);
      const item = batched[i]!;
      if (!item.ok) throw new Error(item.error);
      let maxDiff = 0;
      for (let k = 0; k < alone.length; k++) maxDiff = Math.max(maxDiff, Math.abs(alone[k]! - item.embedding[k]!));
      expect(maxDiff).toBeLessThan(1e-5);
    }
  });

  it('a bad file fails alone, with a reason, and the batch goes on', async () => {
    const bad = path.join(tmp, 'not-a-photo.jpg');
    await writeFile(bad, 'plain text with a .jpg name');
    const missing = path.join(tmp, 'missing.jpg');
    const items = await collect(engine.embedFiles([photos[0]!, bad, photos[1]!, missing, photos[2]!]));
    expect(items.map((i) => i.ok)).toEqual([true, false, true, false, true]);
    const errors = items.filter((i) => !i.ok).map((i) => (i.ok ? '' : i.error));
    for (const e of errors) expect(e.length).toBeGreaterThan(5);
  });

  it('unpooled features are last_hidden_state [197, 64]; the pooled vector is not its CLS token', async () => {
    const [item] = await collect(engine.embedFiles([photos[0]!], { pooled: false }));
    if (!item?.ok) throw new Error('embedding failed');
    expect(item.shape).toEqual([197, 64]);
    expect(item.embedding.length).toBe(197 * 64);
    const pooled = await engine.embedOne(photos[0]!);
    // pooler_output = tanh(dense(CLS)): bounded by 1, unlike the LayerNorm'd tokens.
    expect(Math.max(...pooled.map(Math.abs))).toBeLessThanOrEqual(1);
    expect(Math.max(...item.embedding.subarray(0, 64).map(Math.abs))).toBeGreaterThan(1);
  });

  it('a PNG re-encode is more alike than a different photo', async () => {
    const [a, png, other] = await Promise.all(
      [photos[0]!, photos[2]!, photos[1]!].map((p) => engine.embedOne(p)),
    );
    expect(cosineSimilarity(a!, png!)).toBeGreaterThan(0.999);
    expect(cosineSimilarity(a!, other!)).toBeLessThan(cosineSimilarity(a!, png!));
  });

  it('stops when cancelled and keeps what it finished', async () => {
    const controller = new AbortController();
    const seen: EmbedItem[] = [];
    for await (const item of engine.embedFiles([...photos, ...photos], { signal: controller.signal })) {
      seen.push(item);
      if (seen.length === 2) controller.abort();
    }
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.length).toBeLessThan(10);
  });

  it('reports progress with counts, rate and ETA', async () => {
    const updates: { done: number; total: number; etaSeconds: number | null }[] = [];
    await collect(engine.embedFiles(photos, { onProgress: (p) => updates.push(p) }));
    expect(updates.length).toBeGreaterThan(0);
    const last = updates[updates.length - 1]!;
    expect(last.done).toBe(photos.length);
    expect(last.total).toBe(photos.length);
    expect(last.etaSeconds).toBe(0);
  });
});

describe('createEngine errors', () => {
  it('names a missing model folder', async () => {
    const run = createEngine({ modelDir: path.join(tmp, 'nope'), device: 'cpu' });
    await expect(run).rejects.toThrow(/model folder not found/);
    await expect(run).rejects.toMatchObject({ code: 'invalid-request' });
  });

  it('names a missing dtype file and lists the ones there are', async () => {
    const run = createEngine({ modelDir: await tinyModelDir(), device: 'cpu', dtype: 'q8' });
    await expect(run).rejects.toThrow(/no q8 ONNX file.*available dtypes: fp32/);
    await expect(run).rejects.toMatchObject({ code: 'invalid-request' });
  });
});
