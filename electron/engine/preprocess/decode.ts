// Decodes a photo to upright 8-bit RGB the way transformers' `load_image` sees it: Pillow's open,
// `ImageOps.exif_transpose`, then `convert('RGB')`. Pixels come from sharp (libvips); the conversion to RGB
// follows Pillow's arithmetic (pillowConvert.ts), not libvips' colour management.
import { readFile, stat } from 'node:fs/promises';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { LookalikeError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { fillTransparent, gifTransparentColour } from './gifTransparency.js';
import { decodeHeicToRgb } from './heicFallback.js';
import { toPillowRgb } from './pillowConvert.js';
import { sniffFormat, SNIFF_BYTES, type RasterFormat } from './sniffFormat.js';

export interface DecodedImage {
  rgb: RgbImage;
  format: RasterFormat;
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
}

export const DEFAULT_MAX_PIXELS = 100_000_000;
/** No photo file is this big; a bigger one is refused before it is read into memory. */
const MAX_FILE_BYTES = 1024 * 1024 * 1024;

const FORMAT_NAMES: Record<RasterFormat, string> = {
  jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', tiff: 'TIFF', heic: 'HEIC', avif: 'AVIF',
};

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
  const format = sniffed.format;
  const name = FORMAT_NAMES[format];
  let meta: Metadata;
  try {
    meta = await sharp(bytes, { limitInputPixels: false }).metadata();
  } catch (error) {
    throw decodeError(`truncated or corrupt ${name}: ${vipsMessage(error)}`, error);
  }
  if (!meta.width || !meta.height) throw decodeError(`corrupt ${name}: no image size in the header`);
  if (meta.width * meta.height > maxPixels) {
    const limit = maxPixels % 1_000_000 === 0 ? `${maxPixels / 1_000_000} MP` : `${maxPixels} pixel`;
    throw decodeError(`image too large: ${meta.width}×${meta.height} exceeds the ${limit} limit`);
  }
  return { format, name, meta };
}

export async function decodeImage(input: string | Buffer, opts: DecodeOptions = {}): Promise<DecodedImage> {
  const maxPixels = opts.maxPixels ?? DEFAULT_MAX_PIXELS;
  const bytes = typeof input === 'string' ? await readImageFile(input) : input;
  const { format, name, meta } = await probeImage(bytes, maxPixels);

  // libvips drops the EXIF orientation of HEIF/AVIF: their container (irot/imir) already says how to turn.
  const orientation = format === 'heic' || format === 'avif' ? 1 : validOrientation(meta.orientation);
  const rgb = format === 'heic'
    ? await decodeHeicToRgb(bytes)
    : await decodeWithSharp(bytes, meta, name, maxPixels);
  return { rgb, format, width: rgb.width, height: rgb.height, orientation, hasAlpha: meta.hasAlpha === true };
}

async function decodeWithSharp(bytes: Buffer, meta: Metadata, name: string, maxPixels: number): Promise<RgbImage> {
  // ignoreIcc: Pillow ignores embedded profiles, so must we. failOn 'error' refuses cut-off files (as Pillow
  // does) and PNG chunks with bad CRCs, but lets through the libjpeg warnings that Pillow also ignores.
  let pipeline = sharp(bytes, {
    limitInputPixels: maxPixels, failOn: 'error', ignoreIcc: true, autoOrient: true, pages: 1,
  });
  const cmyk = meta.space === 'cmyk';
  if (cmyk) {
    // Keep the raw C, M, Y, K samples: Pillow converts them with a naive formula, not the CMYK ICC profile.
    pipeline = pipeline.pipelineColourspace('cmyk').toColourspace('cmyk').raw();
  } else if (meta.depth === 'ushort') {
    // Keep all 16 bits: Pillow's rule differs between grey (clip) and colour (high byte).
    pipeline = pipeline.toColourspace(meta.space === 'grey16' ? 'grey16' : 'rgb16').raw({ depth: 'ushort' });
  } else {
    pipeline = pipeline.raw();
  }
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw decodeError(`truncated or corrupt ${name}: ${vipsMessage(error)}`, error);
  }
  const { data, info } = output;
  const sixteen = meta.depth === 'ushort' && !cmyk;
  const samples = sixteen ? asUint16(data) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const rgb = toPillowRgb({ data: samples, width: info.width, height: info.height, channels: info.channels, cmyk });
  const gifColour = meta.format === 'gif' && info.channels === 4 ? gifTransparentColour(bytes) : null;
  if (gifColour && samples instanceof Uint8Array) fillTransparent(samples, rgb, gifColour);
  return { data: rgb, width: info.width, height: info.height };
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

function validOrientation(value: number | undefined): number {
  return value !== undefined && Number.isInteger(value) && value >= 1 && value <= 8 ? value : 1;
}

function asUint16(data: Buffer): Uint16Array {
  // sharp writes 16-bit samples in the machine's byte order; a view needs 2-byte alignment.
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
}

export function vipsMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // libvips prefixes loader names ("VipsJpeg: ") and repeats lines; keep the first useful line.
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'decode failed';
  const reason = line.replace(/^Vips\w+:\s*/i, '');
  return reason === 'Unknown error' ? 'the decoder rejected the data' : reason;
}
