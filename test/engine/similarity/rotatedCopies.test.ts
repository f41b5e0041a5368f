// The rotated-copy rule on synthetic thumbnails: where its limits sit, and that it never chains.
import { describe, expect, it } from 'vitest';
import { PIXEL_THUMB_BYTES, ROTATED_COPY_TOLERANCE, thumbDifference } from '../../../electron/engine/similarity/pixelThumb.js';
import { mergeRotatedCopies, type UnitPicture } from '../../../electron/engine/similarity/rotatedCopies.js';

const base = Uint8Array.from({ length: PIXEL_THUMB_BYTES }, (_, i) => 60 + ((i * 37) % 131));
/** `base` with every `every`-th value moved by `by` (a spread-out, re-encode-like difference). */
const noisy = (by: number, every: number, offset = 0): Uint8Array => base.map((v, i) => ((i + offset) % every === 0 ? v + by : v));
const unit = (thumb: Uint8Array, tags: number[], width = 600, height = 400): UnitPicture => ({ tags: new Set(tags), width, height, thumb });

describe('rotated-copy rule', () => {
  const table: { name: string; units: UnitPicture[]; sets: number[] }[] = [
    { name: 'tag differs, within noise: joined', units: [unit(base, [1]), unit(noisy(1, 4), [6])], sets: [0, 0] },
    { name: 'same tag: a plain re-encode stays apart', units: [unit(base, [1]), unit(noisy(1, 4), [1])], sets: [0, 1] },
    { name: 'overlapping tags: apart', units: [unit(base, [1, 6]), unit(noisy(1, 4), [1])], sets: [0, 1] },
    { name: 'different size: apart', units: [unit(base, [1]), unit(noisy(1, 4), [6], 400, 600)], sets: [0, 1] },
    { name: 'mean difference over the limit: apart', units: [unit(base, [1]), unit(noisy(1, 1), [6])], sets: [0, 1] },
    // One cell brighter by 4 in every channel: tiny on average, but a local edit (a watermark).
    { name: 'one cell changed: apart', units: [unit(base, [1]), unit(base.map((v, i) => (i < 3 ? v + 4 : v)), [6])], sets: [0, 1] },
    { name: 'no thumbnail: apart', units: [unit(base, [1]), null as unknown as UnitPicture], sets: [0, 1] },
  ];
  it.each(table)('$name', ({ units, sets }) => {
    expect(Array.from(mergeRotatedCopies(units))).toEqual(sets);
  });

  it('does not chain: a rotated copy close to an original and to its re-encode joins only the closer one', () => {
    const original = unit(base, [1]);
    const rotated = unit(noisy(1, 8), [6]); // 1/8 of values off by one from the original
    const reencode = unit(noisy(-1, 8, 4), [1]); // different values off: farther from the rotated copy
    const d = (a: UnitPicture, b: UnitPicture) => thumbDifference(a.thumb, b.thumb).meanAbs;
    expect(d(original, rotated)).toBeLessThan(d(reencode, rotated));
    expect(d(reencode, rotated)).toBeLessThanOrEqual(ROTATED_COPY_TOLERANCE.meanAbs);
    expect(Array.from(mergeRotatedCopies([reencode, rotated, original]))).toEqual([0, 1, 1]);
    // Two rotated copies with different tags join the original together (each pair is linked).
    expect(Array.from(mergeRotatedCopies([original, rotated, unit(noisy(1, 8, 2), [8])]))).toEqual([0, 0, 0]);
  });

  it('honours a "not a duplicate" mark', () => {
    expect(Array.from(mergeRotatedCopies([unit(base, [1]), unit(noisy(1, 4), [6])], () => true))).toEqual([0, 1]);
  });
});
