// The WASM SIMD passes (preprocess/wasmResample.ts) against the JS passes, which test/engine/preprocess/
// pillowResize.test.ts holds to Pillow: the same bytes for every filter, window and shape, on random pixels.
import { describe, expect, it } from 'vitest';
import { pillowResize } from '../../../electron/engine/preprocess/pillowResize.js';
import { wasmResampleAvailable } from '../../../electron/engine/preprocess/wasmResample.js';
import { PillowResample, type PillowResampleId } from '../../../electron/engine/types.js';

function random(seed: number): () => number {
  let s = seed;
  return () => {
    s = (Math.imul(s, 1103515245) + 12345) & 0x7fffffff;
    return s / 0x7fffffff;
  };
}

const FILTERS: PillowResampleId[] = [
  PillowResample.BILINEAR, PillowResample.BICUBIC, PillowResample.LANCZOS, PillowResample.HAMMING, PillowResample.BOX,
];

describe('WASM SIMD resample', () => {
  it('writes the same bytes as the JS passes, for every filter, window and shape', () => {
    expect(wasmResampleAvailable()).toBe(true);
    const rnd = random(13);
    let cases = 0;
    for (let t = 0; t < 150; t++) {
      const width = 1 + Math.floor(rnd() * (t % 15 === 0 ? 700 : 160));
      const height = 1 + Math.floor(rnd() * (t % 15 === 0 ? 500 : 160));
      // Saturated samples make the clipping count: Lanczos and bicubic overshoot past 0 and 255.
      const data = Uint8Array.from({ length: width * height * 3 }, () => (rnd() < 0.2 ? (rnd() < 0.5 ? 0 : 255) : Math.floor(rnd() * 256)));
      const outW = rnd() < 0.15 ? width : 1 + Math.floor(rnd() * 300);
      const outH = rnd() < 0.15 ? height : 1 + Math.floor(rnd() * 300);
      const x = Math.floor(rnd() * outW);
      const y = Math.floor(rnd() * outH);
      const window = rnd() < 0.5 ? undefined : { x, y, width: Math.floor(rnd() * (outW - x + 1)), height: Math.floor(rnd() * (outH - y + 1)) };
      const filter = FILTERS[t % FILTERS.length]!;
      const src = { data, width, height };
      const simd = pillowResize(src, outW, outH, filter, window, 'auto');
      const js = pillowResize(src, outW, outH, filter, window, 'js');
      expect([simd.width, simd.height]).toEqual([js.width, js.height]);
      expect(Buffer.compare(Buffer.from(simd.data), Buffer.from(js.data)), `${width}×${height} → ${outW}×${outH} filter ${filter}`).toBe(0);
      cases++;
    }
    expect(cases).toBe(150);
  });
});
