// Approximate all-pairs top-k through usearch's HNSW index (native, multi-threaded, SIMD), for libraries where
// the exact O(n²) product would take too long. The index stores vectors quantised (i8 by default: a quarter of
// f32's memory and 2–4× faster to build than f16 here, with the recall measured in bench/grouping.ts), so the
// similarities it reports are rescored exactly from the f32 matrix before anything is stored or thresholded.
// Graph parameters: connectivity 16 with build/search beams of 64 (usearch's defaults are 16, 128, 64). Tight,
// isolated photo families are a hard case for HNSW (few edges between islands): on synthetic 768-d families a
// build beam of 32 missed 11% of family members and 16 missed 42%; 64 finds 99.8% at half the default's cost.
import { BatchMatches, Index, MetricKind, ScalarKind, type Matches } from 'usearch';
import type { EmbeddingMatrix } from './embeddingMatrix.js';
import { emptyGraph, setNeighbors, type Neighbor, type NeighborGraph } from './neighborGraph.js';

function exactDot(m: EmbeddingMatrix, a: number, b: number): number {
  const { data, dim } = m;
  const pa = a * dim;
  const pb = b * dim;
  let s = 0;
  for (let d = 0; d < dim; d++) s += data[pa + d]! * data[pb + d]!;
  return s;
}
import type { TopKOptions } from './exactTopK.js';

export type Quantization = 'f32' | 'f16' | 'i8';

export interface ApproxOptions extends TopKOptions {
  quantization?: Quantization;
  /** HNSW graph degree; usearch's default (16) when omitted. */
  connectivity?: number;
  /** Beam width while building; higher = better graph, slower. */
  expansionAdd?: number;
  /** Beam width while searching; higher = better recall, slower. */
  expansionSearch?: number;
  /** Native threads; 0 = all cores. */
  threads?: number;
}

const SCALAR: Record<Quantization, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8 };

/** Adds in chunks so a cancel lands within one chunk. */
const ADD_CHUNK = 8192;

export function buildIndex(m: EmbeddingMatrix, opts: ApproxOptions): Index {
  const index = new Index({
    dimensions: m.dim,
    // cos rather than ip: usearch's i8 kernels rescale per vector, which only cos accounts for.
    metric: MetricKind.Cos,
    quantization: SCALAR[opts.quantization ?? 'i8'],
    connectivity: opts.connectivity ?? 16,
    expansion_add: opts.expansionAdd ?? 64,
    expansion_search: Math.max(opts.expansionSearch ?? 64, opts.k + 1),
    multi: false,
  });
  const threads = opts.threads ?? 0;
  for (let start = 0; start < m.rows; start += ADD_CHUNK) {
    opts.signal?.throwIfAborted();
    const end = Math.min(m.rows, start + ADD_CHUNK);
    const keys = new BigUint64Array(end - start);
    for (let r = start; r < end; r++) keys[r - start] = BigInt(r);
    index.add(keys, m.data.subarray(start * m.dim, end * m.dim), threads);
  }
  return index;
}

/** Every row's k nearest other rows, approximately (HNSW). */
export function approxTopK(m: EmbeddingMatrix, opts: ApproxOptions): NeighborGraph {
  const k = Math.max(1, Math.min(opts.k, Math.max(1, m.rows - 1)));
  const floor = opts.floor ?? -Infinity;
  const g = emptyGraph(m.rows, k);
  if (m.rows < 2) return g;
  const index = buildIndex(m, opts);
  const threads = opts.threads ?? 0;
  // One extra slot: a row usually finds itself first.
  const want = Math.min(m.rows, k + 1);
  for (let start = 0; start < m.rows; start += ADD_CHUNK) {
    opts.signal?.throwIfAborted();
    const end = Math.min(m.rows, start + ADD_CHUNK);
    // The typings say Matches for a flat vector; a multi-row buffer actually yields BatchMatches.
    const res: Matches | BatchMatches = index.search(m.data.subarray(start * m.dim, end * m.dim), want, threads);
    const batch = res instanceof BatchMatches ? res : null;
    const stride = batch ? batch.k : want;
    const counts = batch ? batch.counts : null;
    for (let r = start; r < end; r++) {
      const q = r - start;
      const found = counts ? Number(counts[q]) : res.keys.length;
      const candidates: Neighbor[] = [];
      for (let t = 0; t < found; t++) {
        const id = Number(res.keys[q * stride + t]!);
        if (id !== r) candidates.push({ id, sim: exactDot(m, r, id) });
      }
      setNeighbors(g, r, candidates, floor);
    }
  }
  return g;
}
