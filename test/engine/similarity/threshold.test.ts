import { describe, expect, it } from 'vitest';
import { cosineToScore, DEFAULT_THRESHOLD, thresholdToCosine, tierCutoffs } from '../../../electron/engine/similarity/threshold.js';

describe('threshold scale', () => {
  it.each([
    [0, 0.5],
    [50, 0.75],
    [90, 0.95],
    [100, 1],
  ])('score %d ↔ cosine %d', (score, cosine) => {
    expect(thresholdToCosine(score)).toBeCloseTo(cosine, 10);
    expect(cosineToScore(cosine)).toBeCloseTo(score, 10);
  });

  it('clamps cosines outside the scale and rejects thresholds outside 0–100', () => {
    expect(cosineToScore(-0.3)).toBe(0);
    expect(cosineToScore(1.0000001)).toBe(100);
    expect(cosineToScore(Number.NaN)).toBe(0);
    expect(() => thresholdToCosine(101)).toThrow(
      expect.objectContaining({ code: 'invalid-request', message: 'threshold must be a number from 0 to 100, got 101' }),
    );
    expect(() => thresholdToCosine(Number.NaN)).toThrow(
      expect.objectContaining({ code: 'invalid-request', message: 'threshold must be a number from 0 to 100, got NaN' }),
    );
  });

  it('puts the similar band below the near-duplicate cut', () => {
    const cut = tierCutoffs(DEFAULT_THRESHOLD);
    expect(cut.similar).toBeLessThan(cut.near);
    expect(tierCutoffs(3).similar).toBe(0.5);
  });
});
