// IEEE half-precision storage for the library's vectors: 1M × 768 float32 is 3 GB, as halves 1.5 GB. A unit
// vector's halves keep ~3.3 significant digits per coordinate, so a cosine moves by ~1e-5 (a score point is
// 5e-3): exact enough to rescore and to show, without going back to the catalog's float32 blobs.
// Decoding is a 64k-entry table lookup, which measured faster than float32 loads on 768-d dot products (half the
// memory traffic): 458 vs 698 ms per 400k products on this 2-core VM.
import { float16ToNumber } from '../export/float16.js';

// The conversions are the export's (one implementation of binary16, checked bit for bit against numpy there).
export { float16Bits as toHalfBits } from '../export/float16.js';

/** HALF[bits] is the value of those bits. */
export const HALF: Float32Array = (() => {
  const t = new Float32Array(65536);
  for (let h = 0; h < 65536; h++) t[h] = float16ToNumber(h);
  return t;
})();
