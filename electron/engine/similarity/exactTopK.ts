// Exact all-pairs top-k by a blocked matrix product over unit vectors (cosine = dot product).
// Why hand-written: it is the hot loop for small and medium libraries, it must be exact (the reference the
// approximate index is checked against), and it exploits symmetry (each pair computed once, fed to both rows).
// Blocks of BLOCK rows keep both operands in L2 while a 1×4 micro-kernel reuses each loaded value four times.
import { dotQuery, toFloat32Matrix, type VectorMatrix } from './embeddingMatrix.js';
import { emptyGraph, type NeighborGraph } from './neighborGraph.js';

const BLOCK = 64;

/**
 * Offer neighbour j (similarity s) to row i's bounded min-heap, kept in the graph's own stride (root = worst kept).
 * Rows are heaps until `sortNeighbors` runs; the approximate search fills the graph the same way.
 */
export function offerNeighbor(g: NeighborGraph, i: number, j: number, s: number): void {
  const k = g.k;
  const base = i * k;
  const ids = g.ids;
  const sims = g.sims;
  const n = g.counts[i]!;
  if (n < k) {
    // sift up
    let c = n;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (sims[base + p]! <= s) break;
      sims[base + c] = sims[base + p]!;
      ids[base + c] = ids[base + p]!;
      c = p;
    }
    sims[base + c] = s;
    ids[base + c] = j;
    g.counts[i] = n + 1;
    return;
  }
  if (s <= sims[base]!) return;
  // replace root, sift down
  let c = 0;
  for (;;) {
    const l = 2 * c + 1;
    if (l >= n) break;
    const r = l + 1;
    const m = r < n && sims[base + r]! < sims[base + l]! ? r : l;
    if (sims[base + m]! >= s) break;
    sims[base + c] = sims[base + m]!;
    ids[base + c] = ids[base + m]!;
    c = m;
  }
  sims[base + c] = s;
  ids[base + c] = j;
}

function offerPair(g: NeighborGraph, i: number, j: number, s: number, floor: number): void {
  if (s < floor) return;
  offerNeighbor(g, i, j, s);
  offerNeighbor(g, j, i, s);
}

/** Heap order → best first, for every row (or only `rows`: an update of a few lists in a million skips the rest). */
export function sortNeighbors(g: NeighborGraph, rows?: Iterable<number>): void {
  const pairs: { id: number; sim: number }[] = [];
  for (const i of rows ?? allRows(g.rows)) {
    const base = i * g.k;
    const n = g.counts[i]!;
    pairs.length = 0;
    for (let t = 0; t < n; t++) pairs.push({ id: g.ids[base + t]!, sim: g.sims[base + t]! });
    pairs.sort((a, b) => b.sim - a.sim || a.id - b.id);
    for (let t = 0; t < n; t++) {
      g.ids[base + t] = pairs[t]!.id;
      g.sims[base + t] = pairs[t]!.sim;
    }
  }
}

function* allRows(n: number): Generator<number> {
  for (let i = 0; i < n; i++) yield i;
}

export interface TopKOptions {
  k: number;
  /** Similarities below this are never stored (saves heap work and memory). */
  floor?: number;
  signal?: AbortSignal;
}

/** What the kernels share: the graph they feed, the row-major unit vectors, and the similarity floor. */
interface Kernel {
  g: NeighborGraph;
  data: Float32Array;
  dim: number;
  floor: number;
}

/** Rows i and i+1 against rows [j, jEnd): a 2×4 register tile, six loads feed eight products, then a 2×1 tail. */
function twoRowsAgainst({ g, data, dim, floor }: Kernel, i: number, j: number, jEnd: number): void {
  const a0 = i * dim;
  const a1 = a0 + dim;
  for (; j + 3 < jEnd; j += 4) {
    const b0 = j * dim;
    const b1 = b0 + dim;
    const b2 = b1 + dim;
    const b3 = b2 + dim;
    let s00 = 0, s01 = 0, s02 = 0, s03 = 0, s10 = 0, s11 = 0, s12 = 0, s13 = 0;
    for (let d = 0; d < dim; d++) {
      const x0 = data[a0 + d]!;
      const x1 = data[a1 + d]!;
      const y0 = data[b0 + d]!;
      const y1 = data[b1 + d]!;
      const y2 = data[b2 + d]!;
      const y3 = data[b3 + d]!;
      s00 += x0 * y0; s01 += x0 * y1; s02 += x0 * y2; s03 += x0 * y3;
      s10 += x1 * y0; s11 += x1 * y1; s12 += x1 * y2; s13 += x1 * y3;
    }
    offerPair(g, i, j, s00, floor); offerPair(g, i, j + 1, s01, floor);
    offerPair(g, i, j + 2, s02, floor); offerPair(g, i, j + 3, s03, floor);
    offerPair(g, i + 1, j, s10, floor); offerPair(g, i + 1, j + 1, s11, floor);
    offerPair(g, i + 1, j + 2, s12, floor); offerPair(g, i + 1, j + 3, s13, floor);
  }
  for (; j < jEnd; j++) {
    const b = j * dim;
    let s0 = 0;
    let s1 = 0;
    for (let d = 0; d < dim; d++) {
      const y = data[b + d]!;
      s0 += data[a0 + d]! * y;
      s1 += data[a1 + d]! * y;
    }
    offerPair(g, i, j, s0, floor);
    offerPair(g, i + 1, j, s1, floor);
  }
}

/** Row i against rows [j, jEnd), one dot product at a time (the odd row left over in a block). */
function oneRowAgainst({ g, data, dim, floor }: Kernel, i: number, j: number, jEnd: number): void {
  const a = i * dim;
  for (; j < jEnd; j++) {
    const b = j * dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[a + d]! * data[b + d]!;
    offerPair(g, i, j, s, floor);
  }
}

/** Every pair of block [bi, iEnd) × block [bj, jEnd); on a diagonal block (bi = bj) only pairs with j > i. */
function blockPair(kernel: Kernel, bi: number, iEnd: number, bj: number, jEnd: number): void {
  const { data, dim } = kernel;
  const diagonal = bj === bi;
  let i = bi;
  for (; i + 1 < iEnd; i += 2) {
    if (!diagonal) {
      twoRowsAgainst(kernel, i, bj, jEnd);
      continue;
    }
    // (i, i+1) once; row i+1 then starts at i+2 like row i.
    const a0 = i * dim;
    const a1 = a0 + dim;
    let s = 0;
    for (let d = 0; d < dim; d++) s += data[a0 + d]! * data[a1 + d]!;
    offerPair(kernel.g, i, i + 1, s, kernel.floor);
    twoRowsAgainst(kernel, i, i + 2, jEnd);
  }
  for (; i < iEnd; i++) oneRowAgainst(kernel, i, diagonal ? i + 1 : bj, jEnd);
}

/** Every row's k most similar other rows, exactly. O(n² · dim / 2). */
export function exactTopK(matrix: VectorMatrix, opts: TopKOptions): NeighborGraph {
  const { rows, dim, data } = toFloat32Matrix(matrix);
  const k = Math.max(1, Math.min(opts.k, Math.max(1, rows - 1)));
  const kernel: Kernel = { g: emptyGraph(rows, k), data, dim, floor: opts.floor ?? -Infinity };
  for (let bi = 0; bi < rows; bi += BLOCK) {
    opts.signal?.throwIfAborted();
    const iEnd = Math.min(rows, bi + BLOCK);
    for (let bj = bi; bj < rows; bj += BLOCK) blockPair(kernel, bi, iEnd, bj, Math.min(rows, bj + BLOCK));
  }
  sortNeighbors(kernel.g);
  return kernel.g;
}

/** Top-k rows of `m` for one outside query vector (unit length), best first. */
export function exactQuery(m: VectorMatrix, query: Float32Array, k: number): { id: number; sim: number }[] {
  if (query.length !== m.dim) throw new Error(`query has ${query.length} values, the catalog's vectors have ${m.dim}`);
  // A bounded heap (one graph row) rather than a sorted array of every row: a million-row library stays flat.
  const want = Math.max(0, Math.min(k, m.rows));
  if (want === 0) return [];
  const g = emptyGraph(1, want);
  for (let r = 0; r < m.rows; r++) offerNeighbor(g, 0, r, dotQuery(m, query, r));
  sortNeighbors(g);
  const out: { id: number; sim: number }[] = [];
  for (let t = 0; t < g.counts[0]!; t++) out.push({ id: g.ids[t]!, sim: g.sims[t]! });
  return out;
}
