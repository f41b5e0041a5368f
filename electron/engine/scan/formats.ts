// Which file names the crawler considers at all. Content decides after that: the hash stage sniffs the first
// bytes with the decoder's own sniffer (preprocess/sniffFormat.ts), so a text file named .jpg or an SVG never
// reaches a decoder. SVG is deliberately absent: rendering it could fetch URLs or read local files.
import path from 'node:path';

/** BMP is listed so such files are reported ("unsupported format: BMP") rather than silently ignored. */
export const photoExtensions: ReadonlySet<string> = new Set([
  '.jpg', '.jpeg', '.jpe', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.bmp', '.heic', '.heif',
]);

export function hasPhotoExtension(file: string): boolean {
  return photoExtensions.has(path.extname(file).toLowerCase());
}
