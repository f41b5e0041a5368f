// Top-k neighbour lists with a fixed stride: row i's neighbours are ids/sims[i*k .. i*k + counts[i]), best first.
// Stored once per scan, they let a threshold change regroup in milliseconds: grouping only reads these lists.

export interface NeighborGraph {
  rows: number;
  /** Stride: the most neighbours kept per row. */
  k: number;
  counts: Uint16Array;
  ids: Int32Array;
  sims: Float32Array;
}

export function emptyGraph(rows: number, k: number): NeighborGraph {
  return {
    rows,
    k,
    counts: new Uint16Array(rows),
    ids: new Int32Array(rows * k).fill(-1),
    sims: new Float32Array(rows * k),
  };
}

export interface Neighbor {
  id: number;
  sim: number;
}

export function neighborsOf(g: NeighborGraph, row: number): Neighbor[] {
  const out: Neighbor[] = [];
  const base = row * g.k;
  for (let n = 0; n < g.counts[row]!; n++) out.push({ id: g.ids[base + n]!, sim: g.sims[base + n]! });
  return out;
}

/** Write one row's list (sorted here, best first, self and below-floor entries dropped). */
export function setNeighbors(g: NeighborGraph, row: number, list: readonly Neighbor[], floor: number): void {
  const kept = list.filter((n) => n.id !== row && n.sim >= floor).sort((a, b) => b.sim - a.sim || a.id - b.id);
  const base = row * g.k;
  const count = Math.min(g.k, kept.length);
  for (let n = 0; n < count; n++) {
    g.ids[base + n] = kept[n]!.id;
    g.sims[base + n] = kept[n]!.sim;
  }
  g.counts[row] = count;
}

/** The similarity of a and b when either lists the other (the exact cosine stored with the pair), else null. */
export function listedSimilarity(g: NeighborGraph, a: number, b: number): number | null {
  for (const [from, to] of [[a, b], [b, a]] as const) {
    const base = from * g.k;
    for (let n = 0; n < g.counts[from]!; n++) if (g.ids[base + n] === to) return g.sims[base + n]!;
  }
  return null;
}
