// The calibration rule: from two measured cosine distributions, where near duplicates start and where the
// looser `similar` band starts, for one model.
//
//   edits     cosine of a photo to a synthetic edit of itself (re-encode, resize, crop, brightness, padding,
//             watermark): what a person counts as the same photo;
//   distinct  cosine of a photo to its nearest *different* photo in the sample (plus every pair the user marked
//             "not a duplicate"): how close different photos come.
//
// Near-duplicate cut: the midpoint between the distinct p99 and the edits p05, when the edits' p05 is above
// the distinct p99 (the model separates the two; the cut sits between them). When it is not, the model mixes
// some edits with different photos, and precision wins, because a false merge is what gets a photo with no copy
// trashed: the midpoint moves up to the first of the edits' p10, p25, p50 that lies above the distinct p99, and
// when even the median edit does not, the cut is the distinct p99 itself and the calibration says it is not
// separated. So the cut is always above the distinct p99 and, where possible, below the edits' median.
// Similar band: from the distinct p90 (the closest tenth of different photos: bursts, same scene), or halfway
// between the distinct median and the cut when the p90 is not below the cut.

export interface Distribution {
  n: number;
  min: number;
  p05: number;
  p10: number;
  p25: number;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  max: number;
}

export interface CalibrationCut {
  /** Cosine at or above which a pair is a near duplicate (score DEFAULT_THRESHOLD on the calibrated scale). */
  near: number;
  /** Cosine where the `similar` band starts. */
  similar: number;
  /** True when the edits' p05 is above the distinct p99. */
  separated: boolean;
  /** Which edit percentile the cut was taken against. */
  editsPercentile: 'p05' | 'p10' | 'p25' | 'median' | null;
}

/** Linear interpolation between order statistics (numpy's default), of values sorted ascending. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const at = (sorted.length - 1) * p;
  const lo = Math.floor(at);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (at - lo) * (sorted[hi]! - sorted[lo]!);
}

export function describe(values: readonly number[]): Distribution {
  const s = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  const q = (p: number) => percentile(s, p);
  return { n: s.length, min: q(0), p05: q(0.05), p10: q(0.1), p25: q(0.25), median: q(0.5), p90: q(0.9), p95: q(0.95), p99: q(0.99), max: q(1) };
}

export function chooseCut(edits: Distribution, distinct: Distribution): CalibrationCut {
  if (edits.n === 0) throw new RangeError('no edit cosines to calibrate on');
  if (distinct.n === 0) {
    // One photo, or only copies of each other: nothing says how close different photos come; take the edits.
    return { near: edits.p05, similar: edits.p05 - (1 - edits.p05), separated: true, editsPercentile: 'p05' };
  }
  const lo = distinct.p99;
  const candidates = [['p05', edits.p05], ['p10', edits.p10], ['p25', edits.p25], ['median', edits.median]] as const;
  const above = candidates.find(([, v]) => v > lo);
  const near = above ? (lo + above[1]) / 2 : lo;
  let similar: number;
  if (distinct.p90 < near) similar = distinct.p90;
  else if (distinct.median < near) similar = (distinct.median + near) / 2;
  else similar = near - 0.01;
  return { near, similar, separated: above?.[0] === 'p05', editsPercentile: above?.[0] ?? null };
}

export interface Histogram {
  /** Lower edge of the first bin and width of each. */
  from: number;
  width: number;
  edits: number[];
  distinct: number[];
}

/** Both distributions over one set of bins, from the lowest value measured to cosine 1. */
export function histogram(edits: readonly number[], distinct: readonly number[], bins = 24): Histogram {
  const all = [...edits, ...distinct].filter((v) => Number.isFinite(v));
  const from = Math.min(0.999, ...all);
  const width = (1 - from) / bins;
  const count = (values: readonly number[]) => {
    const out = new Array<number>(bins).fill(0);
    for (const v of values) if (Number.isFinite(v)) out[Math.min(bins - 1, Math.max(0, Math.floor((v - from) / width)))]!++;
    return out;
  };
  return { from, width, edits: count(edits), distinct: count(distinct) };
}
