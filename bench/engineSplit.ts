// How onnxruntime and the preprocessing pool share the cores (electron/engine/preprocess/preprocessSplit.ts):
// end to end wall img/s and CPU-ms per image for a few (ORT threads, workers) pairs on this machine, and the
// process's peak RSS embedding 24 MP JPEGs with the pool (in a child process of its own, since the peak is the
// process's). Run under `taskset -c 0` for the 1-core rows (`node dist/bench/run.js engine --split-only`).
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { createEngine } from '../electron/engine/engine.js';
import type { PreprocessMode } from '../electron/shared/values.js';

export interface Measured {
  imgPerSec: number;
  /** Process CPU (every thread: onnxruntime, libuv/libvips, workers) per image. */
  cpuMsPerImg: number;
}

/** Wall rate and CPU per image of `fn`, which returns how many images it did. */
export async function measure(fn: () => Promise<number>): Promise<Measured> {
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const images = await fn();
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { imgPerSec: images / seconds, cpuMsPerImg: (cpu.user + cpu.system) / 1000 / Math.max(1, images) };
}

export interface SplitConfig {
  ortThreads: number;
  workers: number;
}

/** The pairs worth comparing on this many cores: all ORT in-process, one core given to a worker, and oversubscribed. */
export function splitConfigs(cores: number): SplitConfig[] {
  const pairs: SplitConfig[] = [{ ortThreads: cores, workers: 0 }, { ortThreads: cores, workers: 1 }];
  if (cores >= 2) pairs.push({ ortThreads: cores - 1, workers: 1 });
  if (cores >= 4) pairs.push({ ortThreads: cores - Math.round(cores / 4), workers: Math.round(cores / 4) }, { ortThreads: cores - 2, workers: 2 });
  return pairs.filter((p, i) => pairs.findIndex((q) => q.ortThreads === p.ortThreads && q.workers === p.workers) === i);
}

export interface SplitRow extends Measured, SplitConfig {
  mode: PreprocessMode;
}

/** End to end (embedFiles, batch 4) for each pair and mode, each on a fresh engine after one warm batch. */
export async function splitRows(modelDir: string, work: string[], modes: readonly PreprocessMode[]): Promise<SplitRow[]> {
  const rows: SplitRow[] = [];
  for (const config of splitConfigs(os.availableParallelism())) {
    const engine = await createEngine({ modelDir, device: 'cpu', batchSize: 4, threads: config.ortThreads, preprocessWorkers: config.workers });
    for await (const item of engine.embedFiles(work.slice(0, 4))) void item;
    for (const mode of modes) {
      const view = engine.withPreprocess(mode);
      const m = await measure(async () => {
        let n = 0;
        for await (const item of view.embedFiles(work)) if (item.ok) n++;
        return n;
      });
      rows.push({ ...config, mode, ...m });
    }
    await engine.close();
  }
  return rows;
}

export function printSplit(label: string, rows: readonly SplitRow[]): void {
  console.log(`\nsplit (${label}, ${os.availableParallelism()} cores): end to end, batch 4`);
  console.table(rows.map((r) => ({
    mode: r.mode, 'ORT threads': r.ortThreads, workers: r.workers,
    'img/s': Number(r.imgPerSec.toFixed(2)), 'CPU-ms/img': Math.round(r.cpuMsPerImg),
  })));
}

/** Peak RSS (MB) of a child process that embeds `files` (twice) with this many workers. */
export function peakRssChild(files: readonly string[], workers: number, mode: PreprocessMode): { peakRssMb: number; ok: number } | null {
  const child = spawnSync(process.execPath, [process.argv[1]!, 'engine', '--memory-child', JSON.stringify({ files, workers, mode })], { encoding: 'utf8' });
  const line = child.stdout.split('\n').find((l) => l.startsWith('MEMORY '));
  if (!line) {
    console.log(`memory child failed: ${child.stderr.slice(-500)}`);
    return null;
  }
  return JSON.parse(line.slice('MEMORY '.length)) as { peakRssMb: number; ok: number };
}

/** The child's side: embed, then print the process's peak RSS. */
export async function memoryChild(modelDir: string, arg: string): Promise<void> {
  const { files, workers, mode } = JSON.parse(arg) as { files: string[]; workers: number; mode: PreprocessMode };
  const engine = await createEngine({ modelDir, device: 'cpu', preprocess: mode, preprocessWorkers: workers });
  let ok = 0;
  for await (const item of engine.embedFiles([...files, ...files])) if (item.ok) ok++;
  await engine.close();
  console.log(`MEMORY ${JSON.stringify({ peakRssMb: Math.round(process.resourceUsage().maxRSS / 1024), ok })}`);
}
