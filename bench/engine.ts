// Engine throughput on the ViT-B/16-sized generated model, side by side in one run, on the small photo set and
// on the camera-size set (12–24 MP JPEGs, bench/cameraPhotos.ts):
//  - ours end to end (decode + preprocess + run + pool), exact and fast preprocessing;
//  - the transformers.js image-feature-extraction pipeline as a user calls it (one image per call, pool: true);
//  - the model-only ceiling: the same kind of session fed pre-made tensors;
//  - preprocessing alone, images per CPU-second (per core), exact and fast: what a GPU could be fed;
//  - each with wall img/s and CPU-ms per image, in-process and with the preprocessing pool; the split rows
//    (engineSplit.ts: ORT threads × workers), q8 vs fp32 (q8.ts), and peak RSS on 24 MP photos.
import os from 'node:os';
import path from 'node:path';
import { createEngine, type Engine } from '../electron/engine/engine.js';
import { readImageFile } from '../electron/engine/preprocess/decode.js';
import { prepareImage } from '../electron/engine/preprocess/prepareImage.js';
import { coreSplit } from '../electron/engine/preprocess/preprocessSplit.js';
import type { ProcessorConfig } from '../electron/engine/types.js';
import type { PreprocessMode } from '../electron/shared/values.js';
import { cachedModelDir } from '../test/helpers/models.js';
import { cameraPhotos } from './cameraPhotos.js';
import { measure, memoryChild, peakRssChild, printSplit, splitRows, type Measured } from './engineSplit.js';
import { benchPhotos } from './photos.js';
import { benchQ8 } from './q8.js';

interface Row extends Measured {
  name: string;
}

/** The pool the bench calls "pool on": the split rule's, or one worker where the rule keeps this machine in-process. */
function poolSplit(cores: number): { workers: number; ortThreads: number } {
  const split = coreSplit(cores, 'cpu');
  return split.workers > 0 ? split : { workers: 1, ortThreads: cores };
}

async function embedAll(engine: Engine, work: string[]): Promise<number> {
  let n = 0;
  for await (const item of engine.embedFiles(work)) if (item.ok) n++;
  return n;
}

/** Model-only ceiling, then ours (exact, fast) in-process and with the pool, at one batch size. */
async function lookalikeRows(modelDir: string, files: string[], work: string[], batchSize: number): Promise<Row[]> {
  const rows: Row[] = [];
  const cores = os.availableParallelism();
  const engine = await createEngine({ modelDir, device: 'cpu', batchSize, threads: cores, preprocessWorkers: 0 });
  const tensors = await Promise.all(files.slice(0, batchSize).map(async (f) => (await engine.prepare(f)).tensor));
  await engine.runBatch(tensors);
  const ceiling = await measure(async () => {
    let n = 0;
    for (; n < work.length; n += tensors.length) await engine.runBatch(tensors);
    return n;
  });
  rows.push({ name: `model-only ceiling, batch ${batchSize}, ${cores} threads`, ...ceiling });
  for (const mode of ['exact', 'fast'] as const) {
    rows.push({ name: `lookalike ${mode}, batch ${batchSize}, in-process`, ...(await measure(() => embedAll(engine.withPreprocess(mode), work))) });
  }
  await engine.close();
  const split = poolSplit(cores);
  const pooled = await createEngine({ modelDir, device: 'cpu', batchSize, threads: split.ortThreads, preprocessWorkers: split.workers });
  await embedAll(pooled, work.slice(0, batchSize));
  for (const mode of ['exact', 'fast'] as const) {
    const name = `lookalike ${mode}, batch ${batchSize}, pool ${split.workers}w + ${split.ortThreads} ORT`;
    rows.push({ name, ...(await measure(() => embedAll(pooled.withPreprocess(mode), work))) });
  }
  await pooled.close();
  return rows;
}

/** Decode + preprocess alone, one image at a time, in-process: images per CPU-second (all threads counted). */
async function preprocessRate(cfg: ProcessorConfig, files: string[], mode: PreprocessMode): Promise<number> {
  const bytes = await Promise.all(files.map((f) => readImageFile(f)));
  const cpu0 = process.cpuUsage();
  for (const b of bytes) await prepareImage({ input: b, mode, maxPixels: undefined, extras: false }, cfg);
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
  const run = await measure(async () => {
    for (const f of work) await extractor(f, { pool: true });
    return work.length;
  });
  await extractor.dispose();
  // transformers.js sets no thread count; how many cores it really kept busy decides what 'faster' can mean.
  return { row: { name: 'transformers.js pipeline (as a user calls it)', ...run }, coresBusy: (run.cpuMsPerImg * run.imgPerSec) / 1000 };
}

/** Graph optimisation levels, model-only at batch 4 (createEngine uses 'extended': ~5% faster than 'all' here). */
async function graphOptimizationRows(modelDir: string, files: string[]): Promise<Row[]> {
  const rows: Row[] = [];
  for (const level of ['basic', 'extended', 'all'] as const) {
    const engine = await createEngine({ modelDir, device: 'cpu', batchSize: 4, graphOptimization: level, preprocessWorkers: 0 });
    const tensors = await Promise.all(files.slice(0, 4).map(async (f) => (await engine.prepare(f)).tensor));
    await engine.runBatch(tensors);
    const t = await measure(async () => {
      let n = 0;
      for (; n < files.length; n += tensors.length) await engine.runBatch(tensors);
      return n;
    });
    await engine.close();
    rows.push({ name: `model-only, graph optimisation '${level}', batch 4`, ...t });
  }
  return rows;
}

interface SetOptions {
  label: string;
  files: string[];
  rounds: number;
  batchSizes: number[];
  graphLevels: boolean;
  /** Modes for the split rows (engineSplit.ts), or null for none. */
  split: readonly PreprocessMode[] | null;
  q8Rounds: number;
}

async function benchSet(modelDir: string, set: SetOptions): Promise<Record<string, unknown>> {
  const { files } = set;
  const work = Array.from({ length: set.rounds }, () => files).flat();
  const rows: Row[] = [];
  for (const batchSize of set.batchSizes) rows.push(...(await lookalikeRows(modelDir, files, work, batchSize)));
  if (set.graphLevels) rows.push(...(await graphOptimizationRows(modelDir, files)));
  const tf = await transformersJsRow(modelDir, work);
  rows.push(tf.row);
  const cfgEngine = await createEngine({ modelDir, device: 'cpu', threads: 1, preprocessWorkers: 0 });
  const cfg = cfgEngine.model.processor;
  await cfgEngine.close();
  const perCore = { exact: await preprocessRate(cfg, files, 'exact'), fast: await preprocessRate(cfg, files, 'fast') };
  const best = (prefix: string): number => Math.max(0, ...rows.filter((r) => r.name.startsWith(prefix)).map((r) => r.imgPerSec));
  const ceiling = best('model-only ceiling');
  console.log(`\n--- ${set.label}: ${files.length} photos × ${set.rounds} rounds, ${os.availableParallelism()} cores`);
  console.table(rows.map((r) => ({
    name: r.name,
    'img/s': Number(r.imgPerSec.toFixed(2)),
    'CPU-ms/img': Math.round(r.cpuMsPerImg),
    'vs transformers.js': Number((r.imgPerSec / tf.row.imgPerSec).toFixed(2)),
    'vs best ceiling': Number((r.imgPerSec / ceiling).toFixed(2)),
  })));
  console.log(`preprocessing alone, images per CPU-second (per core): exact ${perCore.exact.toFixed(2)}, fast ${perCore.fast.toFixed(2)}`);
  const split = set.split ? await splitRows(modelDir, work, set.split) : [];
  if (split.length > 0) printSplit(set.label, split);
  // q8 vs fp32 at 2 threads on the same photos (bench/q8.ts prints its own table).
  const q8 = await benchQ8({ files, rounds: set.q8Rounds });
  return {
    photos: files.length,
    rounds: set.rounds,
    rows: rows.map((r) => ({ name: r.name, imgPerSec: Number(r.imgPerSec.toFixed(3)), cpuMsPerImg: Math.round(r.cpuMsPerImg) })),
    ceilingBest: ceiling,
    exactBest: best('lookalike exact'),
    fastBest: best('lookalike fast'),
    transformersJs: tf.row.imgPerSec,
    transformersJsCoresBusy: Number(tf.coresBusy.toFixed(2)),
    exactVsTransformersJs: best('lookalike exact') / tf.row.imgPerSec,
    fastVsCeiling: best('lookalike fast') / ceiling,
    exactVsCeiling: best('lookalike exact') / ceiling,
    preprocessPerCore: perCore,
    split: split.map((r) => ({ ...r, imgPerSec: Number(r.imgPerSec.toFixed(3)), cpuMsPerImg: Math.round(r.cpuMsPerImg) })),
    q8,
  };
}

/** Peak RSS embedding the 24 MP photos (twice), with the pool and in-process, each in a child process. */
function memoryRows(cameraFiles: readonly string[]): Record<string, unknown> {
  const files = cameraFiles.filter((f) => f.includes('__24mp'));
  if (files.length === 0) return {};
  const workers = poolSplit(os.availableParallelism()).workers;
  const result = {
    photos: `${files.length} JPEGs of 24 MP, twice`,
    poolExact: peakRssChild(files, workers, 'exact'),
    inProcessExact: peakRssChild(files, 0, 'exact'),
    poolFast: peakRssChild(files, workers, 'fast'),
  };
  console.log(`\npeak RSS embedding 24 MP JPEGs (target ≤ 1500 MB): ${JSON.stringify(result)}`);
  return result;
}

/**
 * Flags: `--quick` (for a busy machine): batch 4 only, one round, no graph-level rows, every other camera photo;
 * `--split-only`: only the split rows (run it under `taskset -c 0` for one core); `--no-split`, `--no-memory`.
 */
export async function benchEngine(opts: { rounds?: number; batchSizes?: number[]; quick?: boolean } = {}): Promise<Record<string, unknown>> {
  const argv = process.argv;
  const modelDir = await cachedModelDir('base');
  const child = argv.indexOf('--memory-child');
  if (child >= 0) return memoryChild(modelDir, argv[child + 1]!).then(() => ({}));
  const quick = opts.quick ?? argv.includes('--quick');
  const small = await benchPhotos();
  const camera = await cameraPhotos();
  const cameraFiles = quick ? camera.files.filter((_, i) => i % 2 === 0) : camera.files;
  const result: Record<string, unknown> = { cores: os.availableParallelism() };
  if (argv.includes('--split-only')) {
    const sets = [['small set', small.files], ['camera-size set', cameraFiles]] as const;
    for (const [label, files] of sets) {
      const rows = await splitRows(modelDir, files, ['exact', 'fast']);
      printSplit(label, rows);
      result[label] = rows;
    }
    console.log(JSON.stringify(result, null, 2));
    return result;
  }
  const split = argv.includes('--no-split') ? null : (['exact', 'fast'] as const);
  result['small'] = await benchSet(modelDir, {
    label: `small set (${small.source})`, files: small.files, rounds: opts.rounds ?? (quick ? 1 : 2),
    batchSizes: opts.batchSizes ?? (quick ? [4] : [1, 4, 8]), graphLevels: !quick, split: split ? ['exact'] : null, q8Rounds: quick ? 1 : 2,
  });
  if (cameraFiles.length > 0) {
    result['camera'] = await benchSet(modelDir, {
      label: `camera-size set (${camera.source})`, files: cameraFiles, rounds: 1, batchSizes: [4], graphLevels: false, split, q8Rounds: 1,
    });
    if (!argv.includes('--no-memory')) result['memory'] = memoryRows(cameraFiles);
  }
  result['targets'] = { camera: { exactVsTransformersJs: 1.5, fastVsCeiling: 0.9 }, small: { vsCeiling: 0.95 } };
  console.log(JSON.stringify(result, null, 2));
  return result;
}
