// The perceptual fingerprint on the committed fixture photos: small distances for the edits a person still calls
// the same photo, large ones for different photos and for a crop or a mirror (which no global hash survives:
// the embedding has to see those). Measured on these files: edits 0–3 bits, crop85 32–33, flip_h 50–62, the
// closest two different photos (a stereo pair) 24.
import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/engine/preprocess/index.js';
import {
  DEFAULT_PERCEPTUAL_DISTANCE, PERCEPTUAL_PRINT_BYTES, hammingDistance, isGreyscale, isLowDetail, perceptualPrint,
} from '../../../electron/engine/similarity/perceptualHash.js';
import { PIXEL_THUMB_BYTES, pixelThumb } from '../../../electron/engine/similarity/pixelThumb.js';
import { fixture } from '../../helpers/photos.js';

const printOf = async (rel: string): Promise<Uint8Array> => perceptualPrint(pixelThumb((await decodeImage(fixture(rel))).rgb));
const d = DEFAULT_PERCEPTUAL_DISTANCE;

describe('perceptual fingerprint of the fixture photos', () => {
  const edits = [['jpeg_q35', 'jpg'], ['webp', 'webp'], ['resize50', 'jpg'], ['resize25', 'jpg'], ['bright15', 'jpg'], ['grayscale', 'jpg'], ['watermark', 'jpg'], ['exif_rot90', 'jpg']] as const;

  it.each(['skimage_chelsea', 'skimage_coffee'])('%s: re-encodes, resizes, brightness, greyscale stay within a few bits; crop and mirror do not', async (id) => {
    const original = await printOf(`originals/${id}.jpg`);
    const to = async (t: string, ext: string) => hammingDistance(original, await printOf(`variants/${id}__${t}.${ext}`));
    expect(await to('copy', 'jpg')).toBe(0);
    expect(await to('png', 'png')).toBe(0);
    const distances = Object.fromEntries(await Promise.all(edits.map(async ([t, ext]) => [t, await to(t, ext)] as const)));
    for (const [t] of edits) expect([t, distances[t]! <= 4]).toEqual([t, true]);
    expect(await to('crop85', 'jpg')).toBeGreaterThan(2 * d);
    expect(await to('flip_h', 'jpg')).toBeGreaterThan(3 * d);
  });

  it('different photos are far apart, the stereo pair included', async () => {
    const names = readdirSync(fixture('originals')).sort();
    const prints = await Promise.all(names.map((n) => printOf(`originals/${n}`)));
    let closest = 128;
    for (let i = 0; i < prints.length; i++) for (let j = i + 1; j < prints.length; j++) closest = Math.min(closest, hammingDistance(prints[i]!, prints[j]!));
    expect(closest).toBeGreaterThan(d + 5);
  });

  it('records greyscale and detail: the greyscale copy is grey, the photos are detailed', async () => {
    const colour = await printOf('originals/skimage_chelsea.jpg');
    const grey = await printOf('variants/skimage_chelsea__grayscale.jpg');
    expect([isGreyscale(colour), isGreyscale(grey)]).toEqual([false, true]);
    expect(isLowDetail(colour) || isLowDetail(grey)).toBe(false);
  });
});

describe('perceptual fingerprint of synthetic thumbnails', () => {
  /** A 32×32 RGB thumbnail from a luma function (0–255, clamped), grey unless tinted. */
  const thumb = (f: (x: number, y: number) => number, tint = 0): Uint8Array => {
    const t = new Uint8Array(PIXEL_THUMB_BYTES);
    for (let y = 0; y < 32; y++) for (let x = 0; x < 32; x++) {
      const v = Math.max(0, Math.min(255, Math.round(f(x, y))));
      t.set([Math.min(255, v + tint), v, Math.max(0, v - tint)], (y * 32 + x) * 3);
    }
    return t;
  };
  // 30–214: a shift of 20 clips nothing.
  const scene = (x: number, y: number) => 90 + 2 * x + 60 * Math.sin(y / 4) * Math.cos(x / 6);

  it('is 18 bytes, and the same for the same picture', () => {
    const p = perceptualPrint(thumb(scene));
    expect(p.length).toBe(PERCEPTUAL_PRINT_BYTES);
    expect(hammingDistance(p, perceptualPrint(thumb(scene)))).toBe(0);
  });

  it('ignores a uniform brightness shift and colour, but not an inverted picture', () => {
    const p = perceptualPrint(thumb(scene));
    expect(hammingDistance(p, perceptualPrint(thumb((x, y) => scene(x, y) + 20)))).toBeLessThanOrEqual(1);
    expect(hammingDistance(p, perceptualPrint(thumb(scene, 30)))).toBeLessThanOrEqual(2);
    expect(hammingDistance(p, perceptualPrint(thumb((x, y) => 255 - scene(x, y))))).toBeGreaterThan(100);
  });

  it('calls a near-uniform sky low-detail', () => {
    const sky = perceptualPrint(thumb((x, y) => 180 + y * 0.3 + (x % 3), 20));
    expect(isLowDetail(sky)).toBe(true);
    expect(isLowDetail(perceptualPrint(thumb(scene)))).toBe(false);
  });

  it('refuses anything but a 32×32 RGB thumbnail', () => {
    expect(() => perceptualPrint(new Uint8Array(100))).toThrow(RangeError);
  });
});
