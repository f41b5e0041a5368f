// The product's promise: the pooled embedding of a photo equals what the HF pipeline gives on Pillow-made
// pixel_values. The same session is fed our preprocessing and Pillow's; cosine must be ≥ 0.999.
import { readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../electron/engine/engine.js';
import { cosineSimilarity } from '../../electron/engine/vectors.js';
import { tinyModelDir } from '../helpers/models.js';
import { corpusDir, fixture } from '../helpers/photos.js';
import { describeWithPillow, pillowReference } from './preprocess/pillowReference.js';

const fixtures = ['originals', 'variants'].flatMap((sub) =>
  readdirSync(fixture(sub)).map((f) => fixture(path.join(sub, f))),
);
const corpus = corpusDir
  ? readdirSync(path.join(corpusDir, 'originals')).map((f) => path.join(corpusDir!, 'originals', f))
  : [];

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu' });
});
afterAll(async () => engine?.close());

async function minCosine(files: string[]): Promise<number> {
  const config = JSON.parse(await readFile(path.join(engine.model.dir, 'preprocessor_config.json'), 'utf8')) as object;
  const refs = await pillowReference(files, { config });
  let min = 1;
  for (const [i, file] of files.entries()) {
    const ref = refs[i]!;
    expect(ref.ok, `${file}: ${ref.error}`).toBe(true);
    const [fromPillow] = await engine.runBatch([ref.tensor!]);
    const ours = await engine.embedOne(file);
    min = Math.min(min, cosineSimilarity(ours, fromPillow!));
  }
  return min;
}

describeWithPillow('pooled embeddings match the Pillow-fed reference (tiny model)', () => {
  it('on the committed fixtures: cosine ≥ 0.999', async () => {
    const min = await minCosine(fixtures);
    console.log(`fixtures (${fixtures.length}): min pooled cosine vs Pillow-fed = ${min} (1 − min = ${(1 - min).toExponential(2)})`);
    expect(min).toBeGreaterThanOrEqual(0.999);
  });

  it.skipIf(!corpusDir)('on ../shared/photos/originals: cosine ≥ 0.999', async () => {
    const min = await minCosine(corpus);
    console.log(`corpus originals (${corpus.length}): min pooled cosine vs Pillow-fed = ${min} (1 − min = ${(1 - min).toExponential(2)})`);
    expect(min).toBeGreaterThanOrEqual(0.999);
  });
});
