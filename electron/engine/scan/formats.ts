// Which file names the crawler considers at all. Content decides after that: the hash stage sniffs the first
// bytes with the decoder's own sniffer (preprocess/sniffFormat.ts), so a text file named .jpg or an SVG never
// reaches a decoder. The list itself (and why SVG is absent, BMP present) is in shared/values.ts.
import path from 'node:path';
import { photoExtensions as photoExtensionList } from '../../shared/values.js';

export const photoExtensions: ReadonlySet<string> = new Set(photoExtensionList);

export function hasPhotoExtension(file: string): boolean {
  return photoExtensions.has(path.extname(file).toLowerCase());
}
