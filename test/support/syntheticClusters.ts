// Seeded clustered embeddings for benchmarks and tests: photos come in small families (an original and its
// edits), so the data is many tight clusters of 1–`maxClusterSize` points around random centres.
import { normalizeMatrixInPlace, type EmbeddingMatrix } from '../../electron/engine/similarity/embeddingMatrix.js';
import { mulberry32 } from './prng.js';

export interface SyntheticOptions {
  rows: number;
  dim: number;
  seed?: number;
  maxClusterSize?: number;
  /** Per-coordinate noise relative to a unit centre; 0.25/√dim·√dim ≈ cosine 0.94 to the centre. */
  noise?: number;
}

export interface SyntheticClusters {
  matrix: EmbeddingMatrix;
  /** Cluster id of every row. */
  labels: Int32Array;
}

/** Uniform in [0, 1). */
function prng(seed: number): () => number {
  const next = mulberry32(seed);
  return () => next() / 4294967296;
}

function gaussian(rand: () => number): () => number {
  let spare: number | null = null;
  return () => {
    if (spare !== null) {
      const s = spare;
      spare = null;
      return s;
    }
    const u = rand() || 1e-12;
    const v = rand();
    const r = Math.sqrt(-2 * Math.log(u));
    spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  };
}

export function syntheticClusters(opts: SyntheticOptions): SyntheticClusters {
  const { rows, dim } = opts;
  const rand = prng(opts.seed ?? 1);
  const gauss = gaussian(rand);
  const maxSize = opts.maxClusterSize ?? 5;
  const noise = (opts.noise ?? 0.25) / Math.sqrt(dim);
  const data = new Float32Array(rows * dim);
  const labels = new Int32Array(rows);
  const centre = new Float32Array(dim);
  let row = 0;
  let cluster = 0;
  while (row < rows) {
    let s = 0;
    for (let d = 0; d < dim; d++) {
      centre[d] = gauss();
      s += centre[d]! * centre[d]!;
    }
    const inv = 1 / Math.sqrt(s);
    const size = Math.min(rows - row, 1 + Math.floor(rand() * maxSize));
    for (let m = 0; m < size; m++, row++) {
      const base = row * dim;
      for (let d = 0; d < dim; d++) data[base + d] = centre[d]! * inv + noise * gauss();
      labels[row] = cluster;
    }
    cluster++;
  }
  return { matrix: normalizeMatrixInPlace(data, dim), labels };
}
