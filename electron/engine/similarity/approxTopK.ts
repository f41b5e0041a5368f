// Approximate all-pairs top-k through usearch's HNSW index (native, multi-threaded, SIMD), for libraries where
// the exact O(n²) product would take too long. The index only proposes candidates: every similarity stored is
// recomputed exactly from the f32 matrix, so quantisation costs recall, never accuracy.
//
// Default for wide embeddings: binary codes (the sign of each mean-centred coordinate, compared by Hamming
// distance) with k + 4 candidates per row rescored exactly, the usual "binary quantisation + rescoring" recipe.
// A 768-d code is 96 bytes and a distance is 12 popcounts, so the graph build and search cost a fraction of i8's:
// on the 100k-row bench (bench/grouping.ts, same run) b1 took 15–17 s where i8 with the same graph took 47 s.
// Narrow vectors keep i8: a code of a few dozen bits ties too often to rank neighbours. Sign codes order close
// pairs well and near-orthogonal ones barely at all, which is fine: only pairs above the stored floor are kept.
//
// Tight, isolated photo families are HNSW's hard case (nothing leads a greedy search towards an island), so a
// pair found from either end counts for both rows: on the bench this lifted recall@16 from 0.90 to 0.96–0.98 for free.
import { BatchMatches, Index, MetricKind, ScalarKind, type Matches } from 'usearch';
import { dotQuery, isHalf, rowInto, type VectorMatrix } from './embeddingMatrix.js';
import { offerNeighbor, sortNeighbors, type TopKOptions } from './exactTopK.js';
import { emptyGraph, type NeighborGraph } from './neighborGraph.js';
import type { BuiltIndex } from './vectorIndexFile.js';

export type Quantization = 'f32' | 'f16' | 'i8' | 'b1';

/** Narrowest embedding whose binary code ranks neighbours well enough; narrower ones default to i8. */
export const BINARY_MIN_DIM = 256;

export interface ApproxOptions extends TopKOptions {
  /** 'b1' for dim ≥ BINARY_MIN_DIM, else 'i8', when omitted. */
  quantization?: Quantization;
  /** HNSW graph degree (default 16). */
  connectivity?: number;
  /** Beam width while building; higher = better graph, slower. */
  expansionAdd?: number;
  /** Beam width while searching; higher = better recall, slower. */
  expansionSearch?: number;
  /** Candidates fetched per row before exact rescoring (default k + 4 for b1, k + 1 otherwise). */
  candidates?: number;
  /** Native threads; 0 = all cores. */
  threads?: number;
  /** Handed the built index (keys are rows), for a caller that keeps it (vectorIndexFile.ts). */
  keep?: (built: BuiltIndex) => void;
}

/**
 * Graph settings, measured side by side in bench/grouping.ts on 100k clustered 768-d rows (b1, reverse pairs):
 * build beam 64 → 15.0 s, recall@16 0.939; 80 → 15.0 s, 0.968; 96 → 16.7 s, 0.986.
 * On the ViT-shaped library of bench/scale.ts (100k rows, families of 2–5, CPU seconds of the whole search, one
 * run each): beams 96/64 and 2k candidates 45 s, family recall 0.9999; 64/48 and 24 candidates 36 s, 0.9997;
 * 48/32 and 20 candidates 26 s, 0.9997. A million rows took 528 s at 96/64: the lighter search pass (the larger
 * share of the time) and the 64 build beam trade recall@16 of big clusters for the first run at scale.
 * Then, the same 100k library, each setting in its own process, CPU seconds of build / search (graph degree,
 * build beam, search beam → family pair recall): 16/64/32 26.0 / 23.4 → 0.99991; 12/48/24 19.2 / 17.1 → 0.9989;
 * 16/32/24 14.9 / 20.5 → 0.9987; 10/40/32 14.9 / 20.7 → 0.9979; 8/64/32 17.2 / 16.6 → 0.9968; 8/32/24 12.9 / 18.4
 * → 0.9908. The HNSW work grows with the degree (every link added re-prunes a neighbour's list) and the beams;
 * 12/48/24 took a quarter off both passes for a thousandth of the family pairs, which grouping's transitive
 * joins mostly recover (bench/scale.ts measures family recall on the groups).
 */
export const APPROX_DEFAULTS = { connectivity: 12, expansionAdd: 48, expansionSearch: 24 } as const;

/** Candidates per row for sign codes: the k kept plus a few spare for the pairs the rescoring drops. */
const BINARY_SPARE = 4;

/** Rows per add/search call: bounds the centred-code buffer and lets a cancel land within one chunk. */
const CHUNK = 8192;

/**
 * Hamming slack (fraction of the bits) above the distance a pair at the floor would show. A sign code estimates
 * the angle as π·(differing bits / bits); the slack (≥ 4.5σ of that estimate at 256 bits) keeps every plausible
 * pair and skips the exact rescoring of the clearly unrelated candidates.
 */
const HAMMING_SLACK = 0.12;

const SCALAR: Record<Quantization, ScalarKind> = { f32: ScalarKind.F32, f16: ScalarKind.F16, i8: ScalarKind.I8, b1: ScalarKind.B1 };

/** Column means: centring before taking signs keeps each bit informative when embeddings share an offset. */
export function columnMeans(m: VectorMatrix): Float32Array {
  const sums = new Float64Array(m.dim);
  const row = new Float32Array(m.dim);
  for (let r = 0; r < m.rows; r++) {
    rowInto(m, r, row);
    for (let d = 0; d < m.dim; d++) sums[d]! += row[d]!;
  }
  const means = new Float32Array(m.dim);
  for (let d = 0; d < m.dim; d++) means[d] = sums[d]! / Math.max(1, m.rows);
  return means;
}

/** Rows [start, end) as the index wants them: centred for binary codes (usearch keeps the bits of x > 0), as-is otherwise. */
export function rowEncoder(m: VectorMatrix, binary: boolean, means: Float32Array | null = binary ? columnMeans(m) : null): (start: number, end: number) => Float32Array {
  if (!means && !isHalf(m)) return (start, end) => m.data.subarray(start * m.dim, end * m.dim);
  const buffer = new Float32Array(Math.min(CHUNK, m.rows) * m.dim);
  return (start, end) => {
    const out = buffer.subarray(0, (end - start) * m.dim);
    for (let r = start; r < end; r++) {
      const dst = (r - start) * m.dim;
      rowInto(m, r, out, dst);
      if (means) for (let d = 0; d < m.dim; d++) out[dst + d]! -= means[d]!;
    }
    return out;
  };
}

/** A pair can be found from both ends: skip it when already listed (scanned only when it would enter the heap). */
export function offerOnce(g: NeighborGraph, i: number, j: number, s: number): boolean {
  const base = i * g.k;
  const n = g.counts[i]!;
  if (n === g.k && s <= g.sims[base]!) return false;
  for (let t = 0; t < n; t++) if (g.ids[base + t] === j) return false;
  offerNeighbor(g, i, j, s);
  return true;
}

/**
 * Rows are queried in order, so a row `id` < `r` was queried already; when its list holds `r`, the pair was
 * offered to both rows then, and offering it again changes nothing (r's heap floor only rose since). A scan of k
 * ids instead of a 768-d product: most close pairs are found from both ends.
 */
function offeredFrom(g: NeighborGraph, id: number, r: number): boolean {
  if (id >= r) return false;
  const base = id * g.k;
  const n = g.counts[id]!;
  for (let t = 0; t < n; t++) if (g.ids[base + t] === r) return true;
  return false;
}

/** The Hamming distance of sign codes beyond which a pair is clearly below the cosine floor (not rescored). */
export function hammingLimit(dim: number, floor: number, binary: boolean): number {
  if (!binary || !Number.isFinite(floor)) return Infinity;
  return Math.ceil(dim * (Math.acos(Math.max(-1, Math.min(1, floor))) / Math.PI + HAMMING_SLACK));
}

export interface SearchOfferOptions {
  want: number;
  threads: number;
  floor: number;
  maxHamming: number;
  signal?: AbortSignal | undefined;
  /** Told each row whose list took a pair. */
  onChanged?: (row: number) => void;
}

/**
 * Every row of `m` searched against `index` in chunks; each candidate pair is rescored exactly and, at or above
 * the floor, offered to both rows' lists (so a pair found from either end counts). The full search and the
 * incremental update both run this.
 */
export function searchAndOffer(m: VectorMatrix, g: NeighborGraph, index: Index, encode: (start: number, end: number) => Float32Array, o: SearchOfferOptions): void {
  // The query row decoded once: each rescoring is then one table lookup per coordinate, not two.
  const query = new Float32Array(m.dim);
  for (let start = 0; start < m.rows; start += CHUNK) {
    o.signal?.throwIfAborted();
    const end = Math.min(m.rows, start + CHUNK);
    // The typings say Matches for a flat vector; a multi-row buffer actually yields BatchMatches.
    const res: Matches | BatchMatches = index.search(encode(start, end), o.want, o.threads);
    const batch = res instanceof BatchMatches ? res : null;
    const stride = batch ? batch.k : o.want;
    for (let r = start; r < end; r++) {
      const q = r - start;
      const found = batch ? Number(batch.counts[q]) : res.keys.length;
      rowInto(m, r, query);
      for (let t = 0; t < found; t++) {
        const id = Number(res.keys[q * stride + t]!);
        if (id === r || res.distances[q * stride + t]! > o.maxHamming || offeredFrom(g, id, r)) continue;
        const s = dotQuery(m, query, id);
        if (s < o.floor) continue;
        if (offerOnce(g, r, id, s)) o.onChanged?.(r);
        if (offerOnce(g, id, r, s)) o.onChanged?.(id);
      }
    }
  }
}

/** Every row's k nearest other rows, approximately (HNSW candidates, exact similarities). */
export function approxTopK(m: VectorMatrix, opts: ApproxOptions): NeighborGraph {
  const k = Math.max(1, Math.min(opts.k, Math.max(1, m.rows - 1)));
  const floor = opts.floor ?? -Infinity;
  const g = emptyGraph(m.rows, k);
  if (m.rows < 2) return g;
  const quantization = opts.quantization ?? (m.dim >= BINARY_MIN_DIM ? 'b1' : 'i8');
  const binary = quantization === 'b1';
  // One extra slot: a row usually finds itself first.
  const want = Math.min(m.rows, Math.max(k + 1, opts.candidates ?? (binary ? k + BINARY_SPARE : k + 1)));
  const threads = opts.threads ?? 0;
  const index = new Index({
    dimensions: m.dim,
    // Cos rather than ip for the scalar kinds: usearch's i8 kernels rescale per vector, which only cos accounts for.
    metric: binary ? MetricKind.Hamming : MetricKind.Cos,
    quantization: SCALAR[quantization],
    connectivity: opts.connectivity ?? APPROX_DEFAULTS.connectivity,
    expansion_add: opts.expansionAdd ?? APPROX_DEFAULTS.expansionAdd,
    expansion_search: Math.max(opts.expansionSearch ?? APPROX_DEFAULTS.expansionSearch, want),
    multi: false,
  });
  const means = binary ? columnMeans(m) : null;
  const encode = rowEncoder(m, binary, means);
  for (let start = 0; start < m.rows; start += CHUNK) {
    opts.signal?.throwIfAborted();
    const end = Math.min(m.rows, start + CHUNK);
    const keys = new BigUint64Array(end - start);
    for (let r = start; r < end; r++) keys[r - start] = BigInt(r);
    index.add(keys, encode(start, end), threads);
  }
  searchAndOffer(m, g, index, encode, { want, threads, floor, maxHamming: hammingLimit(m.dim, floor, binary), signal: opts.signal });
  sortNeighbors(g);
  opts.keep?.({ index, binary, means });
  return g;
}
