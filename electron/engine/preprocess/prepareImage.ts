// Everything the engine needs from one photo before the model runs: its pixel_values, what the decoder found
// (size, format, orientation) and, for the scanner, the pixel hash and the 32×32 thumbnail. The same function
// runs in a preprocessing worker (preprocessWorker.ts) and in-process, so both give the same bytes, and the
// full-size RGB never leaves the thread that decoded it.
import type { PreprocessMode } from '../../shared/values.js';
import { pixelThumb } from '../similarity/pixelThumb.js';
import type { ProcessorConfig } from '../types.js';
import type { DecodedImage } from './decode.js';
import { pixelHash } from './pixelHash.js';
import { preprocessImage } from './preprocessImage.js';

/** A DecodedImage without its pixels: what callers of prepare() read. */
export type DecodedInfo = Omit<DecodedImage, 'rgb'>;

export interface PrepareRequest {
  input: string | Buffer;
  mode: PreprocessMode;
  maxPixels: number | undefined;
  /** true: also the pixel hash and thumbnail (a scan); false: the tensor alone (embed, compare, export). */
  extras: boolean;
}

export interface PreparedPixels {
  /** [3, H, W] normalised pixel values. */
  tensor: Float32Array;
  decoded: DecodedInfo;
  /** Present when the request asked for extras. */
  pixelHash?: string;
  pixelThumb?: Uint8Array;
}

export function decodedInfo(decoded: DecodedImage): DecodedInfo {
  const { format, decodedFrom, width, height, orientation, hasAlpha } = decoded;
  return decodedFrom === undefined ? { format, width, height, orientation, hasAlpha } : { format, decodedFrom, width, height, orientation, hasAlpha };
}

export async function prepareImage(req: PrepareRequest, cfg: ProcessorConfig): Promise<PreparedPixels> {
  const { tensor, decoded } = await preprocessImage(req.input, cfg, { maxPixels: req.maxPixels, mode: req.mode });
  const info = decodedInfo(decoded);
  if (!req.extras) return { tensor, decoded: info };
  // From the RGB already decoded: a box filter over it costs a few ms, a second decode would not.
  return { tensor, decoded: info, pixelHash: pixelHash(decoded.rgb), pixelThumb: pixelThumb(decoded.rgb) };
}
