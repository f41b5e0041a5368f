// The media protocol's thumbnails, made by the Library in the engine process through the engine's own gate: the
// format is sniffed from the bytes (an SVG named .jpg is refused before sharp or any decoder is called), the
// engine's 100 MP limit applies (main's old maker allowed 300 MP), and HEIC goes through libheif (sharp alone has
// no HEVC decoder, so these always failed). Real fixture files; sharp and heic-decode are wrapped to count calls.
import { copyFile, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { fixture, repoRoot } from '../../helpers/photos.js';
import { decodeImage } from '../../../electron/engine/preprocess/index.js';

const calls = { sharp: 0, heic: 0 };
vi.mock('sharp', async (importOriginal) => {
  const real = (await importOriginal<{ default: (...a: unknown[]) => unknown }>()).default;
  const counted = Object.assign((...args: unknown[]) => (calls.sharp++, real(...args)), real);
  return { default: counted };
});
vi.mock('heic-decode', async (importOriginal) => {
  const real = (await importOriginal<{ default: (...a: unknown[]) => unknown }>()).default;
  return { default: (...args: unknown[]) => (calls.heic++, real(...args)) };
});

const { default: sharp } = await import('sharp');
const { makeThumbnail } = await import('../../../electron/engine/library/thumbnails.js');
const { openLibrary } = await import('../../../electron/engine/library/index.js');

let tmp: string;
let cacheDir: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-thumbs-'));
  cacheDir = path.join(tmp, 'thumbnails');
});
afterAll(() => rm(tmp, { recursive: true, force: true }));
beforeEach(() => {
  calls.sharp = 0;
  calls.heic = 0;
});

/** A PNG whose header claims width×height (and whose one IDAT is garbage): only the header is ever read. */
function pngClaiming(width: number, height: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const out = Buffer.alloc(12 + data.length);
    out.writeUInt32BE(data.length, 0);
    body.copy(out, 4);
    out.writeUInt32BE(crc32(body) >>> 0, 8 + data.length);
    return out;
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', Buffer.alloc(16)), chunk('IEND', Buffer.alloc(0))]);
}

describe('engine thumbnails', () => {
  it('refuses an SVG named .jpg from its bytes, before sharp or any decoder runs', async () => {
    const svg = path.join(tmp, 'vector.jpg');
    await writeFile(svg, '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><image href="file:///etc/passwd"/></svg>');
    await expect(makeThumbnail(svg, 256, cacheDir)).rejects.toMatchObject({ code: 'failed', message: expect.stringMatching(/SVG\/XML \(vector images are never rendered\)/) });
    expect(calls).toEqual({ sharp: 0, heic: 0 });
  });

  it("applies the engine's 100 MP limit from the header (225 MP passed main's old 300 MP cap)", async () => {
    const huge = path.join(tmp, 'huge.png');
    await writeFile(huge, pngClaiming(15_000, 15_000));
    await expect(makeThumbnail(huge, 256, cacheDir)).rejects.toThrow(/15000×15000 exceeds the 100 MP limit/);
  });

  it('makes a WebP of a JPEG, upright, no larger than asked, and caches it', async () => {
    const photo = path.join(tmp, 'orient 6.jpg');
    await copyFile(path.join(repoRoot, 'test/fixtures/formats/orient_6.jpg'), photo);
    const first = await makeThumbnail(photo, 128, cacheDir);
    expect(calls.sharp).toBeGreaterThan(0);
    expect(first).toMatchObject({ contentType: 'image/webp', cached: false });
    const meta = await sharp(Buffer.from(first.data)).metadata();
    expect(meta.format).toBe('webp');
    // orient_6.jpg is stored 96×64 landscape with EXIF Orientation 6: upright it is portrait.
    expect([meta.width, meta.height]).toEqual([64, 96]);
    const again = await makeThumbnail(photo, 128, cacheDir);
    expect(again.cached).toBe(true);
    expect(Buffer.from(again.data).equals(Buffer.from(first.data))).toBe(true);
  });

  it.each([
    // [file in the odd corpus, upright width, height]: libvips cannot read the first two (BMP; a ZSTD TIFF came
    // out as an empty image) and does not see the orientation of the last two (only in XMP / ImageMagick's zTXt).
    ['bmp_24.bmp', 96, 64],
    ['tiff_zstd.tif', 96, 64],
    ['orient_png_xmp_6.png', 32, 48],
    ['orient_png_magick_6.png', 32, 48],
  ])('makes a thumbnail of %s through the engine decoder, upright, with its pixels', async (name, width, height) => {
    const file = path.join(repoRoot, 'test/fixtures/odd/files', name);
    const thumb = await makeThumbnail(file, 256, cacheDir);
    const shown = await sharp(Buffer.from(thumb.data)).raw().toBuffer({ resolveWithObject: true });
    expect([shown.info.width, shown.info.height]).toEqual([width, height]);
    const { rgb } = await decodeImage(file);
    // WebP q80 of the same pixels: close on average, nowhere near a blank or a turned image.
    const channels = shown.info.channels;
    let diff = 0;
    for (let i = 0; i < width * height; i++) {
      for (let c = 0; c < 3; c++) diff += Math.abs(shown.data[i * channels + c]! - rgb.data[i * 3 + c]!);
    }
    expect(diff / (width * height * 3)).toBeLessThan(8);
  });

  it('makes a thumbnail of the committed HEIC fixtures through libheif', async () => {
    const heic = await makeThumbnail(path.join(repoRoot, 'test/fixtures/heic/chelsea.heic'), 256, cacheDir);
    expect(calls.heic).toBe(1);
    const meta = await sharp(Buffer.from(heic.data)).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 256, 170]);
    // Container orientation only (no irot box here), never EXIF's: 96×64 as stored, not enlarged.
    const small = await sharp(Buffer.from((await makeThumbnail(path.join(repoRoot, 'test/fixtures/heic/orient_6.heic'), 256, cacheDir)).data)).metadata();
    expect([small.width, small.height]).toEqual([96, 64]);
    // sharp alone cannot: this is what main's old maker did with every HEIC.
    await expect(sharp(path.join(repoRoot, 'test/fixtures/heic/chelsea.heic')).webp().toBuffer()).rejects.toThrow();
  });

  it("is the Library's, cached in the data folder's thumbnails/", async () => {
    const dataDir = path.join(tmp, 'data');
    const library = await openLibrary({ dataDir, env: {} });
    try {
      const thumb = await library.thumbnail(fixture('originals/skimage_chelsea.jpg'), 256);
      expect(thumb.cached).toBe(false);
      expect((await readdir(path.join(dataDir, 'thumbnails'), { recursive: true })).filter((f) => f.endsWith('.webp'))).toHaveLength(1);
    } finally {
      await library.close();
    }
  });
});
