// Small vector maths used by every front end: cosine similarity and normalisation of embeddings.

export function dot(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`vector lengths differ: ${a.length} vs ${b.length}`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

export function norm(a: Float32Array): number {
  return Math.sqrt(dot(a, a));
}

/**
 * Cosine similarity in [-1, 1]; 0 when either vector is all zeros. Clamped: rounding gives 1.0000000000000002
 * for a photo and its copy on some CPUs, and a user (or a `similarity: 1` check) should see 1.
 */
export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  const d = norm(a) * norm(b);
  return d === 0 ? 0 : Math.max(-1, Math.min(1, dot(a, b) / d));
}

/** A unit-length copy (or zeros), so later similarity is a plain dot product. */
export function normalized(a: Float32Array): Float32Array {
  const n = norm(a);
  const out = new Float32Array(a.length);
  if (n > 0) for (let i = 0; i < a.length; i++) out[i] = a[i]! / n;
  return out;
}
