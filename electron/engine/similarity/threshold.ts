// The user-facing 0–100 similarity scale and its mapping to cosine similarity of normalised embeddings.
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

/** Score (0–100) → the cosine similarity a pair must reach. */
export function thresholdToCosine(threshold: number): number {
  assertThreshold(threshold);
  return SCORE_ZERO_COSINE + (1 - SCORE_ZERO_COSINE) * (threshold / 100);
}

/** Cosine similarity → score (0–100), clamped; rounded to 0.1 so printed scores are stable. */
export function cosineToScore(cosine: number): number {
  if (Number.isNaN(cosine)) return 0;
  const raw = ((cosine - SCORE_ZERO_COSINE) / (1 - SCORE_ZERO_COSINE)) * 100;
  return Math.round(Math.min(100, Math.max(0, raw)) * 10) / 10;
}

/** Both cosine cut-offs for one threshold: near-duplicates at or above `near`, `similar` in [similar, near). */
export function tierCutoffs(threshold: number): { near: number; similar: number } {
  const near = thresholdToCosine(threshold);
  const similar = thresholdToCosine(Math.max(0, threshold - SIMILAR_BAND_WIDTH));
  return { near, similar };
}
