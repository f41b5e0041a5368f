// Neighbour lists persisted in the catalog, so a new threshold (or a new session) regroups without searching
// again. A fingerprint of the searched rows (their embedding ids, k, floor) says whether the stored lists
// still describe this library exactly. When they do not, the lists that still apply are kept: lists of photos
// that left lose those entries, new photos join the index the full search saved beside the catalog and search
// it (indexedIncremental.ts; without one, the library is searched against them: incrementalTopK.ts), and only
// the lists that changed are written. A full search happens on the first run, when k or the floor changed, or
// when most of the library is new; it saves its index for those updates and search by example (vectorIndexFile.ts).
import type { Catalog } from '../catalog/index.js';
import { findNeighbors, DEFAULT_NEIGHBORS, type SearchMethod } from './findNeighbors.js';
import type { LibraryEmbeddings } from './embeddingMatrix.js';
import { addRowsToGraph } from './incrementalTopK.js';
import { emptyGraph, type NeighborGraph } from './neighborGraph.js';
import { STORED_SCORE_FLOOR, thresholdToCosine } from './threshold.js';
import { addRowsThroughIndex } from './indexedIncremental.js';
import { timed, type NeighborPhases } from './neighborPhases.js';
import { keepSearchIndex, type BuiltIndex } from './vectorIndexFile.js';

export type { NeighborPhases } from './neighborPhases.js';

const fingerprintKey = (modelKey: string): string => `duplicates.neighbors:${modelKey}`;

/** Above this share of rows without a stored list, one full search is cheaper than adding them. */
export const INCREMENTAL_MAX_SHARE = 0.25;

// A calibrated model's scale puts STORED_SCORE_FLOOR at its own cosine (opts.floor); the default keeps its old key.
const searchParams = (k: number, floor?: number): string => (floor === undefined ? `k${k}:f${STORED_SCORE_FLOOR}` : `k${k}:c${floor.toFixed(4)}`);

function fingerprint(lib: LibraryEmbeddings, k: number, floor?: number): string {
  // FNV-1a over the ids: order-sensitive, which matches row order (live() streams in id order).
  let h = 0x811c9dc5;
  for (const id of lib.embeddingIds) {
    h ^= id;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return `${lib.embeddingIds.length}:${h.toString(16)}:${searchParams(k, floor)}`;
}

export interface NeighborLoad {
  graph: NeighborGraph;
  /** 'stored' when the lists came from the catalog as they were; 'incremental' when new rows were added to them. */
  source: SearchMethod | 'stored' | 'incremental';
  ms: number;
  /** Rows searched (all of them for a full search, the new ones for an incremental update, 0 when stored). */
  searched: number;
  /**
   * Where `ms` went, for the benches: reading stored lists, reading the vectors, searching, writing lists and the
   * index (the steps that ran).
   */
  phases: NeighborPhases;
}

interface StoredLists {
  graph: NeighborGraph;
  /** Rows with no stored list (new photos). */
  fresh: number[];
  /** Rows whose stored list named photos no longer searched (those entries were dropped). */
  pruned: number[];
  /** Row of each embedding id (-1: not live). */
  rowOfId: Int32Array;
}

/** Row of each embedding id, as a typed array (ids are dense integers; a Map of a million would cost ~80 MB). */
function rowsOfIds(lib: LibraryEmbeddings): Int32Array {
  let max = 0;
  for (const id of lib.embeddingIds) if (id > max) max = id;
  const rowOfId = new Int32Array(max + 1).fill(-1);
  lib.embeddingIds.forEach((id, row) => (rowOfId[id] = row));
  return rowOfId;
}

function loadStored(catalog: Catalog, lib: LibraryEmbeddings, k: number): StoredLists {
  const rowOfId = rowsOfIds(lib);
  const g = emptyGraph(lib.rows, k);
  const filled = new Uint8Array(lib.rows);
  const pruned: number[] = [];
  // One query for the whole model; lists of content that is no longer live are skipped.
  for (const [hash, list] of catalog.neighbors.allForModel(lib.modelKey)) {
    const row = lib.rowOfHash.get(hash);
    if (row === undefined || filled[row]) continue;
    let n = 0;
    for (let t = 0; t < list.ids.length && n < k; t++) {
      const id = list.ids[t]!;
      const other = id < rowOfId.length ? rowOfId[id]! : -1;
      if (other < 0) continue;
      g.ids[row * k + n] = other;
      g.sims[row * k + n] = list.scores[t]!;
      n++;
    }
    if (n < Math.min(k, list.ids.length)) pruned.push(row);
    g.counts[row] = n;
    filled[row] = 1;
  }
  const fresh: number[] = [];
  for (let r = 0; r < lib.rows; r++) if (!filled[r]) fresh.push(r);
  return { graph: g, fresh, pruned, rowOfId };
}

/** Writes the lists of `rows` (all rows when null, replacing every stored list of the model). */
function store(catalog: Catalog, lib: LibraryEmbeddings, g: NeighborGraph, print: string, rows: ReadonlySet<number> | null): void {
  catalog.transaction(() => {
    if (rows === null) catalog.neighbors.clear(lib.modelKey);
    for (const [hash, row] of lib.rowOfHash) {
      if (rows !== null && !rows.has(row)) continue;
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
  opts: { k?: number; signal?: AbortSignal; readOnly?: boolean; floor?: number } = {},
): NeighborLoad {
  const start = performance.now();
  const phases: NeighborPhases = {};
  const k = opts.k ?? DEFAULT_NEIGHBORS;
  const print = fingerprint(lib, k, opts.floor);
  const previous = catalog.settings.get(fingerprintKey(lib.modelKey));
  const ms = () => performance.now() - start;
  // Lists searched with another k or floor describe other neighbourhoods: never patched, searched again.
  if (previous?.endsWith(`:${searchParams(k, opts.floor)}`)) {
    const stored = timed(phases, 'storedMs', () => loadStored(catalog, lib, k));
    if (previous === print && stored.fresh.length === 0 && stored.pruned.length === 0) return { graph: stored.graph, source: 'stored', ms: ms(), searched: 0, phases };
    if (stored.fresh.length <= lib.rows * INCREMENTAL_MAX_SHARE) {
      const floor = opts.floor ?? thresholdToCosine(STORED_SCORE_FLOOR);
      // Through the saved index when there is one (cost grows with the new rows only), else against the library.
      const changed = timed(phases, 'searchMs', () => addRowsThroughIndex(catalog, lib, stored.graph, stored.fresh, { floor, rowOfId: stored.rowOfId, readOnly: opts.readOnly, signal: opts.signal, phases }))
        ?? addRowsToGraph(timed(phases, 'vectorsMs', () => lib.matrix), stored.graph, stored.fresh, { floor, signal: opts.signal });
      for (const row of stored.pruned) changed.add(row);
      if (!opts.readOnly) timed(phases, 'writeMs', () => store(catalog, lib, stored.graph, print, changed));
      return { graph: stored.graph, source: 'incremental', ms: ms(), searched: stored.fresh.length, phases };
    }
  }
  let built: BuiltIndex | null = null;
  const keepIndex = (b: BuiltIndex) => void (built = b);
  const matrix = timed(phases, 'vectorsMs', () => lib.matrix);
  const { graph, method } = timed(phases, 'searchMs', () => findNeighbors(matrix, { k, signal: opts.signal, keepIndex, ...(opts.floor === undefined ? {} : { floor: opts.floor }) }));
  if (!opts.readOnly) timed(phases, 'writeMs', () => (store(catalog, lib, graph, print, null), keepSearchIndex(catalog, lib, built)));
  return { graph, source: method, ms: ms(), searched: lib.rows, phases };
}
