// Turns decoded samples into 8-bit RGB with the arithmetic of Pillow's `Image.convert('RGB')`, which is what
// transformers' `load_image` runs. Pillow never composites: alpha is dropped, colour under alpha 0 is kept.

/** Samples as sharp hands them over: interleaved, 1 to 4 channels, 8 or 16 bits (16-bit in a 16-bit array). */
export interface DecodedSamples {
  data: Uint8Array | Uint16Array | Int16Array;
  width: number;
  height: number;
  channels: number;
  /** 'cmyk' when the 4 channels are C, M, Y, K (already un-inverted for Adobe JPEGs, as Pillow has them). */
  cmyk: boolean;
  /** 16-bit grey that Pillow opens as mode I (also with a tRNS alpha libvips added): clip, not high byte. */
  clipGrey?: boolean;
}

/**
 * Pillow's cmyk2rgb: `255 - K - C * (255 - K) / 255` with its integer MULDIV255 rounding, no ICC profile.
 * The 16-bit rules: 16-bit grey without alpha opens as mode I and `convert('RGB')` clips at 255 (so most
 * of the range turns white); every other 16-bit mode (RGB;16B, RGBA;16B, LA;16B) keeps the high byte.
 */
export function toPillowRgb(samples: DecodedSamples): Uint8Array {
  const { data, width, height, channels, cmyk, clipGrey } = samples;
  const pixels = width * height;
  const out = new Uint8Array(pixels * 3);
  if (cmyk) {
    if (channels !== 4 || !(data instanceof Uint8Array)) throw new Error('unsupported CMYK layout');
    for (let i = 0, o = 0; i < pixels * 4; i += 4, o += 3) {
      const nk = 255 - data[i + 3]!;
      out[o] = nk - muldiv255(data[i]!, nk);
      out[o + 1] = nk - muldiv255(data[i + 1]!, nk);
      out[o + 2] = nk - muldiv255(data[i + 2]!, nk);
    }
    return out;
  }
  const sample = sampleReader(data, clipGrey ?? channels === 1);
  if (channels <= 2) {
    for (let p = 0, o = 0; p < pixels; p++, o += 3) {
      const v = sample(p * channels);
      out[o] = v;
      out[o + 1] = v;
      out[o + 2] = v;
    }
    return out;
  }
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 3) {
    out[o] = sample(i);
    out[o + 1] = sample(i + 1);
    out[o + 2] = sample(i + 2);
  }
  return out;
}

function sampleReader(data: Uint8Array | Uint16Array | Int16Array, clip: boolean): (index: number) => number {
  if (data instanceof Uint8Array) return (i) => data[i]!;
  // Pillow opens a 16-bit grey PNG/TIFF without alpha as I / I;16 / I;16S, whose RGB conversion clips.
  if (clip) return (i) => Math.max(0, Math.min(data[i]!, 255));
  return (i) => data[i]! >> 8;
}

/** Pillow's MULDIV255: a*b/255 rounded, in integers. */
function muldiv255(a: number, b: number): number {
  const tmp = a * b + 128;
  return ((tmp >> 8) + tmp) >> 8;
}
