// New rows into stored neighbour lists without searching the whole library again. A small HNSW index is built
// over the new rows only, and every row (old and new) is searched against it: an old row learns the new photos
// that come close to it, and each such pair is offered to the new row too, which gives the new row its
// neighbours among the old photos (a pair is found from the old end, the way approxTopK counts a pair from
// either end). New-to-new pairs come from the new rows' own queries. Cost: one index of the new rows plus one
// cheap query per row; adding 1,000 photos to a million is seconds where a full search is minutes.
import { Index, MetricKind, ScalarKind } from 'usearch';
import { APPROX_DEFAULTS, BINARY_MIN_DIM, columnMeans, hammingLimit, rowEncoder, searchAndOffer } from './approxTopK.js';
import type { VectorMatrix } from './embeddingMatrix.js';
import { sortNeighbors } from './exactTopK.js';
import type { NeighborGraph } from './neighborGraph.js';


/** Best-first lists → the min-heaps offerNeighbor keeps (an ascending list is a valid min-heap); all rows or `rows`. */
export function toHeaps(g: NeighborGraph, rows?: Iterable<number>): void {
  for (const r of rows ?? Array.from({ length: g.rows }, (_, i) => i)) {
    const base = r * g.k;
    g.ids.subarray(base, base + g.counts[r]!).reverse();
    g.sims.subarray(base, base + g.counts[r]!).reverse();
  }
}

/**
 * Adds `fresh` rows (their lists empty in `g`) to a graph whose other rows hold sorted lists; returns every row
 * whose list changed. `g` is sorted best-first again on return.
 */
export function addRowsToGraph(m: VectorMatrix, g: NeighborGraph, fresh: readonly number[], opts: { floor: number; signal?: AbortSignal | undefined }): Set<number> {
  const changed = new Set<number>(fresh);
  if (fresh.length === 0 || m.rows < 2) return changed;
  const binary = m.dim >= BINARY_MIN_DIM;
  const means = binary ? columnMeans(m) : null;
  const encode = rowEncoder(m, binary, means);
  const index = new Index({
    dimensions: m.dim,
    metric: binary ? MetricKind.Hamming : MetricKind.Cos,
    quantization: binary ? ScalarKind.B1 : ScalarKind.F32,
    connectivity: APPROX_DEFAULTS.connectivity,
    expansion_add: APPROX_DEFAULTS.expansionAdd,
    expansion_search: APPROX_DEFAULTS.expansionSearch,
    multi: false,
  });
  const vector = new Float32Array(m.dim);
  for (const r of fresh) {
    vector.set(encode(r, r + 1));
    index.add(BigInt(r), vector);
  }
  toHeaps(g);
  const want = Math.min(fresh.length, 2 * g.k + 1);
  const onChanged = (row: number) => changed.add(row);
  searchAndOffer(m, g, index, encode, { want, threads: 0, floor: opts.floor, maxHamming: hammingLimit(m.dim, opts.floor, binary), signal: opts.signal, onChanged });
  sortNeighbors(g);
  return changed;
}
