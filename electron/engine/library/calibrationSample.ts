// Which photos a calibration measures, and how close different photos come.
//
// The sample: distinct contents (by content and pixel hash), spread over folders (an even share each, as far as
// a folder has photos) and, inside a folder, over time (evenly spaced in capture or modification order), so one
// big burst folder cannot make up the sample.
//
// "Different photos" must not include the duplicates a library already holds, or the distribution that should
// say how close *different* photos come would say how close copies come. A pair is left out when the photos
// share their pixels, were taken within seconds of each other, or are the same picture by their 32×32 pixel
// thumbnails (catalog pixel_thumb): normalised correlation ≥ SAME_PICTURE_CORRELATION, in RGB or in luma,
// allowing a centre crop to 90 % or 85 % and a mirror. That test needs no model. Measured on /work/shared/photos
// (29 photos, 406 edits): every edit but grayscale correlates ≥ 0.886 with its original (grayscale from 0.54 in
// RGB, hence luma too), and no two different originals above 0.727.
import path from 'node:path';

export const SAME_PICTURE_CORRELATION = 0.85;
export const SAME_SHOT_MS = 10_000;
const THUMB_SIDE = 32;

export interface SampleCandidate {
  path: string;
  contentHash: string;
  pixelHash: string | null;
  captureTime: number | null;
  mtimeMs: number;
}

/** Up to `n` distinct contents, an even share per folder, evenly spaced in time inside each. */
export function chooseSample<C extends SampleCandidate>(files: readonly C[], n: number): C[] {
  const seen = new Set<string>();
  const byFolder = new Map<string, C[]>();
  for (const f of [...files].sort((a, b) => (a.path < b.path ? -1 : 1))) {
    if (seen.has(f.contentHash) || (f.pixelHash !== null && seen.has(`px:${f.pixelHash}`))) continue;
    seen.add(f.contentHash);
    if (f.pixelHash !== null) seen.add(`px:${f.pixelHash}`);
    const dir = path.dirname(f.path);
    byFolder.set(dir, [...(byFolder.get(dir) ?? []), f]);
  }
  const folders = [...byFolder.values()];
  const quota = folders.map(() => 0);
  let left = n;
  while (left > 0 && folders.some((f, i) => quota[i]! < f.length)) {
    for (let i = 0; i < folders.length && left > 0; i++) {
      if (quota[i]! < folders[i]!.length) {
        quota[i]!++;
        left--;
      }
    }
  }
  return folders.flatMap((list, i) => {
    const ordered = [...list].sort((a, b) => (a.captureTime ?? a.mtimeMs) - (b.captureTime ?? b.mtimeMs) || (a.path < b.path ? -1 : 1));
    const q = quota[i]!;
    return Array.from({ length: q }, (_, k) => ordered[Math.floor(((k + 0.5) * ordered.length) / q)]!);
  });
}

/** z-scored planes of one thumbnail: RGB and luma, at full size and centre-cropped, plain and mirrored. */
export interface ThumbViews {
  rgb: Float32Array[];
  luma: Float32Array[];
}

function resampled(thumb: Uint8Array, scale: number, mirror: boolean, channel: (t: Uint8Array, i: number) => number, channels: number): Float32Array {
  const out = new Float32Array(THUMB_SIDE * THUMB_SIDE * channels);
  const offset = ((1 - scale) * THUMB_SIDE) / 2;
  const at = (x: number, y: number, c: number) => channel(thumb, (y * THUMB_SIDE + x) * 3 + c);
  for (let y = 0; y < THUMB_SIDE; y++) {
    for (let x = 0; x < THUMB_SIDE; x++) {
      let sx = offset + (x + 0.5) * scale - 0.5;
      const sy = offset + (y + 0.5) * scale - 0.5;
      if (mirror) sx = THUMB_SIDE - 1 - sx;
      const x0 = Math.max(0, Math.min(THUMB_SIDE - 1, Math.floor(sx)));
      const y0 = Math.max(0, Math.min(THUMB_SIDE - 1, Math.floor(sy)));
      const x1 = Math.min(THUMB_SIDE - 1, x0 + 1);
      const y1 = Math.min(THUMB_SIDE - 1, y0 + 1);
      const fx = Math.min(1, Math.max(0, sx - x0));
      const fy = Math.min(1, Math.max(0, sy - y0));
      for (let c = 0; c < channels; c++) {
        const top = at(x0, y0, c) * (1 - fx) + at(x1, y0, c) * fx;
        const bottom = at(x0, y1, c) * (1 - fx) + at(x1, y1, c) * fx;
        out[(y * THUMB_SIDE + x) * channels + c] = top * (1 - fy) + bottom * fy;
      }
    }
  }
  return zScore(out, channels);
}

function zScore(v: Float32Array, channels: number): Float32Array {
  for (let c = 0; c < channels; c++) {
    let sum = 0;
    let sq = 0;
    const n = v.length / channels;
    for (let i = c; i < v.length; i += channels) sum += v[i]!;
    const mean = sum / n;
    for (let i = c; i < v.length; i += channels) sq += (v[i]! - mean) ** 2;
    const sd = Math.max(1e-3, Math.sqrt(sq / n));
    for (let i = c; i < v.length; i += channels) v[i] = (v[i]! - mean) / sd;
  }
  return v;
}

const rgbChannel = (t: Uint8Array, i: number) => t[i]!;
const lumaChannel = (t: Uint8Array, i: number) => 0.299 * t[i - (i % 3)]! + 0.587 * t[i - (i % 3) + 1]! + 0.114 * t[i - (i % 3) + 2]!;

export function thumbViews(thumb: Uint8Array): ThumbViews {
  const views: ThumbViews = { rgb: [], luma: [] };
  for (const scale of [1, 0.9, 0.85]) {
    for (const mirror of [false, true]) {
      views.rgb.push(resampled(thumb, scale, mirror, rgbChannel, 3));
      views.luma.push(resampled(thumb, scale, mirror, lumaChannel, 1));
    }
  }
  return views;
}

const correlation = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s / a.length;
};

/** Best correlation of the two pictures over crop and mirror, in RGB and in luma. */
export function pictureCorrelation(a: ThumbViews, b: ThumbViews): number {
  let best = -1;
  for (const plane of ['rgb', 'luma'] as const) {
    for (let k = 0; k < a[plane].length; k++) {
      best = Math.max(best, correlation(a[plane][0]!, b[plane][k]!), correlation(a[plane][k]!, b[plane][0]!));
    }
  }
  return best;
}

export interface SampledPhoto extends SampleCandidate {
  /** Unit-length vector of the model being calibrated. */
  vector: Float32Array;
  views: ThumbViews | null;
}

const dot = (a: Float32Array, b: Float32Array): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
};

/** The two are one photo for calibration's "different photos": same pixels, same shot, or the same picture by their thumbnails. */
export function sameContent(a: SampledPhoto, b: SampledPhoto): boolean {
  if (a.pixelHash !== null && a.pixelHash === b.pixelHash) return true;
  if (a.captureTime !== null && b.captureTime !== null && Math.abs(a.captureTime - b.captureTime) <= SAME_SHOT_MS) return true;
  return a.views !== null && b.views !== null && pictureCorrelation(a.views, b.views) >= SAME_PICTURE_CORRELATION;
}

/** Each photo's cosine to its nearest different photo in the sample, and how many pairs were left out as copies. */
export function distinctNeighbours(sample: readonly SampledPhoto[]): { cosines: number[]; excludedPairs: number } {
  const cosines: number[] = [];
  const excluded = new Set<string>();
  for (let i = 0; i < sample.length; i++) {
    const order = sample.map((p, j) => ({ j, cos: j === i ? -Infinity : dot(sample[i]!.vector, p.vector) })).sort((x, y) => y.cos - x.cos);
    for (const { j, cos } of order) {
      if (j === i) continue;
      if (sameContent(sample[i]!, sample[j]!)) {
        excluded.add(i < j ? `${i}:${j}` : `${j}:${i}`);
        continue;
      }
      cosines.push(cos);
      break;
    }
  }
  return { cosines, excludedPairs: excluded.size };
}
