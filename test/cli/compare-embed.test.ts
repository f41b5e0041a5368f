import { mkdtemp, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../electron/engine/engine.js';
import { cosineSimilarity } from '../../electron/engine/vectors.js';
import { runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

let model: string;
let tmp: string;
const a = fixture('originals/skimage_chelsea.jpg');
const b = fixture('variants/skimage_chelsea__resize50.jpg');
const c = fixture('originals/skimage_coffee.jpg');

beforeAll(async () => {
  model = await tinyModelDir();
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-cli-'));
});

describe('lookalike compare', () => {
  it('prints the similarity, model, device and pooling as JSON', async () => {
    const r = await runCli(['compare', a, b, '--model', model, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { similarity: number; model: string; device: string; pooling: string };
    expect(out.device).toBe('cpu');
    expect(out.pooling).toBe('pooler_output');
    expect(typeof out.model).toBe('string');
    const engine = await createEngine({ modelDir: model, device: 'cpu' });
    const expected = cosineSimilarity(await engine.embedOne(a), await engine.embedOne(b));
    await engine.close();
    expect(out.similarity).toBeCloseTo(expected, 6);
  });

  it('uses LOOKALIKE_MODEL when --model is absent, and exits 2 with a clear message when neither is set', async () => {
    const ok = await runCli(['compare', a, c, '--json', '--device', 'cpu'], { LOOKALIKE_MODEL: model });
    expect(ok.code, ok.stderr).toBe(0);
    const none = await runCli(['compare', a, c], {
      LOOKALIKE_MODEL: '',
      XDG_DATA_HOME: path.join(tmp, 'empty-data'),
      HOME: tmp,
    });
    expect(none.code).toBe(2);
    expect(none.stderr).toMatch(/model/i);
  });

  it('exits 1 and names the file when an image cannot be read', async () => {
    const bad = path.join(tmp, 'bad.jpg');
    await writeFile(bad, 'nope');
    const r = await runCli(['compare', a, bad, '--model', model, '--device', 'cpu']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('bad.jpg');
  });

  it('exits 2 on usage errors', async () => {
    expect((await runCli(['compare', a, '--model', model])).code).toBe(2);
    expect((await runCli(['compare', a, b, '--device', 'tpu', '--model', model])).code).toBe(2);
    expect((await runCli(['frobnicate'])).code).toBe(2);
  });
});

describe('lookalike embed', () => {
  it('writes pooled embeddings equal, bit for bit, to the engine, and per-file errors (exit 1)', async () => {
    const bad = path.join(tmp, 'broken.png');
    await writeFile(bad, Buffer.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]));
    const r = await runCli(['embed', a, bad, c, '--model', model, '--device', 'cpu', '--json']);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as {
      model: string;
      device: string;
      pooled: boolean;
      items: ({ path: string; embedding: number[] } | { path: string; error: string })[];
    };
    expect(out.pooled).toBe(true);
    expect(out.items.map((i) => i.path)).toEqual([a, bad, c]);
    expect('error' in out.items[1]!).toBe(true);
    const engine = await createEngine({ modelDir: model, device: 'cpu' });
    const expected = await engine.embedOne(a);
    await engine.close();
    const got = (out.items[0] as { embedding: number[] }).embedding;
    expect(Float32Array.from(got)).toEqual(expected);
  });

  it('--no-pool gives tokens × dim, and folders are expanded', async () => {
    const r = await runCli(['embed', fixture('originals'), '--model', model, '--device', 'cpu', '--no-pool', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { pooled: boolean; items: { path: string; embedding: number[][] }[] };
    expect(out.pooled).toBe(false);
    expect(out.items.length).toBe(6);
    for (const item of out.items) {
      expect(item.embedding.length).toBe(197);
      expect(item.embedding[0]!.length).toBe(64);
    }
  });
});
