// The user-facing 0–100 similarity scale and its mapping to cosine similarity of normalised embeddings. A model
// with a calibration maps through its own measured cosines (ScoreScale below); the line here is the fallback.
//
// Why linear over [0.5, 1] rather than over [-1, 1] or [0, 1]: ViT embeddings of unrelated photos already sit
// around cosine 0.3–0.7, so a scale over the whole cosine range would spend most of its length on pairs nobody
// wants to see and squeeze every duplicate into the top few points. Anchoring 0 at cosine 0.5 gives each score
// point 0.005 of cosine, fine enough to separate "re-encoded" (≈ 0.99) from "burst shot" (≈ 0.9).
//
// Default 93 (cosine 0.965), calibrated with bench/quality.ts on /work/shared/photos and the generated tiny ViT:
// the lowest original↔variant cosines of the transforms the default must catch are crop85 0.969, resize25
// 0.998, jpeg_q35 0.9998, watermark 0.9998, so 93 (0.965) admits them all pairwise with their original, while
// the closest *different* original sits at a median 0.956 (score 91). Measured at 93: group precision 0.83 vs
// 0.74 at 90, and higher recall for every easy transform. The tiny model has random weights, so this is a
// calibration of the scale's plumbing more than of semantics: re-run the bench with LOOKALIKE_MODEL for a real one.

import { LookalikeError } from '../errors.js';
import { DEFAULT_THRESHOLD as DEFAULT_SCORE } from '../../shared/values.js';

/** Cosine similarity that score 0 stands for; anything below scores 0. */
export const SCORE_ZERO_COSINE = 0.5;

/** Default near-duplicate threshold on the 0–100 scale (the value lives with the product's other values). */
export { DEFAULT_THRESHOLD } from '../../shared/values.js';

/** The `similar` band starts this many score points below the near-duplicate threshold. */
export const SIMILAR_BAND_WIDTH = 10;

/** Lowest score the neighbour lists keep, so any threshold ≥ this regroups without a new search. */
export const STORED_SCORE_FLOOR = 50;

export function assertThreshold(threshold: number): void {
  if (!Number.isFinite(threshold) || threshold < 0 || threshold > 100) {
    throw new LookalikeError('invalid-request', `threshold must be a number from 0 to 100, got ${threshold}`);
  }
}

/**
 * How a model's cosines map to the 0–100 scale: a piecewise-linear curve through (score, cosine) anchors, both
 * strictly increasing. Uncalibrated it is the line above; a calibration (library/calibration*.ts) pins its
 * measured near-duplicate cosine to DEFAULT_THRESHOLD and its `similar` cosine to the band's start, so that 93
 * means "an edit, by this model's own measure" for every model, however its cosines happen to be spread.
 */
export interface ScoreScale {
  readonly anchors: readonly (readonly [score: number, cosine: number])[];
}

export const LINEAR_SCALE: ScoreScale = { anchors: [[0, SCORE_ZERO_COSINE], [100, 1]] };

/**
 * The scale of a calibrated model. Below the `similar` anchor the curve keeps the slope of the band above it
 * (bounded at cosine −1), so scores under the band stay comparable between models too.
 */
export function calibratedScale(cut: { near: number; similar: number }, nearScore = DEFAULT_SCORE): ScoreScale {
  const near = Math.min(cut.near, 1 - 1e-6);
  const similar = Math.min(cut.similar, near - 1e-6);
  const similarScore = nearScore - SIMILAR_BAND_WIDTH;
  const zero = Math.max(-1, similar - (similarScore / SIMILAR_BAND_WIDTH) * (near - similar));
  return { anchors: [[0, Math.min(zero, similar - 1e-6)], [similarScore, similar], [nearScore, near], [100, 1]] };
}

function interpolate(anchors: ScoreScale['anchors'], x: number, from: 0 | 1): number {
  const to = from === 0 ? 1 : 0;
  for (let i = 1; i < anchors.length; i++) {
    const a = anchors[i - 1]!;
    const b = anchors[i]!;
    if (x <= b[from] || i === anchors.length - 1) return a[to] + ((x - a[from]) / (b[from] - a[from])) * (b[to] - a[to]);
  }
  return anchors[0]![to];
}

/** Score (0–100) → the cosine similarity a pair must reach. */
export function thresholdToCosine(threshold: number, scale: ScoreScale = LINEAR_SCALE): number {
  assertThreshold(threshold);
  return interpolate(scale.anchors, threshold, 0);
}

/** Cosine similarity → score (0–100), clamped; rounded to 0.1 so printed scores are stable. */
export function cosineToScore(cosine: number, scale: ScoreScale = LINEAR_SCALE): number {
  if (Number.isNaN(cosine)) return 0;
  const raw = interpolate(scale.anchors, cosine, 1);
  return Math.round(Math.min(100, Math.max(0, raw)) * 10) / 10;
}

/** Both cosine cut-offs for one threshold: near-duplicates at or above `near`, `similar` in [similar, near). */
export function tierCutoffs(threshold: number, scale: ScoreScale = LINEAR_SCALE): { near: number; similar: number } {
  const near = thresholdToCosine(threshold, scale);
  const similar = thresholdToCosine(Math.max(0, threshold - SIMILAR_BAND_WIDTH), scale);
  return { near, similar };
}
