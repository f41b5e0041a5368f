// Pillow's Image.resize for 8-bit RGB, reproduced to the bit: ImagingResample's separable convolution
// (horizontal pass, then vertical), the kernel widened by the scale factor when shrinking (Pillow's
// antialiasing, which transformers.js lacks), 8-bit fixed-point coefficients with PRECISION_BITS = 22 and
// clipping; NEAREST is Pillow's affine nearest rule instead (ImagingScaleAffine).
import { PillowResample, type PillowResampleId, type RgbImage } from '../types.js';
import { wasmResample } from './wasmResample.js';

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

// A library's photos come in a handful of sizes: their tables are computed once and reused.
const coefficientCache = new Map<string, Coefficients>();
const COEFFICIENT_CACHE_SIZE = 32;

function coefficientsFor(inSize: number, outSize: number, resample: Exclude<PillowResampleId, 0>): Coefficients {
  const key = `${inSize}:${outSize}:${resample}`;
  let c = coefficientCache.get(key);
  if (c) return c;
  c = precomputeCoefficients(inSize, outSize, FILTERS[resample]);
  if (coefficientCache.size >= COEFFICIENT_CACHE_SIZE) coefficientCache.delete(coefficientCache.keys().next().value!);
  coefficientCache.set(key, c);
  return c;
}

const clip8 = (v: number): number => {
  const s = v >> PRECISION_BITS;
  return s < 0 ? 0 : s > 255 ? 255 : s;
};

/** 'auto': the WASM SIMD passes where the runtime has them; 'js': the JS passes (the same bytes, slower). */
export type ResizeEngine = 'auto' | 'js';

/**
 * Resizes like `PIL.Image.resize((outWidth, outHeight), resample)` on an RGB image, optionally computing
 * only `window` of the output (same values as resizing fully and cropping).
 */
export function pillowResize(
  src: RgbImage, outWidth: number, outHeight: number, resample: PillowResampleId, window?: OutputWindow,
  engine: ResizeEngine = 'auto',
): RgbImage {
  const win = window ?? { x: 0, y: 0, width: outWidth, height: outHeight };
  if (win.x < 0 || win.y < 0 || win.x + win.width > outWidth || win.y + win.height > outHeight) {
    throw new RangeError('resize window lies outside the output');
  }
  if (win.width === 0 || win.height === 0) return { data: new Uint8Array(0), width: win.width, height: win.height };
  if (src.width === outWidth && src.height === outHeight) return cropRgb(src, win);
  if (resample === PillowResample.NEAREST) return nearestResize(src, outWidth, outHeight, win);
  // Pillow skips a pass whose size does not change.
  const needHorizontal = outWidth !== src.width;
  const needVertical = outHeight !== src.height;
  const vertical = needVertical ? coefficientsFor(src.height, outHeight, resample) : null;

  // Input rows that the window's output rows read: only those get the horizontal pass.
  const last = win.y + win.height - 1;
  const rowFirst = vertical ? vertical.first[win.y]! : win.y;
  const rowEnd = vertical ? vertical.first[last]! + vertical.count[last]! : win.y + win.height;
  const horizontal = needHorizontal ? coefficientsFor(src.width, outWidth, resample) : null;
  const simd = engine === 'js' ? null : wasmResample({
    data: src.data, srcWidth: src.width, horizontal, vertical, x0: win.x, width: win.width, y0: win.y, height: win.height, rowFirst, rowEnd,
  });
  if (simd) return { data: simd, width: win.width, height: vertical ? win.height : rowEnd - rowFirst };
  const mid = horizontal
    ? horizontalPass(src, horizontal, win.x, win.width, rowFirst, rowEnd)
    : cropRgb(src, { x: win.x, y: rowFirst, width: win.width, height: rowEnd - rowFirst });
  if (!vertical) return mid;
  return verticalPass(mid, vertical, win.y, win.height, rowFirst);
}

// The sums below are plain JS numbers: every product and partial sum is an integer far below 2^53, so they are
// exact, and Pillow's int32 sums never overflow by construction, so `>>` then sees the same value C does.

function horizontalPass(
  src: RgbImage, c: Coefficients, x0: number, width: number, rowFirst: number, rowEnd: number,
): RgbImage {
  const rows = rowEnd - rowFirst;
  const stride = src.width * 3;
  const out = new Uint8Array(width * rows * 3);
  let y = 0;
  // Two rows at a time share each weight load, the loop's main cost after the pixel loads (~25% faster).
  for (; y + 1 < rows; y += 2) horizontalRows(src.data, stride, c, x0, width, (y + rowFirst) * stride, out, y * width * 3, true);
  if (y < rows) horizontalRows(src.data, stride, c, x0, width, (y + rowFirst) * stride, out, y * width * 3, false);
  return { data: out, width, height: rows };
}

/** One output row (or two, the second from the next input row) of the horizontal pass. */
function horizontalRows(
  data: Uint8Array, stride: number, c: Coefficients, x0: number, width: number,
  rowStart: number, out: Uint8Array, outStart: number, pair: boolean,
): void {
  const { ksize, first, count, weights } = c;
  const next = width * 3;
  let o = outStart;
  for (let xx = x0; xx < x0 + width; xx++, o += 3) {
    let k = xx * ksize;
    const end = k + count[xx]!;
    let p = rowStart + first[xx]! * 3;
    let r0 = HALF, g0 = HALF, b0 = HALF, r1 = HALF, g1 = HALF, b1 = HALF;
    if (pair) {
      for (; k < end; k++, p += 3) {
        const w = weights[k]!;
        const q = p + stride;
        r0 += data[p]! * w;
        g0 += data[p + 1]! * w;
        b0 += data[p + 2]! * w;
        r1 += data[q]! * w;
        g1 += data[q + 1]! * w;
        b1 += data[q + 2]! * w;
      }
      out[o + next] = clip8(r1);
      out[o + next + 1] = clip8(g1);
      out[o + next + 2] = clip8(b1);
    } else {
      for (; k < end; k++, p += 3) {
        const w = weights[k]!;
        r0 += data[p]! * w;
        g0 += data[p + 1]! * w;
        b0 += data[p + 2]! * w;
      }
    }
    out[o] = clip8(r0);
    out[o + 1] = clip8(g0);
    out[o + 2] = clip8(b0);
  }
}

function verticalPass(mid: RgbImage, c: Coefficients, y0: number, height: number, rowFirst: number): RgbImage {
  const rowLength = mid.width * 3;
  const out = new Uint8Array(rowLength * height);
  const { ksize, first, count, weights } = c;
  const data = mid.data;
  // One output row at a time: each source row is added in whole with its one weight (sequential reads).
  const sums = new Float64Array(rowLength);
  for (let yy = 0; yy < height; yy++) {
    const outRow = yy + y0;
    const n = count[outRow]!;
    const kBase = outRow * ksize;
    let p = (first[outRow]! - rowFirst) * rowLength;
    sums.fill(HALF);
    for (let y = 0; y < n; y++, p += rowLength) {
      const w = weights[kBase + y]!;
      for (let i = 0; i < rowLength; i++) sums[i] = sums[i]! + data[p + i]! * w;
    }
    const o = yy * rowLength;
    for (let i = 0; i < rowLength; i++) out[o + i] = clip8(sums[i]!);
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
