// Pillow's Image.resize for 8-bit RGB, reproduced to the bit: ImagingResample's separable convolution
// (horizontal pass, then vertical), the kernel widened by the scale factor when shrinking (Pillow's
// antialiasing, which transformers.js lacks), 8-bit fixed-point coefficients with PRECISION_BITS = 22 and
// clipping; NEAREST is Pillow's affine nearest rule instead (ImagingScaleAffine).
import { PillowResample, type PillowResampleId, type RgbImage } from '../types.js';

/** An output sub-rectangle: computing only the pixels a centre crop keeps gives the very same values. */
export interface OutputWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

interface Filter {
  weight: (x: number) => number;
  support: number;
}

// Pillow writes these constants as C floats: 0.54f and 0.46f.
const HAMMING_A = Math.fround(0.54);
const HAMMING_B = Math.fround(0.46);

const sinc = (x: number): number => {
  if (x === 0) return 1;
  const px = x * Math.PI;
  return Math.sin(px) / px;
};

const FILTERS: Record<Exclude<PillowResampleId, 0>, Filter> = {
  [PillowResample.BOX]: { support: 0.5, weight: (x) => (x > -0.5 && x <= 0.5 ? 1 : 0) },
  [PillowResample.BILINEAR]: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      return a < 1 ? 1 - a : 0;
    },
  },
  [PillowResample.HAMMING]: {
    support: 1,
    weight: (x) => {
      const a = Math.abs(x);
      if (a === 0) return 1;
      if (a >= 1) return 0;
      const px = a * Math.PI;
      return (Math.sin(px) / px) * (HAMMING_A + HAMMING_B * Math.cos(px));
    },
  },
  [PillowResample.BICUBIC]: {
    support: 2,
    weight: (x) => {
      const a = -0.5;
      const ax = Math.abs(x);
      if (ax < 1) return ((a + 2) * ax - (a + 3)) * ax * ax + 1;
      if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * a;
      return 0;
    },
  },
  [PillowResample.LANCZOS]: { support: 3, weight: (x) => (x >= -3 && x < 3 ? sinc(x) * sinc(x / 3) : 0) },
};

const PRECISION_BITS = 32 - 8 - 2;
const HALF = 1 << (PRECISION_BITS - 1);

/** Per output position: first input index, tap count, and ksize fixed-point weights. */
interface Coefficients {
  ksize: number;
  first: Int32Array;
  count: Int32Array;
  weights: Int32Array;
}

/** Pillow's precompute_coeffs + normalize_coeffs_8bpc for the box [0, inSize). */
function precomputeCoefficients(inSize: number, outSize: number, filter: Filter): Coefficients {
  const scale = inSize / outSize;
  const filterScale = Math.max(scale, 1);
  const support = filterScale * filter.support;
  const ksize = Math.ceil(support) * 2 + 1;
  const first = new Int32Array(outSize);
  const count = new Int32Array(outSize);
  const weights = new Int32Array(outSize * ksize);
  const k = new Float64Array(ksize);
  const ss = 1 / filterScale;
  for (let xx = 0; xx < outSize; xx++) {
    const center = (xx + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    const xmin = Math.max(Math.trunc(center - support + 0.5), 0);
    const xmax = Math.min(Math.trunc(center + support + 0.5), inSize) - xmin;
    let ww = 0;
    for (let x = 0; x < xmax; x++) {
      const w = filter.weight((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    for (let x = 0; x < xmax; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      const scaled = w * (1 << PRECISION_BITS);
      weights[xx * ksize + x] = Math.trunc(w < 0 ? scaled - 0.5 : scaled + 0.5);
    }
    first[xx] = xmin;
    count[xx] = xmax;
  }
  return { ksize, first, count, weights };
}

const clip8 = (v: number): number => {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
};

/**
 * Resizes like `PIL.Image.resize((outWidth, outHeight), resample)` on an RGB image, optionally computing
 * only `window` of the output (same values as resizing fully and cropping).
 */
export function pillowResize(
  src: RgbImage, outWidth: number, outHeight: number, resample: PillowResampleId, window?: OutputWindow,
): RgbImage {
  const win = window ?? { x: 0, y: 0, width: outWidth, height: outHeight };
  if (win.x < 0 || win.y < 0 || win.x + win.width > outWidth || win.y + win.height > outHeight) {
    throw new RangeError('resize window lies outside the output');
  }
  if (win.width === 0 || win.height === 0) return { data: new Uint8Array(0), width: win.width, height: win.height };
  if (src.width === outWidth && src.height === outHeight) return cropRgb(src, win);
  if (resample === PillowResample.NEAREST) return nearestResize(src, outWidth, outHeight, win);
  const filter = FILTERS[resample];
  const horizontal = precomputeCoefficients(src.width, outWidth, filter);
  const vertical = precomputeCoefficients(src.height, outHeight, filter);
  // Pillow skips a pass whose size does not change.
  const needHorizontal = outWidth !== src.width;
  const needVertical = outHeight !== src.height;

  // Input rows that the window's output rows read.
  const rowFirst = needVertical ? vertical.first[win.y]! : win.y;
  const last = win.y + win.height - 1;
  const rowEnd = needVertical ? vertical.first[last]! + vertical.count[last]! : win.y + win.height;
  const mid = needHorizontal
    ? horizontalPass(src, horizontal, win.x, win.width, rowFirst, rowEnd)
    : cropRgb(src, { x: win.x, y: rowFirst, width: win.width, height: rowEnd - rowFirst });
  if (!needVertical) return mid;
  return verticalPass(mid, vertical, win.y, win.height, rowFirst);
}

function horizontalPass(
  src: RgbImage, c: Coefficients, x0: number, width: number, rowFirst: number, rowEnd: number,
): RgbImage {
  const rows = rowEnd - rowFirst;
  const out = new Uint8Array(width * rows * 3);
  const { ksize, first, count, weights } = c;
  const data = src.data;
  const stride = src.width * 3;
  for (let y = 0; y < rows; y++) {
    const rowStart = (y + rowFirst) * stride;
    let o = y * width * 3;
    for (let xx = x0; xx < x0 + width; xx++) {
      const n = count[xx]!;
      const kBase = xx * ksize;
      let p = rowStart + first[xx]! * 3;
      let s0 = HALF, s1 = HALF, s2 = HALF;
      for (let x = 0; x < n; x++, p += 3) {
        const w = weights[kBase + x]!;
        // Math.imul and |0 keep V8 on int32 arithmetic; Pillow's sums fit in an int32 by construction.
        s0 = (s0 + Math.imul(data[p]!, w)) | 0;
        s1 = (s1 + Math.imul(data[p + 1]!, w)) | 0;
        s2 = (s2 + Math.imul(data[p + 2]!, w)) | 0;
      }
      out[o++] = clip8(s0);
      out[o++] = clip8(s1);
      out[o++] = clip8(s2);
    }
  }
  return { data: out, width, height: rows };
}

function verticalPass(mid: RgbImage, c: Coefficients, y0: number, height: number, rowFirst: number): RgbImage {
  const rowLength = mid.width * 3;
  const out = new Uint8Array(rowLength * height);
  const { ksize, first, count, weights } = c;
  const data = mid.data;
  for (let yy = 0; yy < height; yy++) {
    const outRow = yy + y0;
    const n = count[outRow]!;
    const kBase = outRow * ksize;
    const top = (first[outRow]! - rowFirst) * rowLength;
    const o = yy * rowLength;
    // The few source rows of one output row stay in cache, so walking down a column is cheap.
    for (let i = 0; i < rowLength; i++) {
      let s = HALF;
      for (let y = 0, p = top + i; y < n; y++, p += rowLength) {
        s = (s + Math.imul(data[p]!, weights[kBase + y]!)) | 0;
      }
      out[o + i] = clip8(s);
    }
  }
  return { data: out, width: mid.width, height };
}

/** Pillow's NEAREST resize: an affine scale whose source coordinate is accumulated in doubles. */
function nearestResize(src: RgbImage, outWidth: number, outHeight: number, win: OutputWindow): RgbImage {
  const xs = nearestTable(src.width, outWidth);
  const ys = nearestTable(src.height, outHeight);
  const out = new Uint8Array(win.width * win.height * 3);
  let o = 0;
  for (let y = win.y; y < win.y + win.height; y++) {
    const sy = ys[y]!;
    for (let x = win.x; x < win.x + win.width; x++, o += 3) {
      const sx = xs[x]!;
      // Pillow leaves a pixel whose source falls outside the image at 0.
      if (sy < 0 || sx < 0) continue;
      const p = (sy * src.width + sx) * 3;
      out[o] = src.data[p]!;
      out[o + 1] = src.data[p + 1]!;
      out[o + 2] = src.data[p + 2]!;
    }
  }
  return { data: out, width: win.width, height: win.height };
}

function nearestTable(inSize: number, outSize: number): Int32Array {
  const step = inSize / outSize;
  const table = new Int32Array(outSize);
  let at = step * 0.5;
  for (let i = 0; i < outSize; i++) {
    // Pillow's COORD(), with -1 for a source outside the image (rounding could push the last one out).
    const index = at < 0 ? -1 : Math.trunc(at);
    table[i] = index < inSize ? index : -1;
    at += step;
  }
  return table;
}

function cropRgb(src: RgbImage, win: OutputWindow): RgbImage {
  if (win.x === 0 && win.y === 0 && win.width === src.width && win.height === src.height) {
    return { data: src.data.slice(), width: src.width, height: src.height };
  }
  const out = new Uint8Array(win.width * win.height * 3);
  for (let y = 0; y < win.height; y++) {
    const start = ((y + win.y) * src.width + win.x) * 3;
    out.set(src.data.subarray(start, start + win.width * 3), y * win.width * 3);
  }
  return { data: out, width: win.width, height: win.height };
}
