// The one cosine every front end shows: never outside [-1, 1], even where float rounding would put it there.
import { describe, expect, it } from 'vitest';
import { cosineSimilarity, dot, norm } from '../../electron/engine/vectors.js';

describe('cosineSimilarity', () => {
  it('is exactly 1 for a vector and itself where the unclamped quotient rounds above 1', () => {
    const a = Float32Array.from([0.013870078139007092, -0.3242586851119995, -0.34474024176597595, -0.35373443365097046, -0.2152811586856842, 0.4290890693664551, -0.49124860763549805, 0.3892102539539337]);
    expect(dot(a, a) / (norm(a) * norm(a))).toBeGreaterThan(1); // the case the clamp is for
    expect(cosineSimilarity(a, a)).toBe(1);
    expect(cosineSimilarity(a, a.map((v) => -v))).toBe(-1);
  });

  it('is 0 with an all-zero vector and the plain quotient otherwise', () => {
    const a = Float32Array.from([1, 2, 3]);
    expect(cosineSimilarity(a, new Float32Array(3))).toBe(0);
    expect(cosineSimilarity(a, Float32Array.from([3, 2, 1]))).toBeCloseTo(10 / 14, 12);
  });
});
