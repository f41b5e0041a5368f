// The orientation that Pillow's exif_transpose finds where libvips does not look: a PNG's eXIf chunk after the
// image data (ImageMagick writes it there), a "Raw profile type exif" text chunk (older ImageMagick), and XMP's
// tiff:Orientation in PNG, JPEG and WebP, which counts only when the EXIF has no Orientation (Pillow's order).
// Also the transforms themselves, for pixels that did not come through sharp's autoOrient.
import { inflateSync } from 'node:zlib';
import type { RgbImage } from '../types.js';
import type { RasterFormat } from './sniffFormat.js';

const XMP_ORIENTATION = /tiff:Orientation(?:="|>)([0-9])/;
/** Pillow's MAX_TEXT_CHUNK: a compressed text chunk that inflates past this is skipped, never inflated whole. */
const MAX_TEXT_BYTES = 1024 * 1024;
const inflate = (data: Uint8Array): Buffer => inflateSync(data, { maxOutputLength: MAX_TEXT_BYTES });
const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');

/** The Orientation (1..8) that exif_transpose would read from places libvips ignores, or undefined. */
export function extraOrientation(bytes: Uint8Array, format: RasterFormat): number | undefined {
  const found = format === 'png' ? pngOrientation(bytes)
    : format === 'jpeg' ? jpegXmpOrientation(bytes)
      : format === 'webp' ? webpXmpOrientation(bytes) : undefined;
  return found !== undefined && found >= 1 && found <= 8 ? found : undefined;
}

function pngOrientation(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let exif: number | undefined;
  let xmp: number | undefined;
  for (let at = 8; at + 12 <= bytes.length;) {
    const length = view.getUint32(at);
    const type = latin1(bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, Math.min(at + 8 + length, bytes.length));
    if (type === 'eXIf') exif ??= tiffOrientation(data);
    else if (type === 'tEXt' || type === 'zTXt' || type === 'iTXt') {
      const text = pngText(type, data);
      if (text?.keyword === 'Raw profile type exif') exif ??= tiffOrientation(rawProfileBytes(text.value));
      if (text?.keyword === 'XML:com.adobe.xmp') xmp ??= xmpOrientation(text.value);
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return exif ?? xmp;
}

function pngText(type: string, data: Uint8Array): { keyword: string; value: string } | undefined {
  const nul = data.indexOf(0);
  if (nul < 0) return undefined;
  const keyword = latin1(data.subarray(0, nul));
  try {
    if (type === 'tEXt') return { keyword, value: latin1(data.subarray(nul + 1)) };
    if (type === 'zTXt') return { keyword, value: latin1(inflate(data.subarray(nul + 2))) };
    // iTXt: keyword, compression flag, method, language\0, translated keyword\0, text.
    const compressed = data[nul + 1] === 1;
    const lang = data.indexOf(0, nul + 3);
    const translated = lang < 0 ? -1 : data.indexOf(0, lang + 1);
    if (translated < 0) return undefined;
    const body = data.subarray(translated + 1);
    return { keyword, value: Buffer.from(compressed ? inflate(body) : body).toString('utf8') };
  } catch {
    return undefined; // a broken text chunk carries no orientation; Pillow skips it too
  }
}

/** ImageMagick's raw profile: "\nexif\n  LENGTH\nHEX…" (Pillow drops the first three lines). */
function rawProfileBytes(text: string): Uint8Array {
  const hex = text.split('\n').slice(3).join('').replace(/[^0-9a-fA-F]/g, '');
  return Buffer.from(hex.length % 2 ? hex.slice(0, -1) : hex, 'hex');
}

function xmpOrientation(text: string): number | undefined {
  const match = XMP_ORIENTATION.exec(text);
  return match ? Number(match[1]) : undefined;
}

function jpegXmpOrientation(bytes: Uint8Array): number | undefined {
  const signature = 'http://ns.adobe.com/xap/1.0/\0';
  for (let at = 2; at + 4 <= bytes.length && bytes[at] === 0xff;) {
    const marker = bytes[at + 1]!;
    if (marker === 0xda || marker === 0xd9) break;
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (marker === 0xe1) {
      const body = bytes.subarray(at + 4, Math.min(at + 2 + length, bytes.length));
      if (latin1(body.subarray(0, signature.length)) === signature) return xmpOrientation(latin1(body));
    }
    at += 2 + length;
  }
  return undefined;
}

function webpXmpOrientation(bytes: Uint8Array): number | undefined {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = 12; at + 8 <= bytes.length;) {
    const size = view.getUint32(at + 4, true);
    if (latin1(bytes.subarray(at, at + 4)) === 'XMP ') {
      return xmpOrientation(latin1(bytes.subarray(at + 8, Math.min(at + 8 + size, bytes.length))));
    }
    at += 8 + size + (size % 2);
  }
  return undefined;
}

/** Tag 274 of IFD0 in EXIF bytes (a TIFF header, optionally after "Exif\0\0"). */
export function tiffOrientation(exif: Uint8Array): number | undefined {
  const start = latin1(exif.subarray(0, 6)) === 'Exif\0\0' ? 6 : 0;
  if (exif.length < start + 8) return undefined;
  const view = new DataView(exif.buffer, exif.byteOffset + start, exif.byteLength - start);
  const little = view.getUint16(0) === 0x4949;
  if (!little && view.getUint16(0) !== 0x4d4d) return undefined;
  const ifd = view.getUint32(4, little);
  if (ifd + 2 > view.byteLength) return undefined;
  const count = view.getUint16(ifd, little);
  for (let i = 0; i < count && ifd + 2 + i * 12 + 12 <= view.byteLength; i++) {
    const entry = ifd + 2 + i * 12;
    if (view.getUint16(entry, little) === 274) return view.getUint16(entry + 8, little);
  }
  return undefined;
}

/** exif_transpose's transform for an Orientation, applied to RGB pixels (5..8 swap width and height). */
export function orientRgb(image: RgbImage, orientation: number): RgbImage {
  if (orientation <= 1 || orientation > 8) return image;
  const { width, height, data } = image;
  const swap = orientation >= 5;
  const outWidth = swap ? height : width;
  const outHeight = swap ? width : height;
  const out = new Uint8Array(data.length);
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      const [sx, sy] = sourceOf(orientation, x, y, width, height);
      const s = (sy * width + sx) * 3;
      const o = (y * outWidth + x) * 3;
      out[o] = data[s]!;
      out[o + 1] = data[s + 1]!;
      out[o + 2] = data[s + 2]!;
    }
  }
  return { data: out, width: outWidth, height: outHeight };
}

/** Which stored pixel shows at (x, y) of the upright image. */
function sourceOf(orientation: number, x: number, y: number, w: number, h: number): [number, number] {
  switch (orientation) {
    case 2: return [w - 1 - x, y];
    case 3: return [w - 1 - x, h - 1 - y];
    case 4: return [x, h - 1 - y];
    case 5: return [y, x];
    case 6: return [y, h - 1 - x];
    case 7: return [w - 1 - y, h - 1 - x];
    default: return [w - 1 - y, x];
  }
}
