// How the cores are shared between onnxruntime's intra-op threads and the preprocessing workers
// (preprocessPool.ts). Chosen from measurements (README, "Preprocessing modes"; `npm run bench -- engine` prints
// the split rows).
import type { ResolvedDevice } from '../types.js';

export interface CoreSplit {
  /** Preprocessing worker threads; 0: preprocess on the engine's own thread (no pool). */
  workers: number;
  /** onnxruntime intra-op threads. */
  ortThreads: number;
}

/**
 * On CPU, the part of the cores that preprocessing gets. Measured in-process per camera-size JPEG: exact decode +
 * preprocess ~180 CPU-ms at 12 MP and ~300 at 24 MP (the scanner's pixel hash and thumbnail add 40–80), fast
 * ~90–130, against ~560 for the ViT-B/16-sized model; exact's share of the work is then 25–35%. The pool is
 * sized for exact at 12 MP: an idle worker costs nothing, and a busy one that is short only makes the model wait.
 */
const CPU_PREPROCESS_SHARE = 0.25;
/**
 * On 1 and 2 cores a worker can only take a core from onnxruntime: measured, it gained nothing on 1 core, and on
 * small photos (where preprocessing is ~2% of the work) it would halve the model's threads on 2.
 */
const MIN_CORES_FOR_POOL = 3;
/**
 * Each worker holds one full-size decode and its own heap: embedding 24 MP JPEGs (base model) peaked at 0.98 GB
 * RSS with 1 worker, 1.25 GB with 4 and 1.68 GB with 6 (measured), so 4 keep the process under 1.5 GB. A GPU
 * machine that wants more can pass EngineConfig.preprocessWorkers.
 */
export const MAX_WORKERS = 4;

/**
 * The split for this many cores and the device the model runs on. A GPU leaves the CPU to preprocessing (two
 * threads keep feeding the device); on CPU, the cores are shared by the measured cost of each side.
 */
export function coreSplit(cores: number, device: ResolvedDevice): CoreSplit {
  const n = Math.max(1, Math.floor(cores));
  if (device !== 'cpu') return { workers: Math.min(MAX_WORKERS, n >= 2 ? n - 1 : 0), ortThreads: Math.min(n, 2) };
  if (n < MIN_CORES_FOR_POOL) return { workers: 0, ortThreads: n };
  const workers = Math.min(MAX_WORKERS, Math.max(1, Math.round(n * CPU_PREPROCESS_SHARE)));
  return { workers, ortThreads: n - workers };
}
