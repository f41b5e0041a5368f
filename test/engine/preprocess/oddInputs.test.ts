// Our own readers (BMP, orientation transforms, the TIFF fallback) on inputs the corpus does not spell out:
// every transform against sharp's, crafted headers, and damaged copies of corpus files, which must each give a
// result or a LookalikeError (never another exception, a crash or a hang).
import { readFileSync } from 'node:fs';
import { crc32, deflateSync } from 'node:zlib';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LookalikeError } from '../../../electron/engine/errors.js';
import { decodeBmp, parseBmpHeader } from '../../../electron/engine/preprocess/bmpDecode.js';
import { decodeImage } from '../../../electron/engine/preprocess/decode.js';
import { orientRgb, tiffOrientation } from '../../../electron/engine/preprocess/orientation.js';
import { decodeTiffFallback } from '../../../electron/engine/preprocess/tiffFallback.js';

const FILES = resolve(import.meta.dirname, '../../fixtures/odd/files');
const file = (name: string): Buffer => readFileSync(join(FILES, name));

describe('orientRgb', () => {
  it.each([2, 3, 4, 5, 6, 7, 8])('matches libvips autoOrient for orientation %i', async (o) => {
    const upright = await decodeImage(file(`orient_png_exif_${o}.png`));
    const stored = await decodeImage(file('orient_png_exif_1.png'));
    expect(upright.orientation).toBe(o);
    const ours = orientRgb(stored.rgb, o);
    expect([ours.width, ours.height]).toEqual([upright.width, upright.height]);
    expect(Buffer.from(ours.data).equals(Buffer.from(upright.rgb.data))).toBe(true);
  });

  it('reads Orientation from EXIF bytes with or without the Exif header, either byte order', () => {
    const ifd = (little: boolean): Buffer => {
      const b = Buffer.alloc(26);
      b.write(little ? 'II' : 'MM', 0, 'latin1');
      const u16 = (v: number, at: number) => (little ? b.writeUInt16LE(v, at) : b.writeUInt16BE(v, at));
      const u32 = (v: number, at: number) => (little ? b.writeUInt32LE(v, at) : b.writeUInt32BE(v, at));
      u16(42, 2); u32(8, 4); u16(1, 8); u16(274, 10); u16(3, 12); u32(1, 14); u16(7, 18);
      return b;
    };
    expect(tiffOrientation(ifd(true))).toBe(7);
    expect(tiffOrientation(Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), ifd(false)]))).toBe(7);
    expect(tiffOrientation(ifd(true).subarray(0, 12))).toBeUndefined();
  });
});

describe('PNG text chunks', () => {
  // Pillow refuses the whole file there ("Decompressed Data Too Large"); we read the image and skip the chunk.
  it('skips a zTXt raw profile that inflates past 1 MiB (Pillow\'s limit) instead of inflating it whole', async () => {
    const png = file('orient_png_ztxt_5.png');
    const ztxt = png.indexOf('zTXt');
    // A valid profile saying Orientation 3, padded with newlines (which the hex reader ignores) past the limit.
    const profile = `\nexif\n      32\n${'4578696600004d4d002a00000008000101120003000000010003000000000000'}\n`;
    const text = Buffer.concat([Buffer.from(profile, 'latin1'), Buffer.alloc(2 * 1024 * 1024, 0x0a)]);
    const bomb = Buffer.concat([Buffer.from('Raw profile type exif\0\0', 'latin1'), deflateSync(text)]);
    const chunk = Buffer.alloc(12 + bomb.length);
    chunk.writeUInt32BE(bomb.length, 0);
    chunk.write('zTXt', 4, 'latin1');
    bomb.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk.subarray(4, 8 + bomb.length)), 8 + bomb.length);
    const withBomb = Buffer.concat([png.subarray(0, ztxt - 4), chunk, png.subarray(ztxt - 4)]);
    const decoded = await decodeImage(withBomb);
    expect(decoded.orientation).toBe(5); // the real profile after it still counts
  });
});

describe('BMP reader', () => {
  it('refuses a 2-bit depth and an empty colour mask with their reasons', () => {
    const bmp = Buffer.from(file('bmp_24.bmp'));
    bmp.writeUInt16LE(2, 28);
    expect(() => parseBmpHeader(bmp)).toThrow('corrupt BMP: unsupported pixel depth 2');
    const masked = Buffer.from(file('bmp_16_565.bmp'));
    masked.writeUInt32LE(0, 54);
    expect(() => parseBmpHeader(masked)).toThrow('corrupt BMP: a colour mask is empty');
  });

  it('refuses pixel data shorter than the header says, before reading past it', () => {
    const bmp = file('bmp_8.bmp');
    const cut = bmp.subarray(0, bmp.length - 100);
    expect(() => decodeBmp(cut, parseBmpHeader(cut))).toThrow(/truncated BMP: \d+ of \d+ bytes/);
  });

  it('shows palette indices past the palette as black (as Pillow does)', () => {
    const bmp = Buffer.from(file('bmp_1.bmp'));
    bmp.writeUInt32LE(1, 46); // one colour declared: index 1 falls outside
    const { data } = decodeBmp(bmp, parseBmpHeader(bmp));
    const colours = new Set<string>();
    for (let i = 0; i < data.length; i += 3) colours.add(`${data[i]},${data[i + 1]},${data[i + 2]}`);
    expect([...colours].sort()).toEqual(['0,0,0', '20,40,90']);
  });
});

describe('TIFF fallback', () => {
  it('reads what libvips refuses (tiled separate planes) and refuses LZMA by name', async () => {
    const tiled = await decodeTiffFallback(file('tiff_tiled_planar.tif'), 1e8);
    expect([tiled.rgb.width, tiled.rgb.height]).toEqual([96, 64]);
    const viaSharp = await decodeImage(file('tiff_tiled.tif'));
    expect(Buffer.from(tiled.rgb.data).equals(Buffer.from(viaSharp.rgb.data))).toBe(true);
    await expect(decodeTiffFallback(file('tiff_lzma.tif'), 1e8)).rejects.toThrow('unsupported TIFF: LZMA compression is not supported');
    await expect(decodeTiffFallback(file('tiff_zstd.tif'), 100)).rejects.toThrow('image too large: 96×64');
  });

  it('applies the Orientation tag once', async () => {
    const upright = await decodeImage(file('orient_tiff_rgb_6.tif'));
    const fallback = await decodeTiffFallback(file('orient_tiff_rgb_6.tif'), 1e8);
    expect(fallback.orientation).toBe(6);
    expect(Buffer.from(fallback.rgb.data).equals(Buffer.from(upright.rgb.data))).toBe(true);
  });
});

describe('damaged copies never crash or hang', () => {
  // A fixed pseudo-random sequence: the same damage on every run.
  let seed = 14;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2 ** 31;
    return seed % n;
  };
  const sources = ['bmp_8_rle.bmp', 'bmp_4_rle.bmp', 'bmp_16_565.bmp', 'bmp_32_bitfields_alpha_v5.bmp', 'tiff_zstd.tif',
    'tiff_tiled_planar.tif', 'orient_png_xmp_6.png', 'orient_png_ztxt_5.png', 'orient_jpeg_xmp_6.jpg', 'orient_webp_xmp_6.webp'];

  it.each(sources)('%s: 40 truncations and byte flips', async (name) => {
    const original = file(name);
    for (let round = 0; round < 40; round++) {
      const damaged = Buffer.from(round % 2 ? original : original.subarray(0, 8 + next(original.length - 8)));
      for (let flips = round % 2 ? 1 + next(8) : 0; flips > 0; flips--) damaged[8 + next(damaged.length - 8)] = next(256);
      const outcome = await decodeImage(damaged).then(() => 'decoded', (error: unknown) => error);
      if (outcome !== 'decoded') expect(outcome, `${name} round ${round}: ${String(outcome)}`).toBeInstanceOf(LookalikeError);
    }
  });
});
