// Thumbnails the media protocol serves: made by sharp (EXIF orientation applied, never enlarged), WebP, cached
// on disk under userData keyed by the file's real path, size and mtime, so an edited photo gets a new one.
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import type { ThumbSize } from '../../shared/methods.js';

export interface Thumbnail {
  data: Buffer;
  contentType: 'image/webp';
  cached: boolean;
}

export async function thumbnail(file: string, size: ThumbSize, cacheDir: string): Promise<Thumbnail> {
  const info = await stat(file);
  const key = createHash('sha256').update(`${file}\0${info.size}\0${info.mtimeMs}\0${size}`).digest('hex');
  const cached = path.join(cacheDir, key.slice(0, 2), `${key}.webp`);
  const hit = await readFile(cached).catch(() => null);
  if (hit) return { data: hit, contentType: 'image/webp', cached: true };
  // limitInputPixels guards against decompression bombs; failOn 'none' shows what a damaged file still has.
  const data = await sharp(file, { limitInputPixels: 300_000_000, failOn: 'none' })
    .rotate()
    .resize(size, size, { fit: 'inside', withoutEnlargement: true })
    .webp({ quality: 80 })
    .toBuffer();
  await mkdir(path.dirname(cached), { recursive: true });
  const tmp = `${cached}.${process.pid}.tmp`;
  await writeFile(tmp, data);
  await rename(tmp, cached);
  return { data, contentType: 'image/webp', cached: false };
}
