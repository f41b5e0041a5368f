// The steps after decoding, as HF's image processors run them: resize size, centre crop (with HF's rounding
// and zero padding), rescale (float64 product cast to float32) and normalise (float32), written as CHW.
import type { ProcessorConfig, RgbImage } from '../types.js';
import type { OutputWindow } from './pillowResize.js';

/** Where the pixels of one image go: resize to (resizeWidth, resizeHeight), then crop/pad to the output. */
export interface TensorPlan {
  resizeWidth: number;
  resizeHeight: number;
  outWidth: number;
  outHeight: number;
  /** Output pixel (x, y) comes from resized pixel (x + offsetX, y + offsetY), or is padding outside it. */
  offsetX: number;
  offsetY: number;
  /** The part of the resized image that the output keeps (empty when the output is all padding). */
  window: OutputWindow;
}

/** transformers' get_resize_output_image_size, then center_crop's arithmetic (Python's floor division). */
export function planTensor(width: number, height: number, cfg: ProcessorConfig): TensorPlan {
  let resizeWidth = width;
  let resizeHeight = height;
  if (cfg.doResize) {
    if ('shortestEdge' in cfg.size) {
      const target = cfg.size.shortestEdge;
      const [short, long] = width <= height ? [width, height] : [height, width];
      const newLong = Math.trunc((target * long) / short);
      [resizeWidth, resizeHeight] = width <= height ? [target, newLong] : [newLong, target];
    } else {
      resizeWidth = cfg.size.width;
      resizeHeight = cfg.size.height;
    }
  }
  if (!cfg.doCenterCrop || cfg.cropSize === null) {
    const whole = { x: 0, y: 0, width: resizeWidth, height: resizeHeight };
    return { resizeWidth, resizeHeight, outWidth: resizeWidth, outHeight: resizeHeight, offsetX: 0, offsetY: 0, window: whole };
  }
  const { width: outWidth, height: outHeight } = cfg.cropSize;
  // HF pads with zeros when the crop is larger; the padded crop then starts at -ceil(pad / 2), which is
  // the same floor((resized - crop) / 2) as the plain crop.
  const offsetX = Math.floor((resizeWidth - outWidth) / 2);
  const offsetY = Math.floor((resizeHeight - outHeight) / 2);
  const x0 = Math.max(offsetX, 0);
  const y0 = Math.max(offsetY, 0);
  const window = {
    x: x0,
    y: y0,
    width: Math.max(Math.min(offsetX + outWidth, resizeWidth) - x0, 0),
    height: Math.max(Math.min(offsetY + outHeight, resizeHeight) - y0, 0),
  };
  return { resizeWidth, resizeHeight, outWidth, outHeight, offsetX, offsetY, window };
}

/** The [3, H, W] every image gets, or null when it depends on the image (shortest edge without a crop). */
export function fixedTensorShape(cfg: ProcessorConfig): [3, number, number] | null {
  if (cfg.doCenterCrop && cfg.cropSize) return [3, cfg.cropSize.height, cfg.cropSize.width];
  if (!cfg.doResize || 'shortestEdge' in cfg.size) return null;
  return [3, cfg.size.height, cfg.size.width];
}

/**
 * For each channel, the float32 value that a uint8 sample becomes: 256 entries, computed in the same
 * precision steps as numpy in HF's rescale() and normalize(), so the lookup is bit-exact.
 */
export function pixelValueTable(cfg: ProcessorConfig): [Float32Array, Float32Array, Float32Array] {
  const table = (channel: 0 | 1 | 2): Float32Array => {
    const out = new Float32Array(256);
    const mean = Math.fround(cfg.imageMean[channel]);
    const std = Math.fround(cfg.imageStd[channel]);
    for (let v = 0; v < 256; v++) {
      let x = cfg.doRescale ? Math.fround(v * cfg.rescaleFactor) : v;
      if (cfg.doNormalize) x = Math.fround(Math.fround(x - mean) / std);
      out[v] = x;
    }
    return out;
  };
  return [table(0), table(1), table(2)];
}

/**
 * Writes the window of the resized image (`pixels`, exactly plan.window's size) into `out` at `offset` as
 * [3, outHeight, outWidth] float32, padding outside it with the value of a 0 sample (HF pads before rescale).
 */
export function writePixelValues(
  pixels: RgbImage, plan: TensorPlan, tables: [Float32Array, Float32Array, Float32Array],
  out: Float32Array, offset: number,
): void {
  const { outWidth, outHeight, window } = plan;
  const plane = outWidth * outHeight;
  if (pixels.width !== window.width || pixels.height !== window.height) {
    throw new RangeError('pixels do not match the plan window');
  }
  if (offset < 0 || offset + 3 * plane > out.length) throw new RangeError('tensor does not fit the output buffer');
  const padded = window.width !== outWidth || window.height !== outHeight;
  for (let c = 0; c < 3; c++) {
    const lut = tables[c as 0 | 1 | 2];
    const base = offset + c * plane;
    if (padded) out.fill(lut[0]!, base, base + plane);
    const left = window.x - plan.offsetX;
    const top = window.y - plan.offsetY;
    const src = pixels.data;
    for (let y = 0; y < window.height; y++) {
      let o = base + (y + top) * outWidth + left;
      let p = y * window.width * 3 + c;
      for (let x = 0; x < window.width; x++, p += 3) out[o++] = lut[src[p]!]!;
    }
  }
}
