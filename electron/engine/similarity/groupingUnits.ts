// What the grouper derives once per grouping state from its units (their embedding rows, the pairs of units the
// user's "not a duplicate" marks keep apart), and the count of a unit's listed neighbours above a cut.
import type { HashedFile } from './hashClasses.js';
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
 * How many distinct eligible units (not u, not in `skip`) u's neighbour list names at similarity ≥ cut: the
 * grouper's candidate count, with no list built (most units of a library have none).
 */
export function countListedUnits(
  graph: NeighborGraph,
  rowOfUnit: Int32Array,
  unitOfRow: Int32Array,
  q: { u: number; cut: number; eligible: Uint8Array; skip: ReadonlySet<number> | null },
): number {
  const row = rowOfUnit[q.u]!;
  if (row < 0) return 0;
  const base = row * graph.k;
  let count = 0;
  for (let n = 0; n < graph.counts[row]!; n++) {
    if (graph.sims[base + n]! < q.cut) break; // lists are sorted best first
    const v = unitOfRow[graph.ids[base + n]!]!;
    if (v < 0 || v === q.u || !q.eligible[v] || q.skip?.has(v)) continue;
    // An earlier entry of the same unit was counted already (it passed the same tests, at a higher similarity).
    let seen = false;
    for (let p = 0; p < n && !seen; p++) seen = unitOfRow[graph.ids[base + p]!] === v;
    if (!seen) count++;
  }
  return count;
}
