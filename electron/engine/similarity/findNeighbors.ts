// One entry for the neighbour search: exact while the library is small, usearch's HNSW beyond the crossover.
// The approximate path picks its own index kind (binary codes for wide embeddings, see approxTopK.ts).
import { approxTopK, type Quantization } from './approxTopK.js';
import type { VectorMatrix } from './embeddingMatrix.js';
import { exactTopK } from './exactTopK.js';
import type { NeighborGraph } from './neighborGraph.js';
import { STORED_SCORE_FLOOR, thresholdToCosine } from './threshold.js';
import type { BuiltIndex } from './vectorIndexFile.js';

/**
 * Rows above which the approximate index is used. Measured with bench/grouping.ts on 768-d clustered vectors
 * (2-core VM, k 16, warmed JIT): exact vs HNSW (b1 + rescoring) 11 vs 10 ms at 250 rows, 41 vs 21 at 500,
 * 91–117 vs 32 at 750, 161–254 vs 45 at 1,000, 763 vs 107 at 2,000. Up to 500 rows the exact lists cost at most
 * ~20 ms more, so they stay exact there.
 */
export const EXACT_MAX_ROWS = 500;

/** Neighbours kept per image: enough for large burst families plus the `similar` band. */
export const DEFAULT_NEIGHBORS = 16;

export type SearchMethod = 'exact' | 'approx';

export interface FindNeighborsOptions {
  k?: number;
  method?: SearchMethod | 'auto';
  quantization?: Quantization;
  signal?: AbortSignal;
  /** Lowest cosine kept; by default what STORED_SCORE_FLOOR is on the uncalibrated scale. */
  floor?: number;
  /** Handed the approximate search's index (not called for an exact search, which builds none). */
  keepIndex?: (built: BuiltIndex) => void;
}

export interface NeighborSearchResult {
  graph: NeighborGraph;
  method: SearchMethod;
  /** Cosine below which nothing was stored: thresholds whose cut is lower need a new search. */
  floor: number;
}

export function findNeighbors(m: VectorMatrix, opts: FindNeighborsOptions = {}): NeighborSearchResult {
  const k = opts.k ?? DEFAULT_NEIGHBORS;
  const floor = opts.floor ?? thresholdToCosine(STORED_SCORE_FLOOR);
  const method: SearchMethod = opts.method && opts.method !== 'auto' ? opts.method : m.rows <= EXACT_MAX_ROWS ? 'exact' : 'approx';
  const graph =
    method === 'exact'
      ? exactTopK(m, { k, floor, signal: opts.signal })
      : approxTopK(m, { k, floor, quantization: opts.quantization, signal: opts.signal, keep: opts.keepIndex });
  return { graph, method, floor };
}
