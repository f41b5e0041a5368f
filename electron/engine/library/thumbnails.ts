// Thumbnails for the app's media protocol, made in the engine process through the same gate as every other
// decode (preprocess/decode.ts probeImage: format sniffed from the bytes, so an SVG named .jpg never reaches
// librsvg; the engine's pixel limit) and the engine's HEIC path (libheif in wasm: sharp's libvips has no HEVC
// decoder). WebP, EXIF orientation applied, never enlarged, cached in the data folder's thumbnails/ keyed by
// the file's path, size and mtime, so an edited photo gets a new one.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp, { type Sharp } from 'sharp';
import { LookalikeError } from '../errors.js';
import { decodeImage, DEFAULT_MAX_PIXELS, detectRaw, extraOrientation, probeImage, readImageFile, vipsMessage, type RasterFormat } from '../preprocess/index.js';
import type { ThumbSize } from '../../shared/values.js';

export interface Thumbnail {
  data: Uint8Array;
  contentType: 'image/webp';
  cached: boolean;
}

/** Bumped when the output changes, so older cached files are not served. */
const CACHE_VERSION = 3;

export async function makeThumbnail(file: string, size: ThumbSize, cacheDir: string): Promise<Thumbnail> {
  const info = await stat(file).catch(() => null);
  if (!info?.isFile()) throw new LookalikeError('not-found', `${file} is not a file`);
  const key = createHash('sha256').update(`${CACHE_VERSION}\0${file}\0${info.size}\0${info.mtimeMs}\0${size}`).digest('hex');
  const cached = path.join(cacheDir, key.slice(0, 2), `${key}.webp`);
  const hit = await readFile(cached).catch(() => null);
  if (hit) return { data: hit, contentType: 'image/webp', cached: true };
  const data = await render(await readImageFile(file), size);
  await writeCached(cached, data);
  return { data, contentType: 'image/webp', cached: false };
}

/** What libvips shows upright by itself: everything else goes through the engine's decoders, as scans read it. */
const SHARP_FORMATS = new Set<RasterFormat>(['jpeg', 'png', 'webp', 'gif', 'avif']);

async function render(bytes: Buffer, size: ThumbSize): Promise<Buffer> {
  // A camera RAW shows its embedded preview turned by the RAW's orientation (rawPreview.ts); BMP, TIFF (the
  // geotiff fallback for what libvips refuses) and HEIC (libheif in wasm) have readers libvips lacks; and an
  // orientation that only Pillow's exif_transpose finds (PNG XMP, a late eXIf) is applied by decodeImage alone.
  const raw = detectRaw(bytes);
  const { format, name } = raw ? { format: null, name: raw.toUpperCase() } : await probeImage(bytes, DEFAULT_MAX_PIXELS);
  let pipeline: Sharp;
  if (format && SHARP_FORMATS.has(format) && extraOrientation(bytes, format) === undefined) {
    // failOn 'none' shows what a damaged file still has; the limit is the engine's, as for scans.
    pipeline = sharp(bytes, { limitInputPixels: DEFAULT_MAX_PIXELS, failOn: 'none', pages: 1 }).rotate();
  } else {
    const { rgb } = await decodeImage(bytes);
    pipeline = sharp(rgb.data, { raw: { width: rgb.width, height: rgb.height, channels: 3 } });
  }
  try {
    return await pipeline.resize(size, size, { fit: 'inside', withoutEnlargement: true }).webp({ quality: 80 }).toBuffer();
  } catch (error) {
    throw new LookalikeError('failed', `cannot make a thumbnail of this ${name}: ${vipsMessage(error)}`, { cause: error });
  }
}

async function writeCached(file: string, data: Buffer): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch {
    // A cache that cannot be written (full disk, read-only data folder) costs speed, not the thumbnail.
    await rm(tmp, { force: true });
  }
}
