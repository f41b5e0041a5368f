import { createXXHash128 } from 'hash-wasm';
import type { RgbImage } from '../types.js';

// One hasher for the process: creating it instantiates wasm (async), hashing with it is synchronous, and
// JS runs one pixelHash at a time, so init/update/digest never interleave.
const hasher = await createXXHash128();

/**
 * XXH3-128 (hex) of the image's width, height and oriented 8-bit RGB bytes: equal for a lossless re-encode
 * or an EXIF-rotated copy, different after any lossy re-encode. Fast enough to run on every decoded photo.
 */
export function pixelHash(rgb: RgbImage): string {
  const header = new Uint8Array(8);
  const view = new DataView(header.buffer);
  view.setUint32(0, rgb.width, true);
  view.setUint32(4, rgb.height, true);
  hasher.init();
  hasher.update(header);
  hasher.update(rgb.data);
  return hasher.digest('hex');
}
