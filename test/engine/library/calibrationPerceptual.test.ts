// The near-identical tier's distance from measured fingerprint distances: between the edits and the different
// photos when they separate, below every different photo's distance when they do not (precision first).
import { describe, expect, it } from 'vitest';
import { choosePerceptualDistance, distinctHammings } from '../../../electron/engine/library/calibrationPerceptual.js';
import type { SampledPhoto } from '../../../electron/engine/library/calibrationSample.js';
import { DEFAULT_PERCEPTUAL_DISTANCE, PERCEPTUAL_PRINT_BYTES } from '../../../electron/engine/similarity/perceptualHash.js';

const range = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('choosePerceptualDistance', () => {
  it('sits halfway between the edits p95 and the distinct p01 when they separate', () => {
    // Edits 0–10 (p95 9.5), different photos 22–60 (p01 ≈ 22.4): halfway is 15.
    const c = choosePerceptualDistance(range(0, 10), range(22, 60));
    expect(c).toMatchObject({ distance: 15, separated: true });
  });

  it('stays below the closest different photos when edits reach them', () => {
    // Edits up to 30, but the closest hundredth of different photos at 12: one bit below it.
    const c = choosePerceptualDistance(range(0, 30), [12, 12, 12, ...range(20, 60)]);
    expect(c).toMatchObject({ distance: 11, separated: false });
  });

  it('takes the default (or what the edits need) with nothing to compare, and the default with no edits', () => {
    expect(choosePerceptualDistance(range(0, 5), []).distance).toBe(DEFAULT_PERCEPTUAL_DISTANCE);
    expect(choosePerceptualDistance(range(0, 20), []).distance).toBe(19); // the edits' p95
    expect(choosePerceptualDistance([], range(20, 40)).distance).toBe(DEFAULT_PERCEPTUAL_DISTANCE);
  });
});

describe('distinctHammings', () => {
  const photo = (path: string, bits: number, pixelHash: string): SampledPhoto & { print: Uint8Array } => {
    const print = new Uint8Array(PERCEPTUAL_PRINT_BYTES);
    for (let b = 0; b < bits; b++) print[b >> 3]! |= 0x80 >> (b & 7);
    return { path, contentHash: path, pixelHash, captureTime: null, mtimeMs: 0, vector: new Float32Array([1]), views: null, print };
  };

  it("gives each photo's distance to its nearest different photo, leaving out copies of it", () => {
    // b has a's pixels (a copy the library holds): not a "different photo" for a, whatever its fingerprint.
    const sample = [photo('a', 0, 'p1'), photo('b', 1, 'p1'), photo('c', 20, 'p3'), photo('d', 50, 'p4')];
    expect(distinctHammings(sample)).toEqual([20, 19, 19, 30]);
  });
});
