// Decode + preprocess, giving the pixel_values that HF's image-feature-extraction pipeline computes in Python.
import type { ProcessorConfig, RgbImage } from '../types.js';
import { decodeImage, type DecodedImage, type DecodeOptions } from './decode.js';
import { pillowResize } from './pillowResize.js';
import { pixelValueTable, planTensor, writePixelValues } from './toTensor.js';

export interface TensorTarget {
  /** A batch buffer to write into (no copy); a fresh array is made when absent. */
  out?: Float32Array;
  /** Where this image's [3, H, W] starts in `out`, in elements. */
  offset?: number;
}

export interface PreprocessResult {
  /** This image's [3, height, width] values (a view into `out` when one was given). */
  tensor: Float32Array;
  height: number;
  width: number;
}

const tablesByConfig = new WeakMap<ProcessorConfig, ReturnType<typeof pixelValueTable>>();

/** Resize, crop, rescale and normalise an already decoded image. */
export function pixelValuesFromRgb(rgb: RgbImage, cfg: ProcessorConfig, target: TensorTarget = {}): PreprocessResult {
  const plan = planTensor(rgb.width, rgb.height, cfg);
  let tables = tablesByConfig.get(cfg);
  if (!tables) {
    tables = pixelValueTable(cfg);
    tablesByConfig.set(cfg, tables);
  }
  const size = 3 * plan.outWidth * plan.outHeight;
  const offset = target.offset ?? 0;
  const out = target.out ?? new Float32Array(size);
  const { window } = plan;
  // Only the pixels the crop keeps are resized: each output pixel depends on its own coefficients alone.
  const pixels = pillowResize(rgb, plan.resizeWidth, plan.resizeHeight, cfg.resample, window);
  writePixelValues(pixels, plan, tables, out, offset);
  return { tensor: out.subarray(offset, offset + size), height: plan.outHeight, width: plan.outWidth };
}

export async function preprocessImage(
  input: string | Buffer, cfg: ProcessorConfig, options: DecodeOptions & TensorTarget = {},
): Promise<PreprocessResult & { decoded: DecodedImage }> {
  const decoded = await decodeImage(input, options);
  return { ...pixelValuesFromRgb(decoded.rgb, cfg, options), decoded };
}
