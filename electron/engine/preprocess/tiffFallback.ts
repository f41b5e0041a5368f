// TIFFs that Pillow (libtiff) reads but sharp's prebuilt libvips refuses: ZSTD compression, tiles with
// separate planes, and headers libvips rejects. geotiff (geotiffjs, MIT, pure JS) reads the samples; the
// conversion to RGB is Pillow's (pillowConvert.ts) and the Orientation tag is applied once, as current Pillow's
// TIFF loader applies it. LZMA (libtiff-only, written by almost nothing) stays refused.
import { zstdDecompressSync } from 'node:zlib';
import { addDecoder, BaseDecoder, fromArrayBuffer, type GeoTIFFImage } from 'geotiff';
import { LookalikeError } from '../errors.js';
import type { RgbImage } from '../types.js';
import { orientRgb } from './orientation.js';
import { toPillowRgb } from './pillowConvert.js';

export interface TiffFallbackResult {
  rgb: RgbImage;
  orientation: number;
  hasAlpha: boolean;
}

type Samples = Uint8Array | Uint16Array | Int16Array | Uint32Array | Int32Array | Float32Array | Float64Array;

const PHOTOMETRIC = { whiteIsZero: 0, blackIsZero: 1, rgb: 2, palette: 3, cmyk: 5 } as const;
const COMPRESSION_NAMES: Record<number, string> = { 34925: 'LZMA', 34887: 'LERC', 50001: 'WebP', 34933: 'PNG' };

/**
 * ZSTD through Node's own libzstd instead of geotiff's wasm build, which spins forever on some damaged
 * blocks (a one-byte flip was enough); the output is bounded by the block's own size.
 */
class NodeZstdDecoder extends BaseDecoder {
  override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
    const { tileWidth, tileHeight, bitsPerSample, planarConfiguration } = this.parameters;
    const perSample = typeof bitsPerSample === 'number' ? [bitsPerSample] : Array.from(bitsPerSample as ArrayLike<number>);
    // A chunky block holds every sample of a pixel, a planar one a single sample.
    const bitsPerPixel = planarConfiguration === 2 ? Math.max(...perSample) : perSample.reduce((a, b) => a + b, 0);
    const maxOutputLength = Math.ceil((tileWidth * tileHeight * bitsPerPixel) / 8) + 1024;
    const out = zstdDecompressSync(new Uint8Array(buffer), { maxOutputLength });
    return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
  }
}
addDecoder(50000, () => Promise.resolve(NodeZstdDecoder), undefined, false);

const fail = (message: string, cause?: unknown): LookalikeError =>
  new LookalikeError('failed', `unsupported TIFF: ${message}`, cause === undefined ? undefined : { cause });
const corrupt = (message: string, cause?: unknown): LookalikeError =>
  new LookalikeError('failed', `truncated or corrupt TIFF: ${message}`, cause === undefined ? undefined : { cause });

async function firstImage(bytes: Uint8Array): Promise<GeoTIFFImage> {
  const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  const tiff = await fromArrayBuffer(buffer);
  return tiff.getImage(0);
}

/** Width and height from the first IFD, for the pixel gate when libvips cannot read the header. */
export async function tiffFallbackSize(bytes: Uint8Array): Promise<{ width: number; height: number }> {
  try {
    const image = await firstImage(bytes);
    return { width: image.getWidth(), height: image.getHeight() };
  } catch (error) {
    throw fail(`the header cannot be read (${errorText(error)})`, error);
  }
}

export async function decodeTiffFallback(bytes: Uint8Array, maxPixels: number): Promise<TiffFallbackResult> {
  let image: GeoTIFFImage;
  try {
    image = await firstImage(bytes);
  } catch (error) {
    throw fail(`the header cannot be read (${errorText(error)})`, error);
  }
  const width = image.getWidth();
  const height = image.getHeight();
  if (width * height > maxPixels) throw new LookalikeError('failed', `image too large: ${width}×${height}`);
  const ifd = image.getFileDirectory();
  const compression = Number(ifd.getValue('Compression') ?? 1);
  if (COMPRESSION_NAMES[compression]) throw fail(`${COMPRESSION_NAMES[compression]} compression is not supported`);
  let raster: Samples;
  try {
    raster = (await image.readRasters({ interleave: true })) as unknown as Samples;
  } catch (error) {
    throw corrupt(errorText(error), error);
  }
  const channels = image.getSamplesPerPixel();
  if (raster.length !== width * height * channels) throw corrupt('the decoder returned a short buffer');
  const photometric = Number(ifd.getValue('PhotometricInterpretation') ?? PHOTOMETRIC.blackIsZero);
  const colourMap = photometric === PHOTOMETRIC.palette ? await ifd.loadValue('ColorMap') as ArrayLike<number> | undefined : undefined;
  const rgb = toRgb(raster, { width, height, channels, photometric, colourMap });
  const orientation = Number((await ifd.loadValue('Orientation')) ?? 1);
  const valid = Number.isInteger(orientation) && orientation >= 1 && orientation <= 8 ? orientation : 1;
  return { rgb: orientRgb(rgb, valid), orientation: valid, hasAlpha: ifd.hasTag('ExtraSamples') };
}

interface Layout {
  width: number;
  height: number;
  channels: number;
  photometric: number;
  colourMap?: ArrayLike<number> | undefined;
}

function toRgb(raster: Samples, layout: Layout): RgbImage {
  const { width, height, channels, photometric, colourMap } = layout;
  const pixels = width * height;
  if (photometric === PHOTOMETRIC.palette) {
    if (!colourMap || !(raster instanceof Uint8Array || raster instanceof Uint16Array)) throw fail('palette without a colour map');
    return { data: paletteRgb(raster, channels, colourMap), width, height };
  }
  if (photometric === PHOTOMETRIC.cmyk && channels >= 4 && raster instanceof Uint8Array) {
    const cmyk = channels === 4 ? raster : pick(raster, channels, 4);
    return { data: toPillowRgb({ data: cmyk, width, height, channels: 4, cmyk: true }), width, height };
  }
  if (photometric !== PHOTOMETRIC.rgb && photometric > PHOTOMETRIC.blackIsZero) {
    throw fail(`photometric interpretation ${photometric} is not supported`);
  }
  const kept = photometric === PHOTOMETRIC.rgb ? Math.min(channels, 4) : Math.min(channels, 2);
  let samples = channels === kept ? raster : pick(raster, channels, kept);
  if (photometric === PHOTOMETRIC.whiteIsZero) samples = invert(samples);
  if (samples instanceof Uint8Array || samples instanceof Uint16Array || samples instanceof Int16Array) {
    const clipGrey = !(samples instanceof Uint8Array) && kept === 1;
    return { data: toPillowRgb({ data: samples, width, height, channels: kept, cmyk: false, clipGrey }), width, height };
  }
  // 32-bit integer (mode I) and float (mode F) grey: Pillow clips to 0..255 and truncates.
  if (kept !== 1) throw fail('32-bit colour samples are not supported');
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) out.fill(Math.max(0, Math.min(255, Math.trunc(samples[p]!))), p * 3, p * 3 + 3);
  return { data: out, width, height };
}

function pick<T extends Samples>(raster: T, channels: number, kept: number): T {
  const out = new (raster.constructor as new (n: number) => T)((raster.length / channels) * kept);
  for (let i = 0, o = 0; i < raster.length; i += channels) for (let c = 0; c < kept; c++) out[o++] = raster[i + c]!;
  return out;
}

function invert(samples: Samples): Samples {
  if (samples instanceof Uint8Array) return samples.map((v) => 255 - v);
  if (samples instanceof Uint16Array) return samples.map((v) => 65535 - v);
  return samples;
}

/** Pillow reads a TIFF colour map's 16-bit entries by their high byte. */
function paletteRgb(indices: Uint8Array | Uint16Array, channels: number, map: ArrayLike<number>): Uint8Array {
  const size = map.length / 3;
  const out = new Uint8Array((indices.length / channels) * 3);
  for (let i = 0, o = 0; i < indices.length; i += channels, o += 3) {
    const index = indices[i]!;
    if (index >= size) continue;
    out[o] = map[index]! >> 8;
    out[o + 1] = map[size + index]! >> 8;
    out[o + 2] = map[2 * size + index]! >> 8;
  }
  return out;
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
