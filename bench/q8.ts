// q8 (dynamic int8, scripts/model-generator/onnx/quantize.ts) against fp32 on the ViT-B/16-sized generated model,
// side by side in one run at the same thread count: images/s model-only and end to end, and how far the pooled
// vectors move (cosine per photo, nearest-neighbour agreement, and q8's dependence on what shares its batch).
// The "fast model" rule of issue 13: offer q8 when it is >= 2x fp32 with every photo's cosine >= 0.99.
import { createEngine, type Engine } from '../electron/engine/engine.js';
import type { ModelDtype } from '../electron/engine/types.js';
import { cachedModelDir } from '../test/helpers/models.js';
import { benchPhotos } from './photos.js';
import { cosineSimilarity } from '../electron/engine/vectors.js';

export interface Q8BenchOptions {
  /** Photos to embed; default: the corpus originals (or the committed fixtures). */
  files?: readonly string[];
  /** onnxruntime intra-op threads, the same for both dtypes; default 2. */
  threads?: number;
  /** Alternating fp32/q8 rounds; each rate is the best round's (the machine may be shared). Default 2. */
  rounds?: number;
  batchSize?: number;
}

export const Q8_TARGETS = { speedup: 2, cosine: 0.99 } as const;

interface Rates {
  modelOnly: number;
  endToEnd: number;
}


async function rate(images: number, run: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await run();
  return images / ((performance.now() - t0) / 1000);
}

/** One timed round of one engine: model-only on pre-made tensors, then end to end; returns the pooled vectors too. */
async function round(engine: Engine, files: readonly string[]): Promise<Rates & { vectors: Map<string, Float32Array> }> {
  const tensors = await Promise.all(files.slice(0, engine.batchSize).map(async (f) => (await engine.prepare(f)).tensor));
  await engine.runBatch(tensors);
  const batches = Math.max(1, Math.ceil(files.length / tensors.length));
  const modelOnly = await rate(batches * tensors.length, async () => {
    for (let i = 0; i < batches; i++) await engine.runBatch(tensors);
  });
  const vectors = new Map<string, Float32Array>();
  const endToEnd = await rate(files.length, async () => {
    for await (const item of engine.embedFiles(files)) if (item.ok) vectors.set(item.path, item.embedding as Float32Array);
  });
  return { modelOnly, endToEnd, vectors };
}

/** For how many photos the nearest other photo is the same under both dtypes. */
function neighbourAgreement(files: readonly string[], a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  const nearest = (vectors: Map<string, Float32Array>, f: string): string | undefined => {
    let best: string | undefined;
    let bestScore = -Infinity;
    for (const g of files) {
      if (g === f) continue;
      const score = cosineSimilarity(vectors.get(f)!, vectors.get(g)!);
      if (score > bestScore) [best, bestScore] = [g, score];
    }
    return best;
  };
  return files.filter((f) => nearest(a, f) === nearest(b, f)).length / files.length;
}

const quantile = (sorted: readonly number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;

export async function benchQ8(opts: Q8BenchOptions = {}): Promise<Record<string, unknown>> {
  const modelDir = await cachedModelDir('base', 0, true);
  const files = opts.files ?? (await benchPhotos()).files;
  const threads = opts.threads ?? 2;
  const batchSize = opts.batchSize ?? 4;
  const engines: Record<ModelDtype, Engine | null> = { fp32: null, q8: null, fp16: null };
  for (const dtype of ['fp32', 'q8'] as const) engines[dtype] = await createEngine({ modelDir, device: 'cpu', dtype, threads, batchSize });
  const best: Record<'fp32' | 'q8', Rates> = { fp32: { modelOnly: 0, endToEnd: 0 }, q8: { modelOnly: 0, endToEnd: 0 } };
  const vectors: Partial<Record<'fp32' | 'q8', Map<string, Float32Array>>> = {};
  for (let r = 0; r < (opts.rounds ?? 2); r++) {
    for (const dtype of ['fp32', 'q8'] as const) {
      const result = await round(engines[dtype]!, files);
      best[dtype] = { modelOnly: Math.max(best[dtype].modelOnly, result.modelOnly), endToEnd: Math.max(best[dtype].endToEnd, result.endToEnd) };
      vectors[dtype] ??= result.vectors;
    }
  }
  const paths = files.filter((f) => vectors.fp32!.has(f) && vectors.q8!.has(f));
  const cosines = paths.map((f) => cosineSimilarity(vectors.fp32!.get(f)!, vectors.q8!.get(f)!)).sort((a, b) => a - b);
  // DynamicQuantizeLinear takes one scale per run, over the whole batch: the same photo alone may move a little.
  const alone = await Promise.all(paths.slice(0, 4).map(async (f) => cosineSimilarity(await engines.q8!.embedOne(f), vectors.q8!.get(f)!)));
  await Promise.all([engines.fp32!.close(), engines.q8!.close()]);

  const speedup = { modelOnly: best.q8.modelOnly / best.fp32.modelOnly, endToEnd: best.q8.endToEnd / best.fp32.endToEnd };
  const cosineMin = cosines[0] ?? NaN;
  const offerAsFast = speedup.modelOnly >= Q8_TARGETS.speedup && cosineMin >= Q8_TARGETS.cosine;
  const fixed = (n: number, d = 2): number => Number(n.toFixed(d));
  console.table(
    (['fp32', 'q8'] as const).map((d) => ({ dtype: d, 'model-only img/s': fixed(best[d].modelOnly), 'end to end img/s': fixed(best[d].endToEnd) })),
  );
  const result = {
    photos: `${files.length} × ${opts.rounds ?? 2} rounds, fp32 and q8 alternating`,
    threads,
    batchSize,
    fp32: best.fp32,
    q8: best.q8,
    speedup: { modelOnly: fixed(speedup.modelOnly), endToEnd: fixed(speedup.endToEnd) },
    cosine: { n: cosines.length, min: fixed(cosineMin, 5), p05: fixed(quantile(cosines, 0.05), 5), median: fixed(quantile(cosines, 0.5), 5) },
    nearestNeighbourAgreement: fixed(neighbourAgreement(paths, vectors.fp32!, vectors.q8!), 3),
    q8AloneVsInBatchCosineMin: fixed(Math.min(...alone), 6),
    targets: Q8_TARGETS,
    offerAsFast,
  };
  console.log(JSON.stringify(result, null, 2));
  return result;
}
