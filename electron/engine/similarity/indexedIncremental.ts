// New rows into stored neighbour lists through the index the full search saved (vectorIndexFile.ts): the new
// rows join that index, then each searches it once. Each pair found (new–old or new–new) is rescored exactly
// and offered to both rows' lists, the way approxTopK counts a pair from either end. The cost grows with the new
// rows only: no pass over the library and no load of its vectors (at 1M: 1.5 GB read and a million queries
// against an index of the new rows, incrementalTopK.ts's way, which stays the path when there is no saved index).
import type { Catalog } from '../catalog/index.js';
import { offerOnce } from './approxTopK.js';
import type { LibraryEmbeddings } from './embeddingMatrix.js';
import { sortNeighbors } from './exactTopK.js';
import { HALF } from './half.js';
import { toHeaps } from './incrementalTopK.js';
import type { NeighborGraph } from './neighborGraph.js';
import { encodeQuery, openIndexToExtend, saveExtendedIndex } from './vectorIndexFile.js';

/**
 * Each new row is searched once and nothing searches towards it, so its search is wide: a greedy search can miss
 * a tight family (HNSW's hard case) at the full search's beam, and a few hundred candidates per new row cost
 * little next to one pass over the library. Three seeded 20k libraries + 300 photos (test/cli/scale.test.ts's
 * check): at beam 32 and k + 8 candidates 1 of 900 new photos' near-duplicate lists differed from a full search,
 * at 256 and 4k none.
 */
const BEAM = 256;
const CANDIDATES_PER_K = 4;

function dotHalves(a: Uint16Array, b: Uint16Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += HALF[a[d]!]! * HALF[b[d]!]!;
  return s;
}

export interface IndexedAddOptions {
  floor: number;
  /** Row of each embedding id (-1: not live). */
  rowOfId: Int32Array;
  /** Leave the saved index as it was (a read-only run). */
  readOnly?: boolean;
  signal?: AbortSignal | undefined;
}

/**
 * Adds `fresh` rows (their lists empty in `g`, the others' sorted) through the saved index; returns every row
 * whose list changed, `g` sorted again. Null when the catalog has no saved index (nothing is changed then).
 */
export function addRowsThroughIndex(catalog: Catalog, lib: LibraryEmbeddings, g: NeighborGraph, fresh: readonly number[], opts: IndexedAddOptions): Set<number> | null {
  const saved = fresh.length > 0 ? openIndexToExtend(catalog, lib.modelKey, BEAM) : null;
  if (!saved) return null;
  const dim = saved.meta.dim;
  const halves = new Map<number, Uint16Array | null>();
  const half = (row: number): Uint16Array | null => {
    if (!halves.has(row)) halves.set(row, catalog.embeddings.halves.row(lib.embeddingIds[row]!, dim));
    return halves.get(row)!;
  };
  const rows = fresh.filter((r) => half(r) !== null);
  const encoded = new Float32Array(rows.length * dim);
  const keys = new BigUint64Array(rows.length);
  const ids = new Uint32Array(saved.ids.length + rows.length);
  ids.set(saved.ids);
  rows.forEach((r, i) => {
    const unit = Float32Array.from(half(r)!, (h) => HALF[h]!);
    encoded.set(encodeQuery(saved.meta, unit), i * dim);
    keys[i] = BigInt(saved.ids.length + i);
    ids[saved.ids.length + i] = lib.embeddingIds[r]!;
  });
  if (rows.length > 0) saved.index.add(keys, encoded, 0);
  saved.ids = ids;
  opts.signal?.throwIfAborted();
  const changed = new Set<number>(fresh);
  toHeaps(g);
  const want = Math.min(ids.length, CANDIDATES_PER_K * g.k);
  rows.forEach((r, i) => {
    const res = saved.index.search(encoded.subarray(i * dim, (i + 1) * dim), want, 0);
    for (const key of res.keys) {
      const id = ids[Number(key)];
      const other = id === undefined || id >= opts.rowOfId.length ? -1 : opts.rowOfId[id]!;
      const b = other < 0 || other === r ? null : half(other);
      if (!b) continue;
      const s = dotHalves(half(r)!, b);
      if (s < opts.floor) continue;
      if (offerOnce(g, r, other, s)) changed.add(r);
      if (offerOnce(g, other, r, s)) changed.add(other);
    }
  });
  sortNeighbors(g);
  if (!opts.readOnly) saveExtendedIndex(catalog, saved);
  return changed;
}
