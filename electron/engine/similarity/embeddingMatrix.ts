// Embeddings packed row-major into one Float32Array of unit vectors, so similarity is a plain dot product and
// both the exact search and usearch read the same memory without copies.

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

/** One model's vectors as the library loads them, with the ids the catalog's neighbour lists use. */
export interface LibraryEmbeddings {
  modelKey: string;
  matrix: EmbeddingMatrix;
  /** embeddings.id of each row. */
  embeddingIds: Uint32Array;
  rowOfHash: Map<string, number>;
}
