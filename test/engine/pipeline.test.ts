import { describe, expect, it } from 'vitest';
import { orderedMap } from '../../electron/engine/pipeline/orderedMap.js';
import { planOutput, splitBatch } from '../../electron/engine/pipeline/pooling.js';

describe('planOutput picks the pooled output as the HF pipeline does', () => {
  it.each([
    [['last_hidden_state', 'pooler_output'], true, 'pooler_output', 'pooler_output'],
    [['image_embeds', 'last_hidden_state'], true, 'image_embeds', 'image_embeds'],
    [['last_hidden_state'], true, 'last_hidden_state', 'cls_token'],
    [['last_hidden_state', 'pooler_output'], false, 'last_hidden_state', 'none'],
  ] as const)('%j pooled=%s → %s (%s)', (names, pooled, outputName, pooling) => {
    expect(planOutput(names, pooled)).toEqual({ outputName, pooling });
  });

  it('names what it needed when the model has none of it', () => {
    expect(() => planOutput(['logits'], true)).toThrow(/logits.*pooler_output/);
  });
});

describe('splitBatch', () => {
  const data = Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i);
  it('keeps token 0 of each item for cls_token pooling', () => {
    const { vectors, shape } = splitBatch(data, [2, 3, 4], { outputName: 'last_hidden_state', pooling: 'cls_token' });
    expect(shape).toEqual([4]);
    expect(Array.from(vectors[1]!)).toEqual([12, 13, 14, 15]);
  });
  it('splits unpooled outputs per item with their shape', () => {
    const { vectors, shape } = splitBatch(data, [2, 3, 4], { outputName: 'last_hidden_state', pooling: 'none' });
    expect(shape).toEqual([3, 4]);
    expect(vectors[1]!.length).toBe(12);
    expect(vectors[1]![0]).toBe(12);
  });
});

describe('orderedMap', () => {
  it('yields in input order with bounded concurrency, and turns throws into per-item errors', async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const delays = [30, 5, 20, 1, 10, 2];
    const results = [];
    for await (const r of orderedMap(
      delays.map((d, i) => ({ d, i })),
      async ({ d, i }) => {
        inFlight++;
        maxInFlight = Math.max(maxInFlight, inFlight);
        await new Promise((res) => setTimeout(res, d));
        inFlight--;
        if (i === 3) throw new Error('item 3 is bad');
        return i * 10;
      },
      { concurrency: 2 },
    )) {
      results.push(r);
    }
    expect(maxInFlight).toBe(2);
    expect(results.map((r) => r.input.i)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(results[3]).toMatchObject({ ok: false, error: 'item 3 is bad' });
    expect(results[4]).toMatchObject({ ok: true, value: 40 });
  });
});
