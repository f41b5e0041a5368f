// Bit-exactness of our Image.resize against Pillow, on Pillow's own decoded pixels (so decoding is out of it).
import { resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { pillowResize } from '../../../electron/engine/preprocess/pillowResize.js';
import { PillowResample, type PillowResampleId, type RgbImage } from '../../../electron/engine/types.js';
import { describeWithPillow, diffStats, pillowReference } from './pillowReference.js';

const PHOTO = resolve(import.meta.dirname, '../../fixtures/photos/originals/skimage_chelsea.jpg');

/** A ViT config that only resizes, so pixel_values are Pillow's uint8 resize output as floats. */
const resizeOnly = (width: number, height: number, resample: number) => ({
  image_processor_type: 'ViTImageProcessor', size: { height, width }, resample,
  do_rescale: false, do_normalize: false,
});

const CASES: Array<[string, PillowResampleId, number, number]> = [
  ['BILINEAR down', PillowResample.BILINEAR, 224, 224],
  ['BICUBIC down', PillowResample.BICUBIC, 224, 149],
  ['LANCZOS down', PillowResample.LANCZOS, 97, 61],
  ['HAMMING down', PillowResample.HAMMING, 150, 100],
  ['BOX down', PillowResample.BOX, 113, 75],
  ['NEAREST down', PillowResample.NEAREST, 224, 224],
  ['BICUBIC up', PillowResample.BICUBIC, 700, 500],
  ['LANCZOS up, width only', PillowResample.LANCZOS, 600, 300],
  ['BILINEAR height only', PillowResample.BILINEAR, 451, 123],
  ['NEAREST up', PillowResample.NEAREST, 999, 301],
];

describeWithPillow('pillowResize matches Pillow bit for bit', () => {
  let source: RgbImage;
  beforeAll(async () => {
    const [entry] = await pillowReference([PHOTO], { rgb: true });
    source = { data: entry!.rgb!, width: entry!.width!, height: entry!.height! };
    expect([source.width, source.height]).toEqual([451, 300]);
  });

  it.each(CASES)('%s', async (_name, resample, width, height) => {
    const [reference] = await pillowReference([PHOTO], { config: resizeOnly(width, height, resample) });
    const ours = pillowResize(source, width, height, resample);
    expect([ours.width, ours.height]).toEqual([width, height]);
    // Pillow's CHW floats back to HWC uint8 for the comparison.
    const theirs = new Uint8Array(width * height * 3);
    const tensor = reference!.tensor!;
    for (let c = 0; c < 3; c++) {
      for (let i = 0; i < width * height; i++) theirs[i * 3 + c] = tensor[c * width * height + i]!;
    }
    expect(diffStats(ours.data, theirs).max).toBe(0);
  });

  it('computes a window of the output with the same values as the full resize', () => {
    const full = pillowResize(source, 336, 224, PillowResample.BICUBIC);
    const window = { x: 56, y: 10, width: 224, height: 200 };
    const part = pillowResize(source, 336, 224, PillowResample.BICUBIC, window);
    for (let y = 0; y < window.height; y++) {
      const start = ((y + window.y) * full.width + window.x) * 3;
      expect(part.data.subarray(y * 224 * 3, (y + 1) * 224 * 3)).toEqual(full.data.subarray(start, start + 224 * 3));
    }
  });
});
