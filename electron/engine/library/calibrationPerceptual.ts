// The near-identical tier's Hamming distance, calibrated in the same run and on the same sample as the model's
// cosine threshold (calibration.ts): the fingerprint of each sampled photo against those of its synthetic edits
// (the edits a fingerprint is meant to survive: re-encode, resize, brightness, watermark; not the crop or the
// letterbox, which move any global hash as far as a different photo), and against its nearest different photo
// in the sample (the same "different" as the cosines: copies the library already holds are left out).
//
// The rule, like the cosine one (calibrationRule.ts), puts precision first: the distance sits halfway between the
// edits' p95 and the distinct p01, and never at or above the distinct p01; when the two overlap, it is one bit
// below the distinct p01 (however few edits that admits: the embedding still finds the rest). It stays within
// [MIN, MAX]: below MIN a re-encode's noise already breaks it; above MAX the index slows and photos collide.
import { DEFAULT_PERCEPTUAL_DISTANCE, hammingDistance, isPerceptualPrint, perceptualPrint } from '../similarity/perceptualHash.js';
import { isPixelThumb } from '../similarity/pixelThumb.js';
import type { CalibrationEdit } from './calibrationEdits.js';
import { describe, percentile, type Distribution } from './calibrationRule.js';
import { sameContent, type SampledPhoto } from './calibrationSample.js';

export const FINGERPRINT_EDITS: ReadonlySet<CalibrationEdit> = new Set(['jpeg_q70', 'resize50', 'bright+10', 'bright-10', 'watermark']);
const MIN_DISTANCE = 2;
const MAX_DISTANCE = 24;

export interface PerceptualCalibration {
  /** The tier's Hamming distance (of 128 bits) at the default threshold. */
  distance: number;
  /** The edits' p95 is below the distinct p01. */
  separated: boolean;
  edits: Distribution;
  distinct: Distribution;
}

/** A photo's fingerprint from what the catalog holds: the stored one, else its stored thumbnail's. */
export function storedPrint(row: { perceptualPrint?: Uint8Array | null; pixelThumb: Uint8Array | null } | null): Uint8Array | null {
  if (!row) return null;
  if (isPerceptualPrint(row.perceptualPrint)) return row.perceptualPrint;
  return isPixelThumb(row.pixelThumb) ? perceptualPrint(row.pixelThumb) : null;
}

/** Each photo's Hamming distance to its nearest different photo in the sample (copies left out as the cosines do). */
export function distinctHammings(sample: readonly (SampledPhoto & { print: Uint8Array | null })[]): number[] {
  const out: number[] = [];
  sample.forEach((a, i) => {
    if (!a.print) return;
    let best = Number.POSITIVE_INFINITY;
    sample.forEach((b, j) => {
      if (j === i || !b.print) return;
      const d = hammingDistance(a.print!, b.print);
      if (d < best && !sameContent(a, b)) best = d;
    });
    if (Number.isFinite(best)) out.push(best);
  });
  return out;
}

export function choosePerceptualDistance(editHammings: readonly number[], distinct: readonly number[]): PerceptualCalibration {
  const edits = describe(editHammings);
  const dist = describe(distinct);
  const clamp = (d: number) => Math.max(MIN_DISTANCE, Math.min(MAX_DISTANCE, d));
  if (edits.n === 0) return { distance: DEFAULT_PERCEPTUAL_DISTANCE, separated: false, edits, distinct: dist };
  // Nothing says how close different photos come (one photo, or only copies): what the edits need, at least the default.
  if (dist.n === 0) return { distance: clamp(Math.max(DEFAULT_PERCEPTUAL_DISTANCE, Math.ceil(edits.p95))), separated: true, edits, distinct: dist };
  const distinctLow = percentile([...distinct].sort((a, b) => a - b), 0.01);
  const below = Math.ceil(distinctLow) - 1;
  const separated = edits.p95 < distinctLow;
  const distance = separated ? Math.min(Math.floor((edits.p95 + distinctLow) / 2), below) : below;
  return { distance: clamp(distance), separated, edits, distinct: dist };
}
