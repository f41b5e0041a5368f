// libvips says little when a PNG or TIFF is broken ("Input file has corrupt header:", "Unknown error"). When it
// refuses one, these checks of the file's structure find what is actually wrong, so the reason a person reads
// names it: a bad CRC, a zero size, where the file ends.
import { crc32 } from 'node:zlib';
import type { RasterFormat } from './sniffFormat.js';

/** What is structurally wrong with a file libvips refused, in words, or undefined when nothing is found. */
export function damageReason(bytes: Uint8Array, format: RasterFormat): string | undefined {
  try {
    if (format === 'png') return pngDamage(bytes);
    if (format === 'tiff') return tiffDamage(bytes);
  } catch {
    // Every read below is guarded; should one slip, libvips' own words are still there to show.
  }
  return undefined;
}

function pngDamage(bytes: Uint8Array): string | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (at + 12 + length > bytes.length) return `the file ends inside its ${type} chunk (${bytes.length} bytes)`;
    if (crc32(bytes.subarray(at + 4, at + 8 + length)) !== view.getUint32(at + 8 + length)) return `bad CRC in its ${type} chunk`;
    if (type === 'IHDR' && length >= 8 && (view.getUint32(at + 8) === 0 || view.getUint32(at + 12) === 0)) {
      return `zero width or height (${view.getUint32(at + 8)}×${view.getUint32(at + 12)})`;
    }
    if (type === 'IEND') return undefined;
    at += 12 + length;
  }
  return `the file ends before its IEND chunk (${bytes.length} bytes)`;
}

function tiffDamage(bytes: Uint8Array): string | undefined {
  if (bytes.length < 16) return `the file ends inside its header (${bytes.length} bytes)`;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const little = bytes[0] === 0x49;
  const big = view.getUint16(2, little) === 43;
  const ifd = big ? Number(view.getBigUint64(8, little)) : view.getUint32(4, little);
  const entrySize = big ? 20 : 12;
  if (ifd + (big ? 8 : 2) > bytes.length) return `its first directory lies past the end of the file (offset ${ifd}, ${bytes.length} bytes)`;
  const count = big ? Number(view.getBigUint64(ifd, little)) : view.getUint16(ifd, little);
  if (ifd + (big ? 8 : 2) + count * entrySize > bytes.length) return 'the file ends inside its first directory';
  return undefined;
}
