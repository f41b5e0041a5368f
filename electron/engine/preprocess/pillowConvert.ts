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
 * 8-bit RGB is already Pillow's RGB: its samples are returned as they are, not copied (on a 12 MP photo the
 * copy cost ~75 ms, more than the resample), so the caller must not change them afterwards.
 */
export function toPillowRgb(samples: DecodedSamples): Uint8Array {
  const { data, width, height, channels, cmyk, clipGrey } = samples;
  const pixels = width * height;
  if (cmyk) {
    if (channels !== 4 || !(data instanceof Uint8Array)) throw new Error('unsupported CMYK layout');
    return cmykToRgb(data, pixels);
  }
  if (data instanceof Uint8Array) {
    if (channels === 3) return data.length === pixels * 3 ? data : data.subarray(0, pixels * 3);
    return channels <= 2 ? greyToRgb(data, pixels, channels) : dropAlpha(data, pixels, channels);
  }
  return wideToRgb(data, pixels, channels, clipGrey ?? channels === 1);
}

function cmykToRgb(data: Uint8Array, pixels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0; i < pixels * 4; i += 4, o += 3) {
    const nk = 255 - data[i + 3]!;
    out[o] = nk - muldiv255(data[i]!, nk);
    out[o + 1] = nk - muldiv255(data[i + 1]!, nk);
    out[o + 2] = nk - muldiv255(data[i + 2]!, nk);
  }
  return out;
}

function greyToRgb(data: Uint8Array, pixels: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0; o < pixels * 3; i += channels, o += 3) {
    const v = data[i]!;
    out[o] = v;
    out[o + 1] = v;
    out[o + 2] = v;
  }
  return out;
}

function dropAlpha(data: Uint8Array, pixels: number, channels: number): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  for (let i = 0, o = 0; o < pixels * 3; i += channels, o += 3) {
    out[o] = data[i]!;
    out[o + 1] = data[i + 1]!;
    out[o + 2] = data[i + 2]!;
  }
  return out;
}

/** 16-bit samples: the high byte, or (Pillow's mode I grey) the value clipped to 0..255. */
function wideToRgb(data: Uint16Array | Int16Array, pixels: number, channels: number, clip: boolean): Uint8Array {
  const out = new Uint8Array(pixels * 3);
  const sample = (i: number): number => (clip ? Math.max(0, Math.min(data[i]!, 255)) : data[i]! >> 8);
  const grey = channels <= 2;
  for (let p = 0, i = 0, o = 0; p < pixels; p++, i += channels, o += 3) {
    const r = sample(i);
    out[o] = r;
    out[o + 1] = grey ? r : sample(i + 1);
    out[o + 2] = grey ? r : sample(i + 2);
  }
  return out;
}

/** Pillow's MULDIV255: a*b/255 rounded, in integers. */
function muldiv255(a: number, b: number): number {
  const tmp = a * b + 128;
  return ((tmp >> 8) + tmp) >> 8;
}
