// A 32×32 area-averaged thumbnail of the upright decoded RGB, kept per file so the `same-pixels` tier can
// recognise a lossy EXIF-rotated copy without decoding anything again.
//
// Why a rotated copy needs more than the pixel hash: phones and editors "rotate" a JPEG by re-encoding the
// turned pixels and writing a new Orientation tag, so upright the copy matches the original only within JPEG
// noise. Area averaging over ~(side/32)² pixels per cell shrinks that noise far below what any edit does, and
// two statistics over the 3072 values separate the cases (measured on /work/shared/photos, 29 photos, 720 px long
// side, the noisiest case: bigger photos average more pixels per cell):
//
//                               mean |Δ| over cells×RGB        max |Δ brightness| of one cell
//   exif_rot90 vs original      0.16 – 0.40                     0.7 – 1.7
//   jpeg_q70 / webp re-encode   0.31 – 0.63                     ≤ 2.3  (same Orientation tag: never compared)
//   jpeg_q35 (rotated copy vs)  0.68 – 1.20                     ≤ 3.3
//   watermark (small text)      0.12 – 0.86                     3.0 – 45   <- only the local statistic sees it
//   grayscale                   ≥ 1.41                          ≥ 4.7
//   bright15 / gamma_contrast   ≥ 2.86 / ≥ 5.68                 large
//   distinct-similar pairs      ≥ 24.9                          ≥ 59
//
// Tolerances sit between the rotated copies and the nearest edit on both statistics (see ROTATED_COPY_TOLERANCE).
import { pillowResize } from '../preprocess/index.js';
import { PillowResample, type RgbImage } from '../types.js';

export const PIXEL_THUMB_SIDE = 32;
export const PIXEL_THUMB_BYTES = PIXEL_THUMB_SIDE * PIXEL_THUMB_SIDE * 3;

/**
 * Limits for "the same picture, re-encoded once": mean absolute difference over all cells and channels, and the
 * largest brightness (channel-mean) difference of a single cell. Rotated copies reach 0.40 and 1.7 at most;
 * the nearest edits start at 0.68 (a q35 re-encode) and 3.0 (a watermark), so each limit leaves ~1.5× margin on
 * both sides.
 */
export const ROTATED_COPY_TOLERANCE = { meanAbs: 0.6, cellBrightness: 2.5 } as const;

/** The thumbnail of an upright decoded image: Pillow's BOX filter (an exact area average), RGB interleaved. */
export function pixelThumb(rgb: RgbImage): Uint8Array {
  return pillowResize(rgb, PIXEL_THUMB_SIDE, PIXEL_THUMB_SIDE, PillowResample.BOX).data;
}

export function isPixelThumb(value: unknown): value is Uint8Array {
  return value instanceof Uint8Array && value.length === PIXEL_THUMB_BYTES;
}

/** Mean of all values: |mean(a) − mean(b)| ≤ meanAbs(a, b), so sorting by it prunes candidates losslessly. */
export function thumbMean(thumb: Uint8Array): number {
  let sum = 0;
  for (let i = 0; i < thumb.length; i++) sum += thumb[i]!;
  return sum / thumb.length;
}

export interface ThumbDifference {
  meanAbs: number;
  cellBrightness: number;
}

export function thumbDifference(a: Uint8Array, b: Uint8Array): ThumbDifference {
  if (a.length !== b.length || a.length % 3 !== 0) throw new RangeError('pixel thumbnails differ in size');
  let sum = 0;
  let cellMax = 0;
  for (let i = 0; i < a.length; i += 3) {
    const dr = a[i]! - b[i]!;
    const dg = a[i + 1]! - b[i + 1]!;
    const db = a[i + 2]! - b[i + 2]!;
    sum += Math.abs(dr) + Math.abs(dg) + Math.abs(db);
    const cell = Math.abs(dr + dg + db) / 3;
    if (cell > cellMax) cellMax = cell;
  }
  return { meanAbs: sum / a.length, cellBrightness: cellMax };
}

export function withinReencodeNoise(d: ThumbDifference): boolean {
  return d.meanAbs <= ROTATED_COPY_TOLERANCE.meanAbs && d.cellBrightness <= ROTATED_COPY_TOLERANCE.cellBrightness;
}
