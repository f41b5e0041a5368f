// New rows into stored neighbour lists through the index the full search saved (vectorIndexFile.ts): the new
// rows join that index, then each searches it once. Each pair found (new–old or new–new) is rescored exactly
// and offered to both rows' lists, the way approxTopK counts a pair from either end. The cost grows with the new
// rows only: no pass over the library and no load of its vectors (at 1M: 1.5 GB read and a million queries
// against an index of the new rows, incrementalTopK.ts's way, which stays the path when there is no saved index).
import { BatchMatches, type Matches } from 'usearch';
import type { Catalog } from '../catalog/index.js';
import { hammingLimit, offerOnce } from './approxTopK.js';
import type { LibraryEmbeddings } from './embeddingMatrix.js';
import { sortNeighbors } from './exactTopK.js';
import { HALF } from './half.js';
import { toHeaps } from './incrementalTopK.js';
import type { NeighborGraph } from './neighborGraph.js';
import { timed, type NeighborPhases } from './neighborPhases.js';
import { secondHopCandidates } from './secondHop.js';
import { encodeQuery, openIndexToExtend, saveExtendedIndex } from './vectorIndexFile.js';

/**
 * Each new row is searched once and nothing searches towards it, so its search is wide: a greedy search can miss
 * a tight family (HNSW's hard case) at the full search's beam, and a few hundred candidates per new row cost
 * little next to one pass over the library. Three seeded 20k libraries + 300 photos (test/cli/scale.test.ts's
 * check): at beam 32 and k + 8 candidates 1 of 900 new photos' near-duplicate lists differed from a full search,
 * at 256 and 4k none in those three, but 1 run in 6 still left an edit without a family member (the index's
 * holes, secondHop.ts): a hop through the best neighbours' stored lists follows the search.
 */
const BEAM = 256;
const CANDIDATES_PER_K = 4;

function dotHalves(a: Uint16Array, b: Uint16Array): number {
  let s = 0;
  for (let d = 0; d < a.length; d++) s += HALF[a[d]!]! * HALF[b[d]!]!;
  return s;
}

/** The half rows of the candidates worth rescoring (live, not clearly below the floor) into `halves`, in one read; their rows. */
function readCandidates(catalog: Catalog, res: Matches | BatchMatches, ids: Uint32Array, halves: Map<number, Uint16Array>, rowOfId: Int32Array, maxHamming: number, dim: number): number[] {
  const wanted: number[] = [];
  for (let i = 0; i < res.keys.length; i++) {
    const id = ids[Number(res.keys[i]!)];
    const live = id !== undefined && id < rowOfId.length && rowOfId[id]! >= 0;
    if (live && res.distances[i]! <= maxHamming && !halves.has(id)) wanted.push(id);
  }
  for (const [id, row] of catalog.embeddings.halves.rows(wanted, dim)) halves.set(id, row);
  return wanted.map((id) => rowOfId[id]!);
}

/** The rows the new rows' best neighbours list (secondHop.ts): read, made heaps, rescored and offered. */
function secondHop(catalog: Catalog, lib: LibraryEmbeddings, g: NeighborGraph, rows: readonly number[], ctx: { halves: Map<number, Uint16Array>; touched: Set<number>; dim: number; offer: (r: number, other: number) => void }): void {
  const hops = secondHopCandidates(g, rows);
  const wanted = new Set<number>();
  const fresh = new Set<number>();
  for (const list of hops.values()) {
    for (const c of list) {
      if (!ctx.halves.has(lib.embeddingIds[c]!)) wanted.add(lib.embeddingIds[c]!);
      if (!ctx.touched.has(c)) (fresh.add(c), ctx.touched.add(c));
    }
  }
  for (const [id, row] of catalog.embeddings.halves.rows(wanted, ctx.dim)) ctx.halves.set(id, row);
  toHeaps(g, fresh);
  for (const [r, list] of hops) for (const c of list) ctx.offer(r, c);
}

export interface IndexedAddOptions {
  floor: number;
  /** Row of each embedding id (-1: not live). */
  rowOfId: Int32Array;
  /** Leave the saved index as it was (a read-only run). */
  readOnly?: boolean;
  signal?: AbortSignal | undefined;
  /** Told the time spent reading and writing the saved index. */
  phases?: NeighborPhases;
}

/**
 * Adds `fresh` rows (their lists empty in `g`, the others' sorted) through the saved index; returns every row
 * whose list changed, `g` sorted again. Null when the catalog has no saved index (nothing is changed then).
 */
export function addRowsThroughIndex(catalog: Catalog, lib: LibraryEmbeddings, g: NeighborGraph, fresh: readonly number[], opts: IndexedAddOptions): Set<number> | null {
  const phases = opts.phases ?? {};
  const saved = fresh.length > 0 ? timed(phases, 'indexReadMs', () => openIndexToExtend(catalog, lib.modelKey, BEAM)) : null;
  if (!saved) return null;
  const dim = saved.meta.dim;
  // Half rows by embedding id, read in batches (one statement each): the new rows', then their candidates'.
  const halves = catalog.embeddings.halves.rows(fresh.map((r) => lib.embeddingIds[r]!), dim);
  const half = (row: number): Uint16Array | null => halves.get(lib.embeddingIds[row]!) ?? null;
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
  const want = Math.min(ids.length, CANDIDATES_PER_K * g.k);
  // One batch call: usearch spreads the queries over all cores.
  const res = rows.length > 0 ? saved.index.search(encoded, want, 0) : null;
  const found = res instanceof BatchMatches ? res : null;
  const stride = found ? found.k : want;
  // Candidates clearly below the floor are not read from the catalog.
  const maxHamming = hammingLimit(dim, opts.floor, saved.meta.binary);
  // Only the lists a pair can reach become heaps and are sorted again: two passes over a million lists cost more
  // than the search.
  const touched = new Set<number>(rows);
  if (res) for (const row of readCandidates(catalog, res, ids, halves, opts.rowOfId, maxHamming, dim)) touched.add(row);
  toHeaps(g, touched);
  const offer = (r: number, other: number) => {
    const b = other < 0 || other === r ? null : half(other);
    if (!b) return;
    const s = dotHalves(half(r)!, b);
    if (s < opts.floor) return;
    if (offerOnce(g, r, other, s)) changed.add(r);
    if (offerOnce(g, other, r, s)) changed.add(other);
  };
  rows.forEach((r, i) => {
    const count = found ? Number(found.counts[i]) : res!.keys.length;
    for (let t = 0; t < count; t++) {
      if (res!.distances[i * stride + t]! > maxHamming) continue;
      const id = ids[Number(res!.keys[i * stride + t]!)];
      offer(r, id === undefined || id >= opts.rowOfId.length ? -1 : opts.rowOfId[id]!);
    }
  });
  secondHop(catalog, lib, g, rows, { halves, touched, dim, offer });
  sortNeighbors(g, touched);
  if (!opts.readOnly) timed(phases, 'indexWriteMs', () => saveExtendedIndex(catalog, saved));
  return changed;
}
