// One hop through the stored neighbour lists, after an HNSW search. A graph index has holes where photos come in
// tight families: its link pruning keeps few edges into a cluster whose members sit closer to each other than to
// anything outside, so a greedy search that reaches one member can stop short of the others (at 20k, ~1 run in 6
// left a new edit without one of its family, and a search by example without a family member, at any beam). The
// stored lists were rescored exactly and found from both ends of every pair, so the best few neighbours' lists
// hold the rest of the family: reading them completes it for a few dozen extra rescored rows per query.
import type { NeighborGraph } from './neighborGraph.js';

/** Neighbours whose lists are read, and entries taken from each: ≤ 32 extra candidates per query row. */
export const SECOND_HOP_SEEDS = 4;
export const SECOND_HOP_PER_SEED = 8;

/** Entry offsets of row's list, best first, at most `limit` (lists may be heaps or sorted: sorted here). */
function bestEntries(g: NeighborGraph, row: number, limit: number): number[] {
  const base = row * g.k;
  const offsets = Array.from({ length: g.counts[row]! }, (_, t) => base + t);
  offsets.sort((a, b) => g.sims[b]! - g.sims[a]!);
  return offsets.slice(0, limit);
}

/**
 * For each row, the rows its best neighbours list that it does not list itself (not itself either): the pairs a
 * second hop would rescore. Works on heap-ordered or sorted lists alike; reads `g` only.
 */
export function secondHopCandidates(g: NeighborGraph, rows: Iterable<number>): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const idsOf = (row: number, limit: number) => bestEntries(g, row, limit).map((o) => g.ids[o]!);
  for (const r of rows) {
    const listed = idsOf(r, g.k);
    const found = secondHopIds(listed, (s) => idsOf(s, SECOND_HOP_PER_SEED), new Set([r, ...listed]));
    if (found.length > 0) out.set(r, found);
  }
  return out;
}

/**
 * The hop itself: the ids the best hits' lists (best first) name, from the first SECOND_HOP_SEEDS hits and the
 * first SECOND_HOP_PER_SEED entries of each, less those known. An outside query reads the lists from the catalog.
 */
export function secondHopIds(best: readonly number[], listOf: (id: number) => ArrayLike<number> | null, known: ReadonlySet<number>): number[] {
  const seen = new Set(known);
  const found: number[] = [];
  for (const id of best.slice(0, SECOND_HOP_SEEDS)) {
    const list = listOf(id);
    if (!list) continue;
    for (let t = 0; t < Math.min(list.length, SECOND_HOP_PER_SEED); t++) {
      const c = list[t]!;
      if (!seen.has(c)) (seen.add(c), found.push(c));
    }
  }
  return found;
}
