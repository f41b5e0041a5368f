// Where two photos agree: every patch token of one image against every patch token of the other, keeping each
// patch's best cosine. Tokens come from last_hidden_state [tokens, dim]; token 0 is CLS, 1.. are the patches in
// row-major order on a square grid (14×14 for a 224-pixel ViT-B/16), which is how the renderer paints them.
import type { PatchHeatmap } from './types.js';

function unitRows(tokens: Float32Array, count: number, dim: number, skip: number): Float32Array {
  const out = new Float32Array(count * dim);
  for (let r = 0; r < count; r++) {
    const src = (r + skip) * dim;
    let sum = 0;
    for (let d = 0; d < dim; d++) sum += tokens[src + d]! * tokens[src + d]!;
    const inv = sum > 0 ? 1 / Math.sqrt(sum) : 0;
    for (let d = 0; d < dim; d++) out[r * dim + d] = tokens[src + d]! * inv;
  }
  return out;
}

/**
 * null when the token count does not leave a square patch grid after the CLS token (e.g. a model with register
 * tokens, or a pooled-only model), since there is then no honest way to place the values on the photo.
 */
export function patchHeatmap(a: Float32Array, b: Float32Array, tokens: number, dim: number): PatchHeatmap | null {
  const patches = tokens - 1;
  const side = Math.round(Math.sqrt(patches));
  if (patches < 1 || side * side !== patches) return null;
  if (a.length !== tokens * dim || b.length !== tokens * dim) {
    throw new Error(`token features have ${a.length} and ${b.length} values, expected ${tokens}×${dim}`);
  }
  const ua = unitRows(a, patches, dim, 1);
  const ub = unitRows(b, patches, dim, 1);
  const bestA = new Array<number>(patches).fill(-1);
  const bestB = new Array<number>(patches).fill(-1);
  for (let i = 0; i < patches; i++) {
    const ai = i * dim;
    for (let j = 0; j < patches; j++) {
      const bj = j * dim;
      let dot = 0;
      for (let d = 0; d < dim; d++) dot += ua[ai + d]! * ub[bj + d]!;
      if (dot > bestA[i]!) bestA[i] = dot;
      if (dot > bestB[j]!) bestB[j] = dot;
    }
  }
  return { gridW: side, gridH: side, a: bestA, b: bestB };
}
