// The perceptual fingerprint of a photo, made from its stored 32×32 pixel thumbnail (pixelThumb.ts), so the scan
// needs no second decode and rows scanned before fingerprints existed get one from the catalog alone.
//
// Two documented 64-bit hashes of the thumbnail's luma, side by side (128 bits), compared as one Hamming distance:
//   - dHash (Krawetz, "Kind of Like That", 2013): the 32×32 luma area-averaged to 9×8, one bit per horizontal
//     neighbour pair (is the right cell brighter?);
//   - pHash (the DCT hash of pHash.org / Python imagehash.phash): 2-D DCT-II of the 32×32 luma, the 8×8 lowest
//     frequencies (DC included) against their median.
// Both ignore colour (greyscale copies keep their hash) and survive resizing, re-encoding and brightness or
// gamma changes; neither survives a mirror, and a crop moves them by about as much as a different photo.
// Why both: each alone lets some different photos come close, and they fail on different pairs. Measured on
// /work/shared/photos (29 originals, 406 variants; all pairs of one original's copies except crop85 and flip_h,
// against all pairs of files of two different originals):
//
//                        copies, max     different photos, min     different-but-similar pairs (truth.json)
//   pHash (64 bits)      10              4 (a stereo pair)         6, 24, 30, 34
//   dHash (64 bits)       7              10                        18, 20, 25, 29
//   both (128 bits)      12              22                        ≥ 24
//
// Per transform, original to copy, dHash+pHash (median / max of 29): resize50 0/4, resize25 2/7, jpeg_q35 0/5,
// webp 0/4, bright15 3/10, gamma_contrast 2/7, grayscale 2/6, watermark 2/8, exif_rot90 0/4 (upright);
// crop85 33/52 (2 of 29 within 15), flip_h 62/86.
// Hence DEFAULT_PERCEPTUAL_DISTANCE below. The two guards of the near-identical tier need two more numbers of the
// thumbnail, kept with the hashes (18 bytes in all): how much detail it has and how colourful it is.
import { PIXEL_THUMB_SIDE, isPixelThumb } from './pixelThumb.js';

/** dHash (8 bytes) ‖ pHash (8 bytes) ‖ luma standard deviation (1 byte) ‖ mean chroma (1 byte). */
export const PERCEPTUAL_PRINT_BYTES = 18;
export const PERCEPTUAL_HASH_BITS = 128;
const HASH_BYTES = 16;

/**
 * Largest Hamming distance (of 128 bits) that still means "the same photo, re-encoded, resized or retouched",
 * when the library has no calibration of its own: copies of one photo reach 12 on the corpus, different photos
 * start at 22 (header table).
 */
export const DEFAULT_PERCEPTUAL_DISTANCE = 15;

/**
 * Below this luma standard deviation (0–255) a thumbnail is near-uniform (sky, a wall, a dark frame): its bits
 * are set by noise and vignetting more than by the picture, so two different such photos can hash alike. The
 * least detailed photo of the corpus (a wood texture) sits at 9.3.
 */
export const LOW_DETAIL_STD = 6;
/** Mean chroma (max − min of R, G, B, 0–255) below which a thumbnail is greyscale: 0.0 for the corpus' grey copies, ≥ 2.4 for its colour photos. */
export const GREYSCALE_CHROMA = 1.5;

const SIDE = PIXEL_THUMB_SIDE;

function luma(thumb: Uint8Array): Float64Array {
  const out = new Float64Array(SIDE * SIDE);
  for (let i = 0; i < out.length; i++) out[i] = 0.299 * thumb[3 * i]! + 0.587 * thumb[3 * i + 1]! + 0.114 * thumb[3 * i + 2]!;
  return out;
}

/** Exact area average of the 32×32 plane into w × h cells (cells straddle pixels when 32 is no multiple of w). */
function areaAverage(plane: Float64Array, w: number, h: number): Float64Array {
  const out = new Float64Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = (y * SIDE) / h;
    const y1 = ((y + 1) * SIDE) / h;
    for (let x = 0; x < w; x++) {
      const x0 = (x * SIDE) / w;
      const x1 = ((x + 1) * SIDE) / w;
      let sum = 0;
      for (let py = Math.floor(y0); py < Math.ceil(y1); py++) {
        const wy = Math.min(py + 1, y1) - Math.max(py, y0);
        for (let px = Math.floor(x0); px < Math.ceil(x1); px++) {
          sum += plane[py * SIDE + px]! * wy * (Math.min(px + 1, x1) - Math.max(px, x0));
        }
      }
      out[y * w + x] = sum / ((x1 - x0) * (y1 - y0));
    }
  }
  return out;
}

/** cos(π·u·(2x+1)/64) for the 8 lowest frequencies u: the DCT-II basis (its scale does not change a median test). */
const DCT_BASIS: Float64Array[] = Array.from({ length: 8 }, (_, u) => Float64Array.from({ length: SIDE }, (_, x) => Math.cos((Math.PI * u * (2 * x + 1)) / (2 * SIDE))));

function lowDct(plane: Float64Array): Float64Array {
  const rows = new Float64Array(SIDE * 8);
  for (let y = 0; y < SIDE; y++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let x = 0; x < SIDE; x++) s += plane[y * SIDE + x]! * DCT_BASIS[u]![x]!;
      rows[y * 8 + u] = s;
    }
  }
  const out = new Float64Array(64);
  for (let v = 0; v < 8; v++) {
    for (let u = 0; u < 8; u++) {
      let s = 0;
      for (let y = 0; y < SIDE; y++) s += rows[y * 8 + u]! * DCT_BASIS[v]![y]!;
      out[v * 8 + u] = s;
    }
  }
  return out;
}

function median(values: Float64Array): number {
  const s = Float64Array.from(values).sort();
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** Sets bit i (most significant first) of out[offset…offset+8) where test(i). */
function packBits(out: Uint8Array, offset: number, test: (i: number) => boolean): void {
  for (let i = 0; i < 64; i++) if (test(i)) out[offset + (i >> 3)]! |= 0x80 >> (i & 7);
}

function detailAndChroma(thumb: Uint8Array, plane: Float64Array): { std: number; chroma: number } {
  let mean = 0;
  for (const v of plane) mean += v;
  mean /= plane.length;
  let sq = 0;
  for (const v of plane) sq += (v - mean) ** 2;
  let chroma = 0;
  for (let i = 0; i < thumb.length; i += 3) {
    const r = thumb[i]!;
    const g = thumb[i + 1]!;
    const b = thumb[i + 2]!;
    chroma += Math.max(r, g, b) - Math.min(r, g, b);
  }
  return { std: Math.sqrt(sq / plane.length), chroma: chroma / (thumb.length / 3) };
}

/** The 18-byte fingerprint of a 32×32 upright RGB thumbnail (pixelThumb.ts). */
export function perceptualPrint(thumb: Uint8Array): Uint8Array {
  if (!isPixelThumb(thumb)) throw new RangeError(`a perceptual fingerprint needs a ${SIDE}×${SIDE} RGB thumbnail`);
  const plane = luma(thumb);
  const out = new Uint8Array(PERCEPTUAL_PRINT_BYTES);
  const cells = areaAverage(plane, 9, 8);
  packBits(out, 0, (i) => cells[(i >> 3) * 9 + (i & 7) + 1]! > cells[(i >> 3) * 9 + (i & 7)]!);
  const dct = lowDct(plane);
  const med = median(dct);
  packBits(out, 8, (i) => dct[i]! > med);
  const { std, chroma } = detailAndChroma(thumb, plane);
  out[16] = Math.min(255, Math.round(std));
  out[17] = Math.min(255, Math.round(chroma * 10));
  return out;
}

export function isPerceptualPrint(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === PERCEPTUAL_PRINT_BYTES;
}

const POPCOUNT = Uint8Array.from({ length: 256 }, (_, i) => {
  let n = 0;
  for (let v = i; v; v &= v - 1) n++;
  return n;
});

/** Hamming distance of the two 128-bit hashes (0 = same fingerprint, 128 = every bit differs). */
export function hammingDistance(a: Uint8Array, b: Uint8Array): number {
  let d = 0;
  for (let i = 0; i < HASH_BYTES; i++) d += POPCOUNT[a[i]! ^ b[i]!]!;
  return d;
}

/** Luma standard deviation of the thumbnail, 0–255 (rounded). */
export const printDetail = (p: Uint8Array): number => p[16]!;
/** Mean chroma of the thumbnail, 0–25.5 in steps of 0.1 (255 stored for anything more colourful). */
export const printChroma = (p: Uint8Array): number => p[17]! / 10;

export const isLowDetail = (p: Uint8Array): boolean => printDetail(p) < LOW_DETAIL_STD;
export const isGreyscale = (p: Uint8Array): boolean => printChroma(p) < GREYSCALE_CHROMA;

/** The hash part as hex (32 digits), for people and exports. */
export const printHex = (p: Uint8Array): string => Buffer.from(p.subarray(0, HASH_BYTES)).toString('hex');
