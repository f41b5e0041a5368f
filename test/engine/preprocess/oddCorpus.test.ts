// The odd-file corpus (test/fixtures/odd: every mode, orientation and container, made by make_corpus.py) against
// Pillow's load_image, whose RGB make_refs.py committed as PNGs. Both RGBs go through the same preprocessing and
// random-weight tiny ViT: pooled cosine ≥ 0.999 on every file Pillow reads. Every file Pillow refuses is either
// refused by us with a specific reason, or read on purpose (listed below, with why). Needs neither Pillow nor
// the tools that made the corpus.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { decodeImage } from '../../../electron/engine/preprocess/decode.js';
import { parseProcessorConfig } from '../../../electron/engine/preprocess/processorConfig.js';
import { pixelValuesFromRgb } from '../../../electron/engine/preprocess/preprocessImage.js';
import type { ProcessorConfig, RgbImage } from '../../../electron/engine/types.js';
import { cosineSimilarity } from '../../../electron/engine/vectors.js';
import { tinyModelDir } from '../../helpers/models.js';
import { diffStats } from './pillowReference.js';

const ODD = resolve(import.meta.dirname, '../../fixtures/odd');
type Ref = { ok: true; width: number; height: number } | { ok: false; error: string };
const refs = JSON.parse(readFileSync(join(ODD, 'refs.json'), 'utf8')) as Record<string, Ref>;

/** Files Pillow refuses, and the reason we give (a pattern of our message). */
const REFUSED: Record<string, RegExp> = {
  'bad_bmp_huge_header.bmp': /image too large: 60000×60000/,
  'bad_bmp_rle_overrun.bmp': /corrupt BMP: RLE data ends after 96 of 6144 pixels/,
  'bad_bmp_truncated.bmp': /truncated BMP: 9243 of 18486 bytes/,
  'bad_empty.png': /empty file/,
  'bad_gif_truncated.gif': /truncated or corrupt GIF: .*Unexpected end of GIF source data/,
  'bad_jpeg_header_only.jpg': /truncated or corrupt JPEG: .*premature end of JPEG image/,
  'bad_jpeg_truncated.jpg': /truncated or corrupt JPEG: premature end of JPEG image/,
  'bad_png_crc.png': /truncated or corrupt PNG: bad CRC in its IDAT chunk/,
  'bad_png_truncated.png': /truncated or corrupt PNG: the file ends inside its IDAT chunk/,
  'bad_png_zero_size.png': /corrupt PNG: zero width or height \(0×1\)/,
  'bad_svg.svg': /unsupported format: SVG/,
  'bad_text.jpg': /not an image/,
  'bad_tiff_truncated.tif': /truncated or corrupt TIFF: its first directory lies past the end of the file/,
  'bad_tiff_g4_truncated.tif': /truncated or corrupt TIFF: the file ends inside its first directory/,
};
/** Files Pillow reads that we refuse on purpose, and why. */
const WE_REFUSE: Record<string, RegExp> = {
  // LZMA in TIFF: libtiff-only, written by almost nothing; neither libvips nor geotiff has a decoder.
  'tiff_lzma.tif': /unsupported TIFF: LZMA compression is not supported/,
};
/**
 * Files Debian's Pillow (without plugins) refuses that we read on purpose: HEIC through libheif (heicFallback.ts),
 * AVIF through libvips. Photo libraries hold both; current Pillow reads AVIF itself.
 */
const READ_ON_PURPOSE = new Set(['heic_plain.heic', 'avif_plain.avif']);

let engine: Engine;
let cfg: ProcessorConfig;
const results: string[] = [];
beforeAll(async () => {
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu' });
  cfg = parseProcessorConfig(JSON.parse(await readFile(join(engine.model.dir, 'preprocessor_config.json'), 'utf8')));
});
afterAll(async () => {
  console.log(`odd corpus vs Pillow (pooled cosine, mean/max |RGB diff| in levels):\n${results.sort().join('\n')}`);
  await engine?.close();
});

async function pooled(rgb: RgbImage): Promise<Float32Array> {
  const [vector] = await engine.runBatch([pixelValuesFromRgb(rgb, cfg).tensor]);
  return vector!;
}

const names = Object.keys(refs).sort();
const readable = names.filter((n) => refs[n]!.ok && !(n in WE_REFUSE));
const refused = names.filter((n) => !refs[n]!.ok && !READ_ON_PURPOSE.has(n));

describe('odd corpus: files Pillow reads', () => {
  it.each(readable)('%s', async (name) => {
    const ref = refs[name] as Extract<Ref, { ok: true }>;
    const ours = await decodeImage(join(ODD, 'files', name));
    const pillow = await decodeImage(join(ODD, 'refs', `${name}.png`));
    expect([ours.width, ours.height]).toEqual([ref.width, ref.height]);
    const cosine = cosineSimilarity(await pooled(ours.rgb), await pooled(pillow.rgb));
    const stats = diffStats(ours.rgb.data, pillow.rgb.data);
    results.push(`${name.padEnd(36)} ${cosine.toFixed(6)}  ${stats.mean.toFixed(3)}/${stats.max}`);
    expect(cosine).toBeGreaterThanOrEqual(0.999);
  });
});

describe('odd corpus: files Pillow refuses', () => {
  it('each has a decision here', () => {
    expect(refused.filter((n) => !(n in REFUSED))).toEqual([]);
  });

  it.each(refused.filter((n) => n in REFUSED))('%s', async (name) => {
    await expect(decodeImage(join(ODD, 'files', name))).rejects.toThrow(REFUSED[name]!);
  });

  it.each(Object.keys(WE_REFUSE))('%s (Pillow reads it; refused on purpose)', async (name) => {
    expect(refs[name]!.ok).toBe(true);
    await expect(decodeImage(join(ODD, 'files', name))).rejects.toThrow(WE_REFUSE[name]!);
  });

  it.each([...READ_ON_PURPOSE])('%s is read on purpose', async (name) => {
    const decoded = await decodeImage(join(ODD, 'files', name));
    expect([decoded.width, decoded.height]).toEqual([96, 64]);
  });
});
