// Decode + preprocess, giving the pixel_values that HF's image-feature-extraction pipeline computes in Python
// ('exact'), or the same steps from a JPEG decoded at a DCT scale ('fast', shrinkOnLoad.ts).
import type { PreprocessMode } from '../../shared/values.js';
import type { ProcessorConfig, RgbImage } from '../types.js';
import { decodeImage, DEFAULT_MAX_PIXELS, readImageFile, type DecodedImage, type DecodeOptions } from './decode.js';
import { pillowResize } from './pillowResize.js';
import { decodeRawImage, detectRaw } from './rawPreview.js';
import { decodeShrunk, type ShrinkTuning } from './shrinkOnLoad.js';
import { pixelValueTable, planTensor, writePixelValues } from './toTensor.js';

export interface TensorTarget {
  /** A batch buffer to write into (no copy); a fresh array is made when absent. */
  out?: Float32Array;
  /** Where this image's [3, H, W] starts in `out`, in elements. */
  offset?: number;
}

export interface PreprocessOptions extends DecodeOptions, TensorTarget {
  /** Default 'exact'. */
  mode?: PreprocessMode;
  /** Fast mode's rule, changed only to measure it. */
  tuning?: ShrinkTuning;
}

export interface PreprocessResult {
  /** This image's [3, height, width] values (a view into `out` when one was given). */
  tensor: Float32Array;
  height: number;
  width: number;
}

const tablesByConfig = new WeakMap<ProcessorConfig, ReturnType<typeof pixelValueTable>>();

/**
 * Resize, crop, rescale and normalise an already decoded image. `planSize`: the photo's own size when `rgb` is
 * a shrunk copy of it, so the plan (resize size, crop) is the exact mode's.
 */
export function pixelValuesFromRgb(
  rgb: RgbImage, cfg: ProcessorConfig, target: TensorTarget = {}, planSize: { width: number; height: number } = rgb,
): PreprocessResult {
  const plan = planTensor(planSize.width, planSize.height, cfg);
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

/** Decodes as the mode says: the photo itself, or (fast) its DCT-scaled intermediate when that helps. */
export async function decodeForMode(input: string | Buffer, cfg: ProcessorConfig, options: PreprocessOptions = {}): Promise<DecodedImage> {
  if (options.mode !== 'fast') return decodeImage(input, options);
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  // A RAW's embedded preview is a JPEG like any other: it gets the same shrink-on-load.
  const raw = detectRaw(bytes);
  if (raw) return decodeRawImage(bytes, raw, { maxPixels: options.maxPixels }, (jpeg) => decodeForMode(jpeg, cfg, options));
  const resizeTarget = (width: number, height: number): { width: number; height: number } => {
    const plan = planTensor(width, height, cfg);
    return { width: plan.resizeWidth, height: plan.resizeHeight };
  };
  const shrunk = await decodeShrunk(bytes, resizeTarget, options.maxPixels ?? DEFAULT_MAX_PIXELS, options.tuning);
  if (shrunk.shrunk) return shrunk;
  return decodeImage(bytes, shrunk.probed ? { ...options, probed: shrunk.probed } : options);
}

export async function preprocessImage(
  input: string | Buffer, cfg: ProcessorConfig, options: PreprocessOptions = {},
): Promise<PreprocessResult & { decoded: DecodedImage }> {
  const decoded = await decodeForMode(input, cfg, options);
  return { ...pixelValuesFromRgb(decoded.rgb, cfg, options, decoded), decoded };
}
