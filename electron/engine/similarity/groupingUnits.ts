// What the grouper derives once per grouping state from its units (their embedding rows, the pairs of units the
// user's "not a duplicate" marks keep apart), and the neighbour lists read unit to unit.
import type { HashedFile } from './hashClasses.js';
import type { UnitEntries } from './greedyPass.js';
import type { NeighborGraph } from './neighborGraph.js';

/** Each unit's embedding row (its files share pixels, hence the embedding), and each row's unit; -1 where none. */
export function unitRows<F extends HashedFile>(
  files: readonly F[],
  unitFiles: readonly number[][],
  rowOfHash: ReadonlyMap<string, number>,
  rows: number,
): { rowOfUnit: Int32Array; unitOfRow: Int32Array } {
  const rowOfUnit = new Int32Array(unitFiles.length).fill(-1);
  const unitOfRow = new Int32Array(rows).fill(-1);
  unitFiles.forEach((list, u) => {
    for (const f of list) {
      const row = rowOfHash.get(files[f]!.contentHash);
      if (row === undefined || row < 0 || row >= rows) continue;
      unitOfRow[row] = u;
      if (rowOfUnit[u] === -1) rowOfUnit[u] = row;
    }
  });
  return { rowOfUnit, unitOfRow };
}

/** For each unit, the units it must never share an embedding-tier group with (the "not a duplicate" marks). */
export function blockedUnits(files: readonly HashedFile[], unitOf: Int32Array, notDuplicate: readonly (readonly [string, string])[]): Map<number, Set<number>> {
  const blocked = new Map<number, Set<number>>();
  if (notDuplicate.length === 0) return blocked;
  // Only the marked contents' files: a map of every content of a million-file library would cost a second.
  const marked = new Set(notDuplicate.flat());
  const filesOfHash = new Map<string, number[]>();
  files.forEach((f, i) => {
    if (!marked.has(f.contentHash)) return;
    const list = filesOfHash.get(f.contentHash);
    if (list) list.push(i);
    else filesOfHash.set(f.contentHash, [i]);
  });
  const block = (a: number, b: number): void => {
    if (!blocked.has(a)) blocked.set(a, new Set());
    blocked.get(a)!.add(b);
  };
  for (const [a, b] of notDuplicate) {
    for (const fa of filesOfHash.get(a) ?? []) {
      for (const fb of filesOfHash.get(b) ?? []) {
        const ua = unitOf[fa]!;
        const ub = unitOf[fb]!;
        if (ua === ub) continue; // identical pixels: a fact, not an opinion (rotated copies honour the mark in hashUnits).
        block(ua, ub);
        block(ub, ua);
      }
    }
  }
  return blocked;
}

/**
 * The neighbour lists seen unit to unit (a unit's list is its first row's; the rows of its other files map to it):
 * the similarity of two units, and whom a unit's list names above a cut. Read in place from the graph, no copy: a
 * million lists of k entries would be a second graph.
 */
export class UnitNeighbors {
  /** seen[v] === stamp: v is on the list being collected. */
  private readonly seen: Int32Array;
  private stamp = 0;

  constructor(
    private readonly graph: NeighborGraph | null,
    private readonly rowOfUnit: Int32Array,
    private readonly unitOfRow: Int32Array,
  ) {
    this.seen = new Int32Array(rowOfUnit.length);
  }

  /** Similarity of two units from either one's list (u's first), or -Infinity when neither lists the other. */
  listedSim(u: number, v: number): number {
    const graph = this.graph;
    if (!graph) return Number.NEGATIVE_INFINITY;
    const sim = this.simIn(graph, u, v);
    return sim !== Number.NEGATIVE_INFINITY ? sim : this.simIn(graph, v, u);
  }

  /** b's similarity on a's list (its first entry), -Infinity when a has no list or it does not name b. */
  private simIn(graph: NeighborGraph, a: number, b: number): number {
    const row = this.rowOfUnit[a]!;
    if (row < 0) return Number.NEGATIVE_INFINITY;
    const base = row * graph.k;
    const end = base + graph.counts[row]!;
    for (let n = base; n < end; n++) if (this.unitOfRow[graph.ids[n]!] === b) return graph.sims[n]!;
    return Number.NEGATIVE_INFINITY;
  }

  /**
   * Appends the eligible units u's list names at similarity ≥ cut (best first, each once at its best, u itself
   * dropped) that are not on `lists` from `from` on already (what u's fingerprint matched).
   */
  collect(u: number, cut: number, eligible: Uint8Array, lists: UnitEntries, from: number): void {
    const graph = this.graph;
    const row = this.rowOfUnit[u]!;
    if (!graph || row < 0 || graph.counts[row] === 0 || graph.sims[row * graph.k]! < cut) return;
    const seen = this.seen;
    if (++this.stamp === 0x7fffffff) seen.fill(0), (this.stamp = 1);
    const stamp = this.stamp;
    for (let i = from; i < lists.size; i++) seen[lists.unit[i]!] = stamp;
    const base = row * graph.k;
    const end = base + graph.counts[row]!;
    for (let n = base; n < end; n++) {
      const sim = graph.sims[n]!;
      if (sim < cut) break; // lists are sorted best first
      const v = this.unitOfRow[graph.ids[n]!]!;
      if (v < 0 || v === u || !eligible[v] || seen[v] === stamp) continue;
      seen[v] = stamp;
      lists.push(v, sim, 0);
    }
  }
}
