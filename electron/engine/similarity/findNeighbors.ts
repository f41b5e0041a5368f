// One entry for the neighbour search: exact while the library is small, usearch's HNSW beyond the crossover.
import { approxTopK, type Quantization } from './approxTopK.js';
import type { EmbeddingMatrix } from './embeddingMatrix.js';
import { exactTopK } from './exactTopK.js';
import type { NeighborGraph } from './neighborGraph.js';
import { STORED_SCORE_FLOOR, thresholdToCosine } from './threshold.js';

/**
 * Rows above which the approximate index is used. Measured with bench/grouping.ts on 768-d clustered vectors
 * (2-core VM): exact and HNSW (i8) build+search cost the same at 1,000 rows (455 vs 441 ms), and the exact product grows
 * as n² while HNSW grows as n·log n (4,000 rows: 7.6 s vs 2.0 s).
 */
export const EXACT_MAX_ROWS = 1000;

/** Neighbours kept per image: enough for large burst families plus the `similar` band. */
export const DEFAULT_NEIGHBORS = 16;

export type SearchMethod = 'exact' | 'approx';

export interface FindNeighborsOptions {
  k?: number;
  method?: SearchMethod | 'auto';
  quantization?: Quantization;
  signal?: AbortSignal;
}

export interface NeighborSearchResult {
  graph: NeighborGraph;
  method: SearchMethod;
  /** Cosine below which nothing was stored: thresholds whose cut is lower need a new search. */
  floor: number;
}

export function findNeighbors(m: EmbeddingMatrix, opts: FindNeighborsOptions = {}): NeighborSearchResult {
  const k = opts.k ?? DEFAULT_NEIGHBORS;
  const floor = thresholdToCosine(STORED_SCORE_FLOOR);
  const method: SearchMethod = opts.method && opts.method !== 'auto' ? opts.method : m.rows <= EXACT_MAX_ROWS ? 'exact' : 'approx';
  const graph =
    method === 'exact'
      ? exactTopK(m, { k, floor, signal: opts.signal })
      : approxTopK(m, { k, floor, quantization: opts.quantization, signal: opts.signal });
  return { graph, method, floor };
}
