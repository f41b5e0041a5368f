// Engine throughput on the ViT-B/16-sized generated model, side by side in one run, on the small photo set and
// on the camera-size set (12–24 MP JPEGs, bench/cameraPhotos.ts):
//  - ours end to end (decode + preprocess + run + pool), exact and fast preprocessing;
//  - the transformers.js image-feature-extraction pipeline as a user calls it (one image per call, pool: true);
//  - the model-only ceiling: the same kind of session fed pre-made tensors;
//  - preprocessing alone, images per CPU-second (per core), exact and fast: what a GPU could be fed.
import os from 'node:os';
import path from 'node:path';
import { createEngine } from '../electron/engine/engine.js';
import { readImageFile } from '../electron/engine/preprocess/decode.js';
import { preprocessImage } from '../electron/engine/preprocess/preprocessImage.js';
import type { PreprocessMode } from '../electron/shared/values.js';
import { cachedModelDir } from '../test/helpers/models.js';
import { cameraPhotos } from './cameraPhotos.js';
import { benchPhotos } from './photos.js';
import { benchQ8 } from './q8.js';

interface Row {
  name: string;
  imgPerSec: number;
}

async function timeIt(fn: () => Promise<number>): Promise<{ seconds: number; images: number }> {
  const t0 = performance.now();
  const images = await fn();
  return { seconds: (performance.now() - t0) / 1000, images };
}

const rate = (t: { seconds: number; images: number }): number => t.images / t.seconds;

/** Model-only ceiling and ours (exact, fast) at one batch size, each on its own session. */
async function lookalikeRows(modelDir: string, files: string[], work: string[], batchSize: number): Promise<Row[]> {
  const rows: Row[] = [];
  const engine = await createEngine({ modelDir, device: 'cpu', batchSize });
  const tensors = await Promise.all(files.slice(0, batchSize).map(async (f) => (await engine.prepare(f)).tensor));
  const ceiling = await timeIt(async () => {
    let n = 0;
    for (; n < work.length; n += tensors.length) await engine.runBatch(tensors);
    return n;
  });
  rows.push({ name: `model-only ceiling, batch ${batchSize}`, imgPerSec: rate(ceiling) });
  for (const mode of ['exact', 'fast'] as const) {
    const view = engine.withPreprocess(mode);
    const ours = await timeIt(async () => {
      let n = 0;
      for await (const item of view.embedFiles(work)) if (item.ok) n++;
      return n;
    });
    rows.push({ name: `lookalike ${mode}, batch ${batchSize}`, imgPerSec: rate(ours) });
  }
  await engine.close();
  return rows;
}

/** Decode + preprocess alone, one image at a time: images per CPU-second (all threads counted). */
async function preprocessRate(modelDir: string, files: string[], mode: PreprocessMode): Promise<number> {
  const engine = await createEngine({ modelDir, device: 'cpu', threads: 1 });
  const cfg = engine.model.processor;
  await engine.close();
  const cpu0 = process.cpuUsage();
  for (const f of files) await preprocessImage(await readImageFile(f), cfg, { mode });
  const cpu = process.cpuUsage(cpu0);
  return files.length / ((cpu.user + cpu.system) / 1e6);
}

/** transformers.js as documented for this task: one call per image, pooled output. */
async function transformersJsRow(modelDir: string, work: string[]): Promise<{ row: Row; coresBusy: number }> {
  const tf = await import('@huggingface/transformers');
  tf.env.allowRemoteModels = false;
  tf.env.allowLocalModels = true;
  tf.env.localModelPath = path.dirname(modelDir) + path.sep;
  const extractor = await tf.pipeline('image-feature-extraction', path.basename(modelDir), { dtype: 'fp32' });
  await extractor(work[0]!, { pool: true });
  const cpu0 = process.cpuUsage();
  const run = await timeIt(async () => {
    for (const f of work) await extractor(f, { pool: true });
    return work.length;
  });
  const cpu = process.cpuUsage(cpu0);
  await extractor.dispose();
  // transformers.js sets no thread count; how many cores it really kept busy decides what 'faster' can mean.
  return { row: { name: 'transformers.js pipeline (as a user calls it)', imgPerSec: rate(run) }, coresBusy: (cpu.user + cpu.system) / 1e6 / run.seconds };
}

/** Graph optimisation levels, model-only at batch 4 (createEngine uses 'extended': ~5% faster than 'all' here). */
async function graphOptimizationRows(modelDir: string, files: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const level of ['basic', 'extended', 'all'] as const) {
    const engine = await createEngine({ modelDir, device: 'cpu', batchSize: 4, graphOptimization: level });
    const tensors = await Promise.all(files.slice(0, 4).map(async (f) => (await engine.prepare(f)).tensor));
    await engine.runBatch(tensors);
    const t = await timeIt(async () => {
      let n = 0;
      for (; n < files.length; n += tensors.length) await engine.runBatch(tensors);
      return n;
    });
    await engine.close();
    rows.push({ name: `model-only, graph optimisation '${level}', batch 4`, imgPerSec: rate(t) });
  }
  return rows;
}

interface SetOptions {
  label: string;
  files: string[];
  rounds: number;
  batchSizes: number[];
  graphLevels: boolean;
}

async function benchSet(modelDir: string, set: SetOptions): Promise<Record<string, unknown>> {
  const { files } = set;
  const work = Array.from({ length: set.rounds }, () => files).flat();
  const rows: Row[] = [];
  for (const batchSize of set.batchSizes) rows.push(...(await lookalikeRows(modelDir, files, work, batchSize)));
  if (set.graphLevels) rows.push(...(await graphOptimizationRows(modelDir, files)));
  // bench/q8.ts adds its q8 row here.
  const tf = await transformersJsRow(modelDir, work);
  rows.push(tf.row);
  const perCore = { exact: await preprocessRate(modelDir, files, 'exact'), fast: await preprocessRate(modelDir, files, 'fast') };
  const best = (prefix: string): number => Math.max(0, ...rows.filter((r) => r.name.startsWith(prefix)).map((r) => r.imgPerSec));
  const ceiling = best('model-only ceiling');
  console.log(`\n--- ${set.label}: ${files.length} photos × ${set.rounds} rounds, ${os.availableParallelism()} cores`);
  console.table(rows.map((r) => ({
    name: r.name,
    'img/s': Number(r.imgPerSec.toFixed(2)),
    'vs transformers.js': Number((r.imgPerSec / tf.row.imgPerSec).toFixed(2)),
    'vs best ceiling': Number((r.imgPerSec / ceiling).toFixed(2)),
  })));
  console.log(`preprocessing alone, images per CPU-second (per core): exact ${perCore.exact.toFixed(2)}, fast ${perCore.fast.toFixed(2)}`);
  return {
    photos: files.length,
    rounds: set.rounds,
    ceilingBest: ceiling,
    exactBest: best('lookalike exact'),
    fastBest: best('lookalike fast'),
    transformersJs: tf.row.imgPerSec,
    transformersJsCoresBusy: Number(tf.coresBusy.toFixed(2)),
    exactVsTransformersJs: best('lookalike exact') / tf.row.imgPerSec,
    fastVsCeiling: best('lookalike fast') / ceiling,
    exactVsCeiling: best('lookalike exact') / ceiling,
    preprocessPerCore: perCore,
  };
}

/** `--quick` (for a busy machine): batch 4 only, one round, no graph-level rows, every other camera photo. */
export async function benchEngine(opts: { rounds?: number; batchSizes?: number[]; quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const quick = opts.quick ?? process.argv.includes('--quick');
  const modelDir = await cachedModelDir('base');
  const small = await benchPhotos();
  const camera = await cameraPhotos();
  const result: Record<string, unknown> = { cores: os.availableParallelism() };
  result['small'] = await benchSet(modelDir, {
    label: `small set (${small.source})`, files: small.files, rounds: opts.rounds ?? (quick ? 1 : 2),
    batchSizes: opts.batchSizes ?? (quick ? [4] : [1, 4, 8]), graphLevels: !quick,
  });
  if (camera.files.length > 0) {
    const files = quick ? camera.files.filter((_, i) => i % 2 === 0) : camera.files;
    result['camera'] = await benchSet(modelDir, {
      label: `camera-size set (${camera.source})`, files, rounds: 1, batchSizes: [4], graphLevels: false,
    });
  }
  result['targets'] = { camera: { exactVsTransformersJs: 1.5, fastVsCeiling: 0.9 }, small: { vsCeiling: 0.95 } };
  result['q8'] = await benchQ8({ files: small.files }); // q8 vs fp32, 2 threads (bench/q8.ts)
  console.log(JSON.stringify(result, null, 2));
  return result;
}
