// sharp's prebuilt libvips reads HEIC headers but has no HEVC decoder, so HEIC pixels come from libheif
// compiled to wasm (heic-decode). libheif applies the container's irot/imir transforms itself; like libvips,
// we do not apply the EXIF Orientation on top (iPhone files carry both, and applying both rotates twice).
import { LookalikeError } from '../errors.js';
import type { RgbImage } from '../types.js';

export async function decodeHeicToRgb(bytes: Uint8Array): Promise<RgbImage> {
  const { default: decodeHeic } = await import('heic-decode');
  let decoded;
  try {
    decoded = await decodeHeic({ buffer: bytes });
  } catch (error) {
    throw new LookalikeError('failed', `corrupt or unsupported HEIC: ${errorText(error)}`, { cause: error });
  }
  const { width, height, data } = decoded;
  if (data.length !== width * height * 4) throw new LookalikeError('failed', 'corrupt HEIC: decoder returned a short buffer');
  const rgb = new Uint8Array(width * height * 3);
  for (let i = 0, o = 0; o < rgb.length; i += 4, o += 3) {
    rgb[o] = data[i]!;
    rgb[o + 1] = data[i + 1]!;
    rgb[o + 2] = data[i + 2]!;
  }
  return { data: rgb, width, height };
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
