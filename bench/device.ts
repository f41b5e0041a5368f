// The GPU check of issue 13 (scripts/device-check.sh runs it on a lent machine; `--cpu-only` runs it anywhere):
// the generated base model on each device that works (CPU, WebGPU, CUDA), images/s model-only and end to end on
// a camera-size set and on the small photos, per preprocessing mode, and the pooled cosine of every photo
// against the CPU's vector (the target is >= 0.999). Prints a table and writes the JSON to --out.
// Run: node dist/bench/device.js [--cpu-only] [--preset base|tiny] [--camera N] [--work DIR] [--sources DIR] [--out FILE]
import { existsSync } from 'node:fs';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { createEngine, type Engine, type EngineConfig } from '../electron/engine/engine.js';
import type { DeviceChoice, PreprocessMode } from '../electron/engine/types.js';
import { generateVitModel, type VitPreset } from '../scripts/model-generator/generate.js';
import { repoRoot } from './photos.js';
import { makeCameraSet } from './syntheticCameraSet.js';
import { cosineSimilarity } from '../electron/engine/vectors.js';

export interface DeviceCheckOptions {
  cpuOnly: boolean;
  preset: VitPreset;
  /** The model and the camera-size set are made here once and reused. */
  workDir: string;
  /** Small photos: the sources of the camera set, and the small set itself. */
  sourcesDir: string;
  cameraPhotos: number;
  batchSize: number;
  outFile: string | null;
}

export const COSINE_TARGET = 0.999;
type Mode = PreprocessMode;

interface Row {
  device: string;
  mode: Mode;
  resolved?: string;
  modelOnly?: number;
  camera?: number;
  small?: number;
  cosineVsCpu?: number;
  error?: string;
}


async function ensureModel(opts: DeviceCheckOptions): Promise<string> {
  const dir = path.join(opts.workDir, `model-${opts.preset}`);
  if (existsSync(path.join(dir, 'generator.json'))) return dir;
  const t0 = performance.now();
  await generateVitModel(dir, { preset: opts.preset });
  console.error(`generated the ${opts.preset} model in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}

async function photoSets(opts: DeviceCheckOptions): Promise<{ small: string[]; camera: string[] }> {
  const small = (await readdir(opts.sourcesDir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().map((f) => path.join(opts.sourcesDir, f));
  const cameraDir = path.join(opts.workDir, `camera-${opts.cameraPhotos}`);
  const t0 = performance.now();
  const camera = existsSync(cameraDir)
    ? (await readdir(cameraDir)).sort().map((f) => path.join(cameraDir, f))
    : await makeCameraSet(small, cameraDir, opts.cameraPhotos);
  console.error(`camera-size set: ${camera.length} JPEGs (12 and 24 MP) in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
  return { small, camera };
}

/** Batches on pre-made tensors for about two seconds (at least three), after one warm-up batch. */
async function modelOnlyRate(engine: Engine, files: readonly string[]): Promise<number> {
  const picks = Array.from({ length: engine.batchSize }, (_, i) => files[i % files.length]!);
  const tensors = await Promise.all(picks.map(async (f) => (await engine.prepare(f)).tensor));
  await engine.runBatch(tensors);
  const t0 = performance.now();
  let images = 0;
  while (images < 3 * tensors.length || performance.now() - t0 < 2000) {
    await engine.runBatch(tensors);
    images += tensors.length;
  }
  return images / ((performance.now() - t0) / 1000);
}

async function endToEnd(engine: Engine, files: readonly string[], into: Map<string, Float32Array>): Promise<number> {
  const t0 = performance.now();
  let images = 0;
  for await (const item of engine.embedFiles(files)) {
    if (!item.ok) throw new Error(`${item.path}: ${item.error}`);
    into.set(item.path, item.embedding);
    images++;
  }
  return images / ((performance.now() - t0) / 1000);
}

/** A build whose engine predates the preprocessing modes ignores the option: then the row says so. */
function honoursMode(engine: Engine, mode: Mode): boolean {
  return (engine as { preprocessMode?: string }).preprocessMode === mode || (mode === 'exact' && !('preprocessMode' in engine));
}

async function measure(config: EngineConfig, mode: Mode, sets: { small: string[]; camera: string[] }, vectors: Map<string, Float32Array>): Promise<Row> {
  const row: Row = { device: config.device ?? 'auto', mode };
  let engine: Engine | undefined;
  try {
    engine = await createEngine({ ...config, preprocess: mode });
    row.resolved = engine.device;
    if (!honoursMode(engine, mode)) return { ...row, error: `this build's engine has no ${mode} preprocessing mode` };
    await engine.embedOne(sets.small[0]!); // first-use costs (sharp, kernels) out of the timings
    row.modelOnly = await modelOnlyRate(engine, sets.small);
    row.camera = await endToEnd(engine, sets.camera, vectors);
    row.small = await endToEnd(engine, sets.small, vectors);
  } catch (err) {
    row.error = (err as Error).message.split('\n')[0]!.slice(0, 300);
  } finally {
    await engine?.close();
  }
  return row;
}

function printTable(rows: readonly Row[]): void {
  const fixed = (n: number | undefined, d: number): number | string => (n === undefined ? '-' : Number(n.toFixed(d)));
  console.table(
    rows.map((r) => ({
      device: r.resolved && r.resolved !== r.device ? `${r.device}→${r.resolved}` : r.device,
      mode: r.mode,
      'model-only img/s': fixed(r.modelOnly, 1),
      'camera e2e img/s': fixed(r.camera, 2),
      'small e2e img/s': fixed(r.small, 1),
      'cosine vs cpu (min)': fixed(r.cosineVsCpu, 5),
      note: r.error ?? '',
    })),
  );
}

export async function benchDevice(opts: DeviceCheckOptions): Promise<Record<string, unknown>> {
  await mkdir(opts.workDir, { recursive: true });
  const modelDir = await ensureModel(opts);
  const sets = await photoSets(opts);
  const devices: DeviceChoice[] = opts.cpuOnly ? ['cpu'] : ['cpu', 'webgpu', 'cuda'];
  const rows: Row[] = [];
  for (const mode of ['exact', 'fast'] as const) {
    const cpuVectors = new Map<string, Float32Array>();
    for (const device of devices) {
      const vectors = device === 'cpu' ? cpuVectors : new Map<string, Float32Array>();
      const row = await measure({ modelDir, device, batchSize: opts.batchSize }, mode, sets, vectors);
      if (device !== 'cpu' && !row.error && cpuVectors.size > 0) {
        row.cosineVsCpu = Math.min(...[...vectors].map(([file, v]) => cosineSimilarity(v, cpuVectors.get(file)!)));
      }
      rows.push(row);
      console.error(JSON.stringify(row));
      if (device === 'cpu' && row.error) break; // no reference: the other devices cannot be compared
    }
  }
  printTable(rows);
  const gpuRows = rows.filter((r) => r.device !== 'cpu' && r.cosineVsCpu !== undefined);
  const result = {
    preset: opts.preset,
    cores: os.availableParallelism(),
    batchSize: opts.batchSize,
    photos: { camera: sets.camera.length, small: sets.small.length },
    rows,
    cosineTarget: COSINE_TARGET,
    cosinePass: gpuRows.every((r) => r.cosineVsCpu! >= COSINE_TARGET),
  };
  if (opts.outFile) await writeFile(opts.outFile, `${JSON.stringify(result, null, 2)}\n`);
  console.log(JSON.stringify({ cosinePass: result.cosinePass, gpuRowsCompared: gpuRows.length }));
  return result;
}

function parseOptions(argv: string[]): DeviceCheckOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      'cpu-only': { type: 'boolean', default: false },
      preset: { type: 'string', default: 'base' },
      work: { type: 'string', default: path.join(os.tmpdir(), 'lookalike-device-check') },
      sources: { type: 'string', default: path.join(repoRoot, 'test', 'fixtures', 'photos', 'originals') },
      camera: { type: 'string', default: '8' },
      batch: { type: 'string', default: '8' },
      out: { type: 'string' },
    },
  });
  if (values.preset !== 'base' && values.preset !== 'tiny') throw new Error('--preset must be base or tiny');
  return {
    cpuOnly: values['cpu-only'],
    preset: values.preset,
    workDir: path.resolve(values.work),
    sourcesDir: path.resolve(values.sources),
    cameraPhotos: Math.max(1, Number(values.camera) || 8),
    batchSize: Math.max(1, Number(values.batch) || 8),
    outFile: values.out ? path.resolve(values.out) : null,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  benchDevice(parseOptions(process.argv.slice(2))).then(
    (r) => {
      process.exitCode = r.cosinePass ? 0 : 1;
    },
    (err: unknown) => {
      console.error(`device check: ${err instanceof Error ? err.stack : String(err)}`);
      process.exitCode = 2;
    },
  );
}
