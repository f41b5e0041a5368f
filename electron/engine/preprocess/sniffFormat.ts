// Recognises raster formats by their first bytes, so that only known formats ever reach a decoder. This is
// the gate that keeps SVG (which sharp would rasterise, resolving external references) and anything
// unknown away from libvips: the name of a file is never trusted.
import { sniffRawHead, type RawFormat } from './raw/rawKind.js';

export type RasterFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'tiff' | 'heic' | 'avif' | 'bmp';

export type Sniffed =
  | { kind: 'raster'; format: RasterFormat }
  /** A camera RAW its first bytes prove (DNG, NEF and ARW look like TIFF here; decode.ts tells them apart). */
  | { kind: 'raw'; format: RawFormat }
  | { kind: 'refused'; reason: string };

/** Bytes needed to decide; pass at least this many when the input is longer. */
export const SNIFF_BYTES = 64;

const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1']);
const AVIF_BRANDS = new Set(['avif', 'avis']);

export function sniffFormat(head: Uint8Array): Sniffed {
  const ascii = (start: number, end: number): string =>
    String.fromCharCode(...head.subarray(start, Math.min(end, head.length)));
  const startsWith = (...bytes: number[]): boolean => bytes.every((b, i) => head[i] === b);

  if (head.length === 0) return { kind: 'refused', reason: 'empty file' };
  const raw = sniffRawHead(head);
  if (raw) return { kind: 'raw', format: raw };
  if (startsWith(0xff, 0xd8, 0xff)) return { kind: 'raster', format: 'jpeg' };
  if (startsWith(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a)) return { kind: 'raster', format: 'png' };
  if (ascii(0, 6) === 'GIF87a' || ascii(0, 6) === 'GIF89a') return { kind: 'raster', format: 'gif' };
  if (ascii(0, 4) === 'RIFF' && ascii(8, 12) === 'WEBP') return { kind: 'raster', format: 'webp' };
  // Classic TIFF (42) and BigTIFF (43), either byte order.
  if (startsWith(0x49, 0x49, 0x2a, 0x00) || startsWith(0x4d, 0x4d, 0x00, 0x2a)
    || startsWith(0x49, 0x49, 0x2b, 0x00) || startsWith(0x4d, 0x4d, 0x00, 0x2b)) {
    return { kind: 'raster', format: 'tiff' };
  }
  if (ascii(4, 8) === 'ftyp') return sniffIsoBrands(head, ascii);
  if (ascii(0, 2) === 'BM') return { kind: 'raster', format: 'bmp' };
  if (looksLikeSvgOrXml(ascii(0, SNIFF_BYTES))) {
    return { kind: 'refused', reason: 'unsupported format: SVG/XML (vector images are never rendered)' };
  }
  return { kind: 'refused', reason: 'not an image (unrecognised format)' };
}

function sniffIsoBrands(head: Uint8Array, ascii: (s: number, e: number) => string): Sniffed {
  // ftyp box: size(4) 'ftyp' major(4) minor_version(4) compatible brands(4 each) up to the box size.
  const boxSize = ((head[0]! << 24) | (head[1]! << 16) | (head[2]! << 8) | head[3]!) >>> 0;
  const end = Math.min(boxSize, head.length);
  const brands = [ascii(8, 12)];
  for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(at, at + 4));
  // AVIF files also list mif1, so the AV1 brands decide first.
  if (brands.some((b) => AVIF_BRANDS.has(b))) return { kind: 'raster', format: 'avif' };
  if (brands.some((b) => HEIC_BRANDS.has(b))) return { kind: 'raster', format: 'heic' };
  return { kind: 'refused', reason: `unsupported format: ISO media (brand ${brands[0]})` };
}

function looksLikeSvgOrXml(text: string): boolean {
  const trimmed = text.replace(/^\uFEFF/, '').replace(/^\u00EF\u00BB\u00BF/, '').trimStart().toLowerCase();
  return trimmed.startsWith('<?xml') || trimmed.startsWith('<svg') || trimmed.startsWith('<!doctype svg');
}
