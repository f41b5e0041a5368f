// decodeImage against Pillow's load_image (exif_transpose + convert('RGB')) on small committed fixtures.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from '../../../electron/engine/preprocess/decode.js';
import { pixelHash } from '../../../electron/engine/preprocess/pixelHash.js';
import { describeWithPillow, diffStats, pillowReference } from './pillowReference.js';

const FIXTURES = resolve(import.meta.dirname, '../../fixtures');
const formats = (name: string) => join(FIXTURES, 'formats', name);

// [file, format, max allowed |ours - Pillow| in 8-bit levels]. Lossless sources must match exactly; JPEGs
// differ only where libjpeg builds differ (sharp's vs Debian's libjpeg-turbo).
const CONVERSIONS: Array<[string, string, number]> = [
  ['rgb.png', 'png', 0],
  ['grey_L.png', 'png', 0],
  ['bilevel_1.png', 'png', 0],
  ['palette_P.png', 'png', 0],
  ['palette_P_trns.png', 'png', 0],
  ['rgba.png', 'png', 0],
  ['la.png', 'png', 0],
  ['rgb16.png', 'png', 0],
  ['grey16.png', 'png', 0],
  ['cmyk.tiff', 'tiff', 0],
  ['rgb.tiff', 'tiff', 0],
  ['rgb.bmp', 'bmp', 0],
  ['anim.gif', 'gif', 0],
  ['trns.gif', 'gif', 0],
  ['cmyk.jpg', 'jpeg', 1],
  ['grey_L.jpg', 'jpeg', 1],
  ...[1, 2, 3, 4, 5, 6, 7, 8].map((o): [string, string, number] => [`orient_${o}.jpg`, 'jpeg', 1]),
];

describeWithPillow('conversions to RGB match Pillow', () => {
  it.each(CONVERSIONS)('%s', async (file, format, tolerance) => {
    const [reference] = await pillowReference([formats(file)], { rgb: true });
    const decoded = await decodeImage(formats(file));
    expect(decoded.format).toBe(format);
    expect([decoded.width, decoded.height]).toEqual([reference!.width, reference!.height]);
    const stats = diffStats(decoded.rgb.data, reference!.rgb!);
    console.log(`decode ${file}: max ${stats.max} mean ${stats.mean.toFixed(4)} levels vs Pillow`);
    expect(stats.max).toBeLessThanOrEqual(tolerance);
  });
});

describe('decodeImage', () => {
  it('applies EXIF orientation: width and height swap for 5-8 and the reported tag is kept', async () => {
    for (let o = 1; o <= 8; o++) {
      const decoded = await decodeImage(formats(`orient_${o}.jpg`));
      expect(decoded.orientation).toBe(o);
      expect([decoded.width, decoded.height]).toEqual(o >= 5 ? [64, 96] : [96, 64]);
      expect(decoded.rgb.data.length).toBe(96 * 64 * 3);
    }
  });

  it('turns the corpus exif_rot90 variant upright: same size as the original, equal within JPEG noise', async () => {
    const original = await decodeImage(join(FIXTURES, 'photos/originals/skimage_chelsea.jpg'));
    const rotated = await decodeImage(join(FIXTURES, 'photos/variants/skimage_chelsea__exif_rot90.jpg'));
    expect(rotated.orientation).toBe(6);
    expect([rotated.width, rotated.height]).toEqual([original.width, original.height]);
    const stats = diffStats(rotated.rgb.data, original.rgb.data);
    expect(stats.mean).toBeLessThan(3);
  });

  it('reports alpha and drops it without compositing (colour under alpha 0 survives)', async () => {
    const rgba = await decodeImage(formats('rgba.png'));
    const rgb = await decodeImage(formats('rgb.png'));
    expect(rgba.hasAlpha).toBe(true);
    expect(rgb.hasAlpha).toBe(false);
    expect(rgba.rgb.data).toEqual(rgb.rgb.data);
  });

  it('decodes from a Buffer as from a path', async () => {
    const bytes = await readFile(formats('palette_P.png'));
    const fromBuffer = await decodeImage(bytes);
    const fromPath = await decodeImage(formats('palette_P.png'));
    expect(pixelHash(fromBuffer.rgb)).toBe(pixelHash(fromPath.rgb));
  });

  it('reads AVIF (sharp) close to its lossless source', async () => {
    const avif = await decodeImage(formats('rgb.avif'));
    const png = await decodeImage(formats('rgb.png'));
    expect(avif.format).toBe('avif');
    expect([avif.width, avif.height]).toEqual([96, 64]);
    expect(diffStats(avif.rgb.data, png.rgb.data).mean).toBeLessThan(6);
  });

  it('reads BMP (our own reader: prebuilt sharp has none) to the same pixels as its PNG twin', async () => {
    const bmp = await decodeImage(formats('rgb.bmp'));
    expect(bmp.format).toBe('bmp');
    expect(bmp.rgb.data).toEqual((await decodeImage(formats('rgb.png'))).rgb.data);
  });

  it('refuses an image over the pixel limit from its header', async () => {
    await expect(decodeImage(formats('rgb.png'), { maxPixels: 96 * 64 - 1 }))
      .rejects.toThrow(/image too large: 96×64 exceeds the 6143 pixel limit/);
  });
});

describe('HEIC through the wasm fallback', () => {
  it('decodes the heif-enc sample of skimage_chelsea at full size, resembling the source JPEG', async () => {
    const heic = await decodeImage(join(FIXTURES, 'heic/chelsea.heic'));
    const jpeg = await decodeImage(join(FIXTURES, 'photos/originals/skimage_chelsea.jpg'));
    expect(heic.format).toBe('heic');
    expect([heic.width, heic.height]).toEqual([451, 300]);
    const stats = diffStats(heic.rgb.data, jpeg.rgb.data);
    console.log(`HEIC vs source JPEG: mean ${stats.mean.toFixed(2)} levels`);
    expect(stats.mean).toBeLessThan(6);
  });

  it('does not apply an EXIF Orientation on top of the HEIF container (libvips convention)', async () => {
    const heic = await decodeImage(join(FIXTURES, 'heic/orient_6.heic'));
    expect(heic.orientation).toBe(1);
    expect([heic.width, heic.height]).toEqual([96, 64]);
  });
});

describe('pixelHash', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pixelhash-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is equal for a PNG re-encode and a lossless EXIF-rotated copy, different for a JPEG re-encode', async () => {
    const original = await decodeImage(formats('rgb.png'));
    const reencoded = join(dir, 'reencoded.png');
    await sharp(formats('rgb.png')).png({ compressionLevel: 1 }).toFile(reencoded);
    // Pixels stored turned 90° counter-clockwise, with Orientation 6 ("rotate 90 CW to display").
    const rotated = join(dir, 'rotated.png');
    await sharp(formats('rgb.png')).rotate(-90).withMetadata({ orientation: 6 }).png().toFile(rotated);
    const jpeg = join(dir, 'lossy.jpg');
    await sharp(formats('rgb.png')).jpeg({ quality: 95 }).toFile(jpeg);

    const rotatedDecoded = await decodeImage(rotated);
    expect(rotatedDecoded.orientation).toBe(6);
    expect(pixelHash((await decodeImage(reencoded)).rgb)).toBe(pixelHash(original.rgb));
    expect(pixelHash(rotatedDecoded.rgb)).toBe(pixelHash(original.rgb));
    // The same for lossless WebP and TIFF carrying the tag. (Debian's Pillow 9.4 turns such a TIFF twice:
    // its TIFF loader applies the tag and exif_transpose applies it again; we show it upright.)
    for (const [name, write] of [
      ['rotated.webp', (s: Sharp) => s.webp({ lossless: true })],
      ['rotated.tiff', (s: Sharp) => s.tiff({ compression: 'lzw' })],
    ] as const) {
      await write(sharp(formats('rgb.png')).rotate(-90).withMetadata({ orientation: 6 })).toFile(join(dir, name));
      expect(pixelHash((await decodeImage(join(dir, name))).rgb), name).toBe(pixelHash(original.rgb));
    }
    expect(pixelHash((await decodeImage(jpeg)).rgb)).not.toBe(pixelHash(original.rgb));
  });

  it('depends on the shape, not only the bytes', () => {
    const data = new Uint8Array(2 * 3 * 3).fill(7);
    expect(pixelHash({ data, width: 2, height: 3 })).not.toBe(pixelHash({ data, width: 3, height: 2 }));
    expect(pixelHash({ data, width: 2, height: 3 })).toMatch(/^[0-9a-f]{32}$/);
  });
});
