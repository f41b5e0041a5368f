// The fast preprocessing mode's decode: a big JPEG is decoded at 1/2, 1/4 or 1/8 scale in the DCT domain
// (libjpeg's scaled IDCT, through libvips' shrink-on-load in sharp) to an intermediate several times the model's
// input, then resized by the same Pillow-exact resample as the exact mode. It skips most of the IDCT and the
// colour conversion, and the resample reads a tenth of the pixels. The vectors differ a little from exact ones
// (measured in README's "Preprocessing modes"), so a fast vector is keyed apart from exact ones.
//
// sharp has no plain "load at 1/N": it shrinks on load as part of a resize, picking N from the overall shrink
// (pipeline.cc; sharpDctScale below), then reduces to the size asked with a libvips kernel. So the intermediate
// is exactly the size asked, from a DCT scale of 2 to 8, and the size asked is what chooses the scale.
import sharp from 'sharp';
import { LookalikeError } from '../errors.js';
import { probeImage, type DecodedImage, type ProbedImage } from './decode.js';
import { extraOrientation } from './orientation.js';
import { toPillowRgb } from './pillowConvert.js';
import { vipsMessage } from './sharpDecode.js';
import { sniffFormat, SNIFF_BYTES } from './sniffFormat.js';

/**
 * The intermediate's side over the model's resize side. It decides the DCT scale (sharpDctScale): at 2.5 a
 * 12 MP (3024 px short side) or 24 MP photo decodes at 1/4, to a libjpeg output still ≥ 3.1× the model's side
 * (1/4 needs a shrink ≥ 5); at 3 or 4 both stay at 1/2 (3 moves only the 24 MP ones). Measured by
 * bench/fastFidelity.ts on 21 camera-size JPEGs + the 2 fixtures (factor 4 → 2.5): fast preprocessing
 * 69 → 52 CPU-ms per 12 MP photo, 97 → 73 per 24 MP (most of what is left is libjpeg's entropy decoding, which
 * no DCT scale skips); mean |Δpx| vs exact 0.15 → 0.24, max 9 → 10; the generated base ViT's pooled cosine to
 * exact ≥ 0.999991 (tiny ≥ 0.999995). At 2 the cosines still hold (≥ 0.999985) but |Δpx| grows (0.31, max 13)
 * for no CPU saved on camera photos.
 */
export const FAST_INTERMEDIATE_FACTOR = 2.5;

/** The upright size the model resizes a (display-size) photo to. */
export type ResizeTarget = (width: number, height: number) => { width: number; height: number };

/**
 * A DecodedImage whose rgb is the shrunk intermediate; width/height stay the photo's own upright size.
 * `dctScale`: the 1/N libjpeg decoded at (2, 4 or 8), before the reduce to the intermediate.
 */
export type ShrunkImage = DecodedImage & { shrunk: true; dctScale: number };

/** No shrunk image: the exact decode follows, with the header already probed when it was. */
export interface NotShrunk {
  shrunk: false;
  probed: ProbedImage | null;
}

/** For measuring the rule (bench/fastFidelity.ts): another intermediate factor or reduce kernel. */
export interface ShrinkTuning {
  factor?: number;
  kernel?: 'linear' | 'cubic' | 'mitchell' | 'lanczos3';
}

/**
 * The DCT scale sharp picks for an overall shrink (pipeline.cc, fastShrinkOnLoad): the largest of 8, 4, 2 not
 * above it, halved when the shrink's integer part equals it ("known libjpeg rounding errors"). So 1/4 needs a
 * shrink of 5 or more, not 4, and a shrink under 3 gets no DCT scale at all.
 */
export function sharpDctScale(shrink: number): number {
  const scale = [8, 4, 2].find((n) => shrink >= n) ?? 1;
  return scale > 1 && Math.trunc(shrink) === scale ? scale / 2 : scale;
}

/**
 * The photo decoded small, or why not: this file gets the exact decode when it is not a JPEG, is CMYK (Pillow's
 * own conversion), or is too small for libjpeg's scaling to help.
 */
export async function decodeShrunk(
  bytes: Buffer, target: ResizeTarget, maxPixels: number, tuning: ShrinkTuning = {},
): Promise<ShrunkImage | NotShrunk> {
  const sniffed = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
  if (sniffed.kind !== 'raster' || sniffed.format !== 'jpeg') return { shrunk: false, probed: null };
  const probed = await probeImage(bytes, maxPixels);
  const { format, name, meta } = probed;
  const exact: NotShrunk = { shrunk: false, probed };
  if (meta.space === 'cmyk' || meta.depth !== 'uchar') return exact;
  const tagged = meta.orientation !== undefined && meta.orientation >= 1 && meta.orientation <= 8 ? meta.orientation : 1;
  const turned = tagged >= 5;
  const width = turned ? meta.height! : meta.width!;
  const height = turned ? meta.width! : meta.height!;
  const want = target(width, height);
  const factor = tuning.factor ?? FAST_INTERMEDIATE_FACTOR;
  const shrink = Math.min(width / want.width, height / want.height) / factor;
  const mid = { width: Math.round(width / shrink), height: Math.round(height / shrink) };
  // The shrink sharp itself sees (of the rounded size): where it would not DCT-scale (under 3), decode exactly.
  const dctScale = sharpDctScale(Math.min(width / mid.width, height / mid.height));
  if (dctScale === 1) return exact;
  // An orientation only in XMP (which libvips ignores, Pillow does not): rare enough to take the exact decode.
  if (meta.orientation === undefined && extraOrientation(bytes, format) !== undefined) return exact;
  let output;
  try {
    output = await sharp(bytes, { limitInputPixels: maxPixels, failOn: 'error', ignoreIcc: true, autoOrient: true, pages: 1 })
      // 'linear': the reduce left after the DCT scale is under 2.5×, and the Pillow filter after it is wider.
      .resize(mid.width, mid.height, { fit: 'fill', kernel: tuning.kernel ?? 'linear', fastShrinkOnLoad: true })
      .raw()
      .toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new LookalikeError('failed', `truncated or corrupt ${name}: ${vipsMessage(error)}`, { cause: error });
  }
  const { data, info } = output;
  const samples = new Uint8Array(data.buffer, data.byteOffset, data.length);
  // 8-bit RGB is already what Pillow's convert('RGB') gives; grey and alpha go through its rules.
  const pixels = info.channels === 3 ? samples : toPillowRgb({ data: samples, width: info.width, height: info.height, channels: info.channels, cmyk: false });
  const rgb = { data: pixels, width: info.width, height: info.height };
  return { rgb, format, width, height, orientation: tagged, hasAlpha: meta.hasAlpha === true, shrunk: true, dctScale };
}
