// Decodes a photo to upright 8-bit RGB the way transformers' `load_image` sees it: Pillow's open,
// `ImageOps.exif_transpose`, then `convert('RGB')`. Pixels come from sharp (libvips, sharpDecode.ts), from our
// BMP reader (bmpDecode.ts), libheif (heicFallback.ts) or geotiff for TIFFs libvips refuses (tiffFallback.ts);
// the conversion to RGB follows Pillow's arithmetic (pillowConvert.ts), not libvips' colour management.
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata } from 'sharp';
import { LookalikeError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { decodeBmp, parseBmpHeader } from './bmpDecode.js';
import { decodeHeicToRgb } from './heicFallback.js';
import { extraOrientation, orientRgb } from './orientation.js';
import { decodeWithSharp, refusedBySharp, vipsMessage } from './sharpDecode.js';
import { decodeTiffFallback, tiffFallbackSize } from './tiffFallback.js';
import { decodeRawImage, detectRaw, type RawFormat } from './rawPreview.js';
import { sniffFormat, SNIFF_BYTES, type RasterFormat } from './sniffFormat.js';

export interface DecodedImage {
  rgb: RgbImage;
  format: RasterFormat | RawFormat;
  /** Camera RAW files: the pixels are the embedded preview JPEG's (rawPreview.ts), not the sensor data's. */
  decodedFrom?: 'embedded-preview';
  /** Size as displayed, i.e. after the EXIF orientation. */
  width: number;
  height: number;
  /** The EXIF Orientation that was applied (1 when absent, and for HEIF/AVIF whose container rotates). */
  orientation: number;
  /** The file had an alpha channel (dropped, as Pillow's convert('RGB') drops it). */
  hasAlpha: boolean;
}

export interface DecodeOptions {
  /** Refuse images with more pixels than this, from the header, before decoding. */
  maxPixels?: number;
  /** These bytes' probeImage result, when the caller already has it (the fast mode probes first). */
  probed?: ProbedImage;
}

export const DEFAULT_MAX_PIXELS = 100_000_000;
/** No photo file is this big; a bigger one is refused before it is read into memory. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

const FORMAT_NAMES: Record<RasterFormat, string> = {
  jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', tiff: 'TIFF', heic: 'HEIC', avif: 'AVIF', bmp: 'BMP',
};

export { vipsMessage };

/** A photo we cannot read or refuse to decode: that file failed, nothing is wrong with the app. */
const decodeError = (message: string, cause?: unknown): LookalikeError => new LookalikeError('failed', message, { cause });

/** What the gate learnt from a file's bytes before any pixel is decoded. */
export interface ProbedImage {
  format: RasterFormat;
  /** The format's display name, for messages. */
  name: string;
  meta: Metadata;
}

/**
 * The one gate in front of every decoder (scans, compare, thumbnails): the first bytes must be a known raster
 * format (never SVG or anything unknown, whatever the file is called), and the header's size within maxPixels.
 * Only the header is parsed here.
 */
export async function probeImage(bytes: Buffer, maxPixels: number = DEFAULT_MAX_PIXELS): Promise<ProbedImage> {
  const sniffed = sniffFormat(bytes.subarray(0, SNIFF_BYTES));
  if (sniffed.kind === 'refused') throw decodeError(sniffed.reason);
  if (sniffed.kind === 'raw') throw decodeError(`${sniffed.format.toUpperCase()} is a camera RAW: it is read through decodeImage (its embedded preview)`);
  const format = sniffed.format;
  const name = FORMAT_NAMES[format];
  const meta = await readHeader(bytes, format, name);
  if (!meta.width || !meta.height) throw decodeError(`corrupt ${name}: no image size in the header`);
  if (meta.width * meta.height > maxPixels) {
    const limit = maxPixels % 1_000_000 === 0 ? `${maxPixels / 1_000_000} MP` : `${maxPixels} pixel`;
    throw decodeError(`image too large: ${meta.width}×${meta.height} exceeds the ${limit} limit`);
  }
  return { format, name, meta };
}

/**
 * sharp's header metadata; for BMP (which prebuilt libvips cannot read) and for TIFF headers libvips rejects,
 * the few fields our own readers know: width, height, channels, hasAlpha.
 */
async function readHeader(bytes: Buffer, format: RasterFormat, name: string): Promise<Metadata> {
  if (format === 'bmp') {
    const header = parseBmpHeader(bytes);
    return { width: header.width, height: header.height, channels: 3, hasAlpha: header.masks[3] !== 0 } as Metadata;
  }
  try {
    return await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    const size = format === 'tiff' ? await tiffFallbackSize(bytes).catch(() => null) : null;
    if (size) return { ...size, format: 'tiff', channels: 3, hasAlpha: false } as Metadata;
    throw refusedBySharp(error, bytes, format, name);
  }
}

export async function decodeImage(input: string | Buffer, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  const raw = detectRaw(bytes);
  if (raw) return decodeRawImage(bytes, raw, { maxPixels }, decodeImage);
  const { format, name, meta } = opts.probed ?? await probeImage(bytes, maxPixels);

  const decoded = await decodePixels(bytes, format, name, meta, maxPixels);
  const { rgb } = decoded;
  return { rgb, format, width: rgb.width, height: rgb.height, orientation: decoded.orientation, hasAlpha: decoded.hasAlpha };
}

interface Pixels {
  rgb: RgbImage;
  orientation: number;
  hasAlpha: boolean;
}

async function decodePixels(bytes: Buffer, format: RasterFormat, name: string, meta: Metadata, maxPixels: number): Promise<Pixels> {
  const hasAlpha = meta.hasAlpha === true;
  if (format === 'bmp') return { rgb: decodeBmp(bytes, parseBmpHeader(bytes)), orientation: 1, hasAlpha };
  // libvips drops the EXIF orientation of HEIF/AVIF: their container (irot/imir) already says how to turn.
  if (format === 'heic') return { rgb: await decodeHeicToRgb(bytes), orientation: 1, hasAlpha };
  let rgb: RgbImage;
  try {
    rgb = await decodeWithSharp({ bytes, meta, format, name, maxPixels });
  } catch (error) {
    if (format !== 'tiff') throw error;
    // What libvips refuses (ZSTD, tiled separate planes, odd headers) may still be a TIFF Pillow reads. When
    // the fallback fails too, its reason is shown where libvips did not even try (a compression or layout it
    // lacks), libvips' reason otherwise.
    return decodeTiffFallback(bytes, maxPixels).catch((fallbackError: unknown) => {
      throw libvipsLacksSupport(error) || isUnsupportedCompression(fallbackError) ? fallbackError : error;
    });
  }
  if (format === 'avif') return { rgb, orientation: 1, hasAlpha };
  if (meta.orientation !== undefined) return { rgb, orientation: validOrientation(meta.orientation), hasAlpha };
  // No EXIF Orientation libvips saw (so it turned nothing): Pillow also reads late eXIf, raw profiles and XMP.
  const found = extraOrientation(bytes, format);
  return found === undefined ? { rgb, orientation: 1, hasAlpha } : { rgb: orientRgb(rgb, found), orientation: found, hasAlpha };
}

/** A photo file's bytes, refusing what is no regular file or too big to be a photo, with the reason in words. */
export async function readImageFile(path: string): Promise<Buffer> {
  try {
    // stat before open: opening a FIFO for reading would block until a writer appears.
    const info = await stat(path);
    if (info.isDirectory()) throw new Error('not a file (a directory)');
    if (!info.isFile()) throw new Error('not a regular file (a FIFO, socket or device)');
    if (info.size === 0) throw new Error('empty file');
    if (info.size > MAX_FILE_BYTES) throw new Error(`file too large: ${info.size} bytes`);
    return await readFile(path);
  } catch (error) {
    throw decodeError(fileErrorText(error), error);
  }
}

function fileErrorText(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT': return 'file not found (or a dangling link)';
    case 'EACCES': case 'EPERM': return 'permission denied';
    case 'ELOOP': return 'too many levels of symbolic links';
    case 'EISDIR': return 'not a file (a directory)';
    case undefined: return error instanceof Error ? error.message : String(error);
    default: return `cannot read file (${code})`;
  }
}

function libvipsLacksSupport(error: unknown): boolean {
  return error instanceof LookalikeError && /support is not configured|not supported/.test(error.message);
}

function isUnsupportedCompression(error: unknown): boolean {
  return error instanceof LookalikeError && /^unsupported TIFF: .* compression/.test(error.message);
}

function validOrientation(value: number | undefined): number {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 8 ? value : 1;
}
