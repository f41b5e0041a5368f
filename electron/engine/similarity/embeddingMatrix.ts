// Embeddings packed row-major as unit vectors, so similarity is a plain dot product. Two layouts: float32 (tests,
// small sets, the tuned exact kernels) and half precision (the library's own vectors: a million 768-d rows in
// 1.5 GB instead of 3 GB). Code that serves both goes through dotRows / dotQuery / rowInto.
import { HALF, toHalfBits } from './half.js';

export interface EmbeddingMatrix {
  /** rows × dim values, each row unit length (or all zeros for a zero vector). */
  data: Float32Array;
  rows: number;
  dim: number;
}

/** Normalise one row in place; a zero row stays zero so it matches nothing. */
function normalizeRow(data: Float32Array, offset: number, dim: number): void {
  let s = 0;
  for (let d = 0; d < dim; d++) {
    const v = data[offset + d]!;
    s += v * v;
  }
  if (s === 0 || !Number.isFinite(s)) {
    data.fill(0, offset, offset + dim);
    return;
  }
  const inv = 1 / Math.sqrt(s);
  for (let d = 0; d < dim; d++) data[offset + d] = data[offset + d]! * inv;
}

/** Pack vectors (all the same length) into a normalised matrix. */
export function packEmbeddings(vectors: readonly Float32Array[]): EmbeddingMatrix {
  const first = vectors[0];
  const dim = first?.length ?? 0;
  const data = new Float32Array(vectors.length * dim);
  vectors.forEach((v, i) => {
    if (v.length !== dim) throw new Error(`embedding ${i} has ${v.length} values, expected ${dim}`);
    data.set(v, i * dim);
    normalizeRow(data, i * dim, dim);
  });
  return { data, rows: vectors.length, dim };
}

/** Normalise an already-packed buffer in place (bench and bulk loads avoid a second copy). */
export function normalizeMatrixInPlace(data: Float32Array, dim: number): EmbeddingMatrix {
  if (dim <= 0 || data.length % dim !== 0) throw new Error(`buffer of ${data.length} values is not rows × ${dim}`);
  const rows = data.length / dim;
  for (let r = 0; r < rows; r++) normalizeRow(data, r * dim, dim);
  return { data, rows, dim };
}

export function matrixRow(m: EmbeddingMatrix, row: number): Float32Array {
  return m.data.subarray(row * m.dim, (row + 1) * m.dim);
}

/** Unit rows stored as binary16 bits (half.ts). */
export interface HalfMatrix {
  bits: Uint16Array;
  rows: number;
  dim: number;
}

export type VectorMatrix = EmbeddingMatrix | HalfMatrix;

export const isHalf = (m: VectorMatrix): m is HalfMatrix => 'bits' in m;

/** Cosine of rows a and b. */
export function dotRows(m: VectorMatrix, a: number, b: number): number {
  const dim = m.dim;
  const pa = a * dim;
  const pb = b * dim;
  let s = 0;
  if (isHalf(m)) {
    const bits = m.bits;
    for (let d = 0; d < dim; d++) s += HALF[bits[pa + d]!]! * HALF[bits[pb + d]!]!;
  } else {
    const data = m.data;
    for (let d = 0; d < dim; d++) s += data[pa + d]! * data[pb + d]!;
  }
  return s;
}

/** Dot product of an outside vector with row r. */
export function dotQuery(m: VectorMatrix, q: Float32Array, r: number): number {
  const dim = m.dim;
  const p = r * dim;
  let s = 0;
  if (isHalf(m)) {
    const bits = m.bits;
    for (let d = 0; d < dim; d++) s += q[d]! * HALF[bits[p + d]!]!;
  } else {
    const data = m.data;
    for (let d = 0; d < dim; d++) s += q[d]! * data[p + d]!;
  }
  return s;
}

/** Row r as float32 into out[offset…]. */
export function rowInto(m: VectorMatrix, r: number, out: Float32Array, offset = 0): void {
  const dim = m.dim;
  if (!isHalf(m)) {
    out.set(m.data.subarray(r * dim, (r + 1) * dim), offset);
    return;
  }
  const bits = m.bits;
  for (let d = 0, p = r * dim; d < dim; d++) out[offset + d] = HALF[bits[p + d]!]!;
}

/** The float32 layout (for the exact kernels; a half matrix is expanded, so only for small ones). */
export function toFloat32Matrix(m: VectorMatrix): EmbeddingMatrix {
  if (!isHalf(m)) return m;
  const data = new Float32Array(m.rows * m.dim);
  for (let r = 0; r < m.rows; r++) rowInto(m, r, data, r * m.dim);
  return { data, rows: m.rows, dim: m.dim };
}

/**
 * `v` normalised and rounded to halves into out[offset…] (scratch: dim floats). Rounded halves can make a row a
 * hair longer than 1, and two such rows a cosine above 1: at threshold 100 (cut = 1) a lossy re-encode would
 * pass for the same picture. So the row shrinks until the stored one is at most unit. Each half is within 2^-11
 * of its value, so one rescale by (1 - 2^-11)/‖row‖ suffices; the loop is a guard.
 */
export function toUnitHalf(v: Float32Array, out: Uint16Array, offset: number, scratch: Float32Array): void {
  const dim = v.length;
  scratch.set(v);
  normalizeRow(scratch, 0, dim);
  for (let scale = 1; ; ) {
    let norm = 0;
    if (scale !== 1) for (let d = 0; d < dim; d++) scratch[d] = scratch[d]! * scale;
    for (let d = 0; d < dim; d++) out[offset + d] = toHalfBits(scratch[d]!);
    for (let d = 0; d < dim; d++) norm += HALF[out[offset + d]!]! * HALF[out[offset + d]!]!;
    if (norm <= 1) break;
    scale = (1 - 2 ** -11) / Math.sqrt(norm);
  }
}

/** One model's vectors as the library loads them, with the ids the catalog's neighbour lists use. */
export interface LibraryEmbeddings {
  modelKey: string;
  /** Live vectors (the matrix's rows), known without reading one. */
  rows: number;
  /**
   * The vectors, read on first use: grouping on stored neighbour lists never needs them, a search or an
   * incremental update does (1.5 GB at 1M, so only then).
   */
  readonly matrix: VectorMatrix;
  /** Whether matrix has been read already (then it is the cheapest way to any cosine). */
  hasMatrix(): boolean;
  /** Cosine of two rows without the matrix: their two vectors read from the catalog. */
  rowCosine(a: number, b: number): number;
  /** embeddings.id of each row. */
  embeddingIds: Uint32Array;
  rowOfHash: Map<string, number>;
}
