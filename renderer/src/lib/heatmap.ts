// Patch-similarity heatmap: each value is one patch's best cosine match in the other image. Painted at grid
// resolution (e.g. 14×14) and left to the browser to scale smoothly over the photo.

/** A perceptually ordered ramp (viridis' endpoints and middle), readable for the common colour deficiencies. */
const STOPS: readonly [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** t in [0, 1] → RGB on the ramp (clamped). */
export function heatColor(t: number): [number, number, number] {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (STOPS.length - 1);
  const i = Math.min(STOPS.length - 2, Math.floor(x));
  const f = x - i;
  const a = STOPS[i]!;
  const b = STOPS[i + 1]!;
  return [0, 1, 2].map((c) => Math.round(a[c]! + (b[c]! - a[c]!) * f)) as [number, number, number];
}

export interface HeatRange {
  min: number;
  max: number;
}

/**
 * The shared colour scale for both images of a pair. Relative (min..max of the pair), so the map shows where
 * the two agree most and least even when every patch of a near-duplicate sits above 0.95; the legend prints
 * the real cosine values at both ends.
 */
export function heatRange(...grids: ArrayLike<number>[]): HeatRange {
  let min = Infinity;
  let max = -Infinity;
  for (const g of grids) {
    for (let i = 0; i < g.length; i++) {
      const v = g[i]!;
      if (!Number.isFinite(v)) continue;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  if (min === Infinity) return { min: 0, max: 1 };
  return { min, max };
}

/** RGBA pixels (rows × cols) for a grid of values, row-major as the patch tokens are. */
export function heatPixels(values: ArrayLike<number>, cols: number, rows: number, range: HeatRange, alpha = 150): Uint8ClampedArray {
  if (values.length !== cols * rows) throw new Error(`heatmap has ${values.length} values, expected ${cols}×${rows}`);
  const out = new Uint8ClampedArray(cols * rows * 4);
  const span = range.max - range.min;
  for (let i = 0; i < values.length; i++) {
    const t = span > 1e-9 ? (values[i]! - range.min) / span : 1;
    const [r, g, b] = heatColor(t);
    out.set([r, g, b, alpha], i * 4);
  }
  return out;
}

/** A CSS linear-gradient of the ramp, for the legend. */
export function heatLegendGradient(): string {
  const stops = STOPS.map(([r, g, b], i) => `rgb(${r} ${g} ${b}) ${(i / (STOPS.length - 1)) * 100}%`);
  return `linear-gradient(to right, ${stops.join(', ')})`;
}
