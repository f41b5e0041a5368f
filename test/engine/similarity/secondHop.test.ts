// The hop through stored lists that completes a family an HNSW search stopped short of (secondHop.ts). The real
// path is covered end to end by test/cli/scale.test.ts (new edits and search by example at 20k); here the rule
// itself: which rows a hop proposes, from heap-ordered and sorted lists alike, and what it leaves out.
import { describe, expect, it } from 'vitest';
import { emptyGraph, type NeighborGraph } from '../../../electron/engine/similarity/neighborGraph.js';
import { SECOND_HOP_PER_SEED, SECOND_HOP_SEEDS, secondHopCandidates, secondHopIds } from '../../../electron/engine/similarity/secondHop.js';

function graphOf(rows: number, k: number, lists: Record<number, [id: number, sim: number][]>): NeighborGraph {
  const g = emptyGraph(rows, k);
  for (const [row, list] of Object.entries(lists)) {
    list.forEach(([id, sim], t) => {
      g.ids[Number(row) * k + t] = id;
      g.sims[Number(row) * k + t] = sim;
    });
    g.counts[Number(row)] = list.length;
  }
  return g;
}

describe('second hop through the neighbour lists', () => {
  it("proposes the family members a row's neighbours list and it does not, never itself", () => {
    // Row 0 (new) found only 1; 1 lists its family 2 and 3, and 0; 2 lists 1 and 3 in heap (ascending) order.
    const g = graphOf(6, 4, { 0: [[1, 0.97]], 1: [[2, 0.99], [3, 0.98], [0, 0.97]], 2: [[3, 0.96], [1, 0.99]], 3: [], 4: [[5, 0.9]], 5: [[4, 0.9]] });
    const hops = secondHopCandidates(g, [0, 4]);
    expect(hops.get(0)).toEqual([2, 3]);
    // 4 lists 5 already and 5 lists only 4: nothing to add.
    expect(hops.has(4)).toBe(false);
  });

  it("reads only the best seeds' best entries, whatever order the lists are in", () => {
    const k = 16;
    const rows = 1 + k + k * k;
    // Row 0 lists 16 rows with falling scores, stored worst first (a heap); each of those lists 16 rows of its own.
    const lists: Record<number, [number, number][]> = { 0: Array.from({ length: k }, (_, t) => [1 + t, 0.5 + t / 100] as [number, number]) };
    for (let s = 1; s <= k; s++) lists[s] = Array.from({ length: k }, (_, t) => [1 + k + (s - 1) * k + t, 0.99 - t / 100] as [number, number]);
    const hops = secondHopCandidates(graphOf(rows, k, lists), [0]).get(0)!;
    expect(hops).toHaveLength(SECOND_HOP_SEEDS * SECOND_HOP_PER_SEED);
    // The best seeds are 16, 15, 14, 13 (highest scores), and from each its first entries.
    const seeds = new Set(hops.map((c) => 1 + Math.floor((c - 1 - k) / k)));
    expect([...seeds].sort((a, b) => b - a)).toEqual([16, 15, 14, 13]);
    for (const c of hops) expect((c - 1 - k) % k).toBeLessThan(SECOND_HOP_PER_SEED);
  });

  it('for an outside query: ids from the best hits\' stored lists, less the ones already scored', () => {
    const stored = new Map<number, number[]>([[10, [11, 12, 13]], [11, [10, 14]], [20, [21]]]);
    const found = secondHopIds([10, 11, 99], (id) => stored.get(id) ?? null, new Set([10, 11, 12]));
    expect(found).toEqual([13, 14]);
  });
});
