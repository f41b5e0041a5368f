// Neighbour lists persisted in the catalog, so a new threshold (or a new session) regroups without searching
// again. A fingerprint of the searched rows (their embedding ids, k, floor) says whether the stored lists
// still describe this library; any change to the live set means one new search.
import type { Catalog } from '../catalog/index.js';
import { findNeighbors, DEFAULT_NEIGHBORS, type SearchMethod } from './findNeighbors.js';
import type { LibraryEmbeddings } from './embeddingMatrix.js';
import { emptyGraph, type NeighborGraph } from './neighborGraph.js';
import { STORED_SCORE_FLOOR } from './threshold.js';

const fingerprintKey = (modelKey: string): string => `duplicates.neighbors:${modelKey}`;

function fingerprint(lib: LibraryEmbeddings, k: number): string {
  // FNV-1a over the ids: order-sensitive, which matches row order (live() streams in id order).
  let h = 0x811c9dc5;
  for (const id of lib.embeddingIds) {
    h ^= id;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${lib.embeddingIds.length}:${h.toString(16)}:k${k}:f${STORED_SCORE_FLOOR}`;
}

export interface NeighborLoad {
  graph: NeighborGraph;
  /** 'stored' when the lists came from the catalog. */
  source: SearchMethod | 'stored';
  ms: number;
}

function loadStored(catalog: Catalog, lib: LibraryEmbeddings, k: number): NeighborGraph | null {
  const rowOfId = new Map<number, number>();
  lib.embeddingIds.forEach((id, row) => rowOfId.set(id, row));
  const g = emptyGraph(lib.matrix.rows, k);
  const filled = new Uint8Array(lib.matrix.rows);
  let rowsFilled = 0;
  // One query for the whole model; lists of content that is no longer live are skipped.
  for (const [hash, list] of catalog.neighbors.allForModel(lib.modelKey)) {
    const row = lib.rowOfHash.get(hash);
    if (row === undefined || filled[row]) continue;
    let n = 0;
    for (let t = 0; t < list.ids.length && n < k; t++) {
      const other = rowOfId.get(list.ids[t]!);
      if (other === undefined) return null;
      g.ids[row * k + n] = other;
      g.sims[row * k + n] = list.scores[t]!;
      n++;
    }
    g.counts[row] = n;
    filled[row] = 1;
    rowsFilled++;
  }
  return rowsFilled === lib.rowOfHash.size ? g : null;
}

function store(catalog: Catalog, lib: LibraryEmbeddings, g: NeighborGraph, print: string): void {
  catalog.transaction(() => {
    catalog.neighbors.clear(lib.modelKey);
    for (const [hash, row] of lib.rowOfHash) {
      const n = g.counts[row]!;
      const ids = new Uint32Array(n);
      for (let t = 0; t < n; t++) ids[t] = lib.embeddingIds[g.ids[row * g.k + t]!]!;
      catalog.neighbors.put(hash, lib.modelKey, { ids, scores: g.sims.slice(row * g.k, row * g.k + n) });
    }
    catalog.settings.set(fingerprintKey(lib.modelKey), print);
  });
}

export function loadOrFindNeighbors(
  catalog: Catalog,
  lib: LibraryEmbeddings,
  opts: { k?: number; signal?: AbortSignal; readOnly?: boolean } = {},
): NeighborLoad {
  const start = performance.now();
  const k = opts.k ?? DEFAULT_NEIGHBORS;
  const print = fingerprint(lib, k);
  if (catalog.settings.get(fingerprintKey(lib.modelKey)) === print) {
    const stored = loadStored(catalog, lib, k);
    if (stored) return { graph: stored, source: 'stored', ms: performance.now() - start };
  }
  const { graph, method } = findNeighbors(lib.matrix, { k, signal: opts.signal });
  if (!opts.readOnly) store(catalog, lib, graph, print);
  return { graph, source: method, ms: performance.now() - start };
}
