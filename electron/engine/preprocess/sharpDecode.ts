// Pixels from sharp (libvips) for JPEG/MPO, PNG, GIF, WebP, TIFF and AVIF, turned into RGB with Pillow's
// arithmetic (pillowConvert.ts) rather than libvips' colour management.
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { LookalikeError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { fillTransparent, gifTransparentColour } from './gifTransparency.js';
import { damageReason } from './damageReason.js';
import { toPillowRgb } from './pillowConvert.js';
import type { RasterFormat } from './sniffFormat.js';

export interface SharpDecodeRequest {
  bytes: Buffer;
  meta: Metadata;
  format: RasterFormat;
  /** The format's display name, for messages. */
  name: string;
  maxPixels: number;
}

export async function decodeWithSharp({ bytes, meta, format, name, maxPixels }: SharpDecodeRequest): Promise<RgbImage> {
  // ignoreIcc: Pillow ignores embedded profiles, so must we. failOn 'error' refuses cut-off files (as Pillow
  // does) and PNG chunks with bad CRCs, but lets through the libjpeg warnings that Pillow also ignores.
  // pages 1: a multi-frame file (animated GIF/WebP/PNG, multi-page TIFF, MPO) is its first frame, as in Pillow.
  let pipeline = sharp(bytes, {
    limitInputPixels: maxPixels, failOn: 'error', ignoreIcc: true, autoOrient: true, pages: 1,
  });
  const cmyk = meta.space === 'cmyk';
  const signed16 = meta.depth === 'short';
  const sixteen = (meta.depth === 'ushort' || signed16) && !cmyk;
  if (cmyk) {
    // Keep the raw C, M, Y, K samples: Pillow converts them with a naive formula, not the CMYK ICC profile.
    pipeline = pipeline.pipelineColourspace('cmyk').toColourspace('cmyk').raw();
  } else if (sixteen) {
    // Keep all 16 bits: Pillow's rule differs between grey (clip) and colour (high byte). Signed 16-bit grey
    // (TIFF I;16S) opens as mode I in Pillow: negative values come back as 0 here, which the clip keeps.
    pipeline = pipeline.toColourspace(meta.space === 'grey16' || signed16 ? 'grey16' : 'rgb16')
      .raw({ depth: signed16 ? 'short' : 'ushort' });
  } else {
    pipeline = pipeline.raw();
  }
  let output: { data: Buffer; info: OutputInfo };
  try {
    output = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw refusedBySharp(error, bytes, format, name);
  }
  const { data, info } = output;
  const samples = sixteen ? as16(data, signed16) : new Uint8Array(data.buffer, data.byteOffset, data.length);
  const clipGrey = sixteen && (info.channels === 1 || pillowOpensAsModeI(bytes, meta));
  const rgb = toPillowRgb({ data: samples, width: info.width, height: info.height, channels: info.channels, cmyk, clipGrey });
  const gifColour = meta.format === 'gif' && info.channels === 4 ? gifTransparentColour(bytes) : null;
  if (gifColour && samples instanceof Uint8Array) fillTransparent(samples, rgb, gifColour);
  return { data: rgb, width: info.width, height: info.height };
}

/**
 * A 16-bit grey PNG with a tRNS colour: libvips adds an alpha channel, but Pillow opens it as mode I (the
 * transparency stays a side note) and clips like any 16-bit grey. IHDR: bit depth at 24, colour type at 25.
 */
function pillowOpensAsModeI(bytes: Buffer, meta: Metadata): boolean {
  return meta.format === 'png' && bytes.length > 25 && bytes[24] === 16 && bytes[25] === 0;
}

function as16(data: Buffer, signed: boolean): Uint16Array | Int16Array {
  // sharp writes 16-bit samples in the machine's byte order; a view needs 2-byte alignment.
  const aligned = data.byteOffset % 2 === 0 ? data : Buffer.from(data);
  return signed
    ? new Int16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2)
    : new Uint16Array(aligned.buffer, aligned.byteOffset, aligned.length / 2);
}

/** libvips refused the file: the reason in words, from the file's structure where libvips says too little. */
export function refusedBySharp(error: unknown, bytes: Uint8Array, format: RasterFormat, name: string): LookalikeError {
  const reason = damageReason(bytes, format) ?? vipsMessage(error);
  return new LookalikeError('failed', `truncated or corrupt ${name}: ${reason}`, { cause: error });
}

export function vipsMessage(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  // libvips prefixes loader names ("VipsJpeg: ") and repeats lines; keep the first useful line.
  const line = text.split('\n').map((l) => l.trim()).find((l) => l.length > 0) ?? 'decode failed';
  const reason = line.replace(/^Vips\w+:\s*/i, '');
  return reason === 'Unknown error' ? 'the decoder rejected the data' : reason;
}
