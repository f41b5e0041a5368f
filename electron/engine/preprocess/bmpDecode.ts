// BMP, read as Pillow's BmpImagePlugin reads it: OS/2 v1 and Windows v3/v4/v5 headers; 1/4/8-bit palettes,
// RLE8/RLE4, 16/24/32-bit direct colour with or without bitfields; bottom-up or top-down rows.
// Written here rather than taken from npm: bmp-js (0.1.0, 2016) and its fork bmp-ts read no RLE and no OS/2
// headers and index past the buffer on short files; decode-bmp (0.2.1) has no RLE4. This one is small and checks
// every read against the buffer, so a crafted header gives a reason, never an out-of-bounds read.
import { LookalikeError } from '../errors.js';
import type { RgbImage } from '../types.js';

export interface BmpHeader {
  width: number;
  height: number;
  bits: number;
  compression: number;
  topDown: boolean;
  /** Where the pixel array starts. */
  dataOffset: number;
  /** Palette as RGB triplets (1/4/8-bit). */
  palette: Uint8Array;
  /** R, G, B, A masks for 16/32-bit (and bitfield 24-bit); A is 0 when absent. */
  masks: [number, number, number, number];
}

const RAW = 0;
const RLE8 = 1;
const RLE4 = 2;
const BITFIELDS = 3;
const DEFAULT_MASKS: Record<number, [number, number, number, number]> = {
  16: [0x7c00, 0x3e0, 0x1f, 0], 24: [0xff0000, 0xff00, 0xff, 0], 32: [0xff0000, 0xff00, 0xff, 0],
};

const corrupt = (message: string): LookalikeError => new LookalikeError('failed', `corrupt BMP: ${message}`);

/** The header only: size, depth and layout, every field checked against the file's length. */
export function parseBmpHeader(bytes: Uint8Array): BmpHeader {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.length < 26) throw new LookalikeError('failed', 'truncated BMP: the header is cut off');
  const headerSize = view.getUint32(14, true);
  if (![12, 40, 52, 56, 64, 108, 124].includes(headerSize)) throw corrupt(`unknown header size ${headerSize}`);
  if (14 + headerSize > bytes.length) throw new LookalikeError('failed', 'truncated BMP: the header is cut off');
  const os2 = headerSize === 12;
  const width = os2 ? view.getUint16(18, true) : view.getInt32(18, true);
  const rawHeight = os2 ? view.getUint16(20, true) : view.getInt32(22, true);
  const bits = view.getUint16(os2 ? 24 : 28, true);
  const compression = os2 ? RAW : view.getUint32(30, true);
  const height = Math.abs(rawHeight);
  if (width <= 0 || height <= 0) throw corrupt(`no image size in the header (${width}×${rawHeight})`);
  if (![1, 4, 8, 16, 24, 32].includes(bits)) throw corrupt(`unsupported pixel depth ${bits}`);
  const valid = compression === RAW || (compression === BITFIELDS && bits >= 16)
    || (compression === RLE8 && bits === 8) || (compression === RLE4 && bits === 4);
  if (!valid) throw corrupt(`unsupported compression ${compression} at ${bits} bits`);
  let cursor = 14 + headerSize;
  let masks = DEFAULT_MASKS[bits] ?? [0, 0, 0, 0];
  if (compression === BITFIELDS) {
    // 40-byte headers keep the three masks after the header; longer ones hold all four inside it.
    const at = headerSize === 40 ? cursor : 54;
    if (at + 12 > bytes.length) throw new LookalikeError('failed', 'truncated BMP: the colour masks are cut off');
    const alpha = headerSize >= 56 ? view.getUint32(66, true) : 0;
    masks = [view.getUint32(at, true), view.getUint32(at + 4, true), view.getUint32(at + 8, true), alpha];
    if (headerSize === 40) cursor += 12;
    if (!masks[0] || !masks[1] || !masks[2]) throw corrupt('a colour mask is empty');
  }
  const palette = bits <= 8 ? readPalette(bytes, view, cursor, os2 ? 3 : 4, os2 ? 0 : view.getUint32(46, true), bits) : new Uint8Array(0);
  let dataOffset = view.getUint32(10, true);
  // Pillow's rule: an offset that skips only the header means the palette sits in between.
  if (dataOffset === 14 + headerSize && bits <= 8) dataOffset += (os2 ? 3 : 4) * (palette.length / 3);
  if (dataOffset >= bytes.length) throw new LookalikeError('failed', 'truncated BMP: no pixel data');
  return { width, height, bits, compression, topDown: rawHeight < 0, dataOffset, palette, masks };
}

function readPalette(bytes: Uint8Array, view: DataView, at: number, entry: number, declared: number, bits: number): Uint8Array {
  const colours = declared > 0 ? declared : 1 << bits;
  if (colours > 65536) throw corrupt(`palette of ${colours} colours`);
  const available = Math.max(0, Math.min(colours, Math.floor((bytes.length - at) / entry)));
  const palette = new Uint8Array(Math.max(colours, 1 << bits) * 3);
  for (let i = 0; i < available; i++) {
    const p = at + i * entry;
    palette[i * 3] = view.getUint8(p + 2);
    palette[i * 3 + 1] = view.getUint8(p + 1);
    palette[i * 3 + 2] = view.getUint8(p);
  }
  return palette;
}

/** Decodes the pixels to RGB; alpha (a bitfield mask) is dropped, as Pillow's convert('RGB') drops it. */
export function decodeBmp(bytes: Uint8Array, header: BmpHeader): RgbImage {
  const { width, height, bits, compression } = header;
  const rgb = new Uint8Array(width * height * 3);
  if (compression === RLE8 || compression === RLE4) {
    paletteToRgb(decodeRle(bytes, header, compression === RLE4), header.palette, rgb);
  } else if (bits <= 8) {
    paletteToRgb(unpackIndices(bytes, header), header.palette, rgb);
  } else {
    decodeDirect(bytes, header, rgb);
  }
  return { data: rgb, width, height };
}

function rowStride(width: number, bits: number): number {
  return ((width * bits + 31) >>> 5) * 4;
}

/** Row y of the image as shown (top first) lies at this offset of the pixel array. */
function rowStart(header: BmpHeader, y: number): number {
  const stride = rowStride(header.width, header.bits);
  return header.dataOffset + (header.topDown ? y : header.height - 1 - y) * stride;
}

function checkLength(bytes: Uint8Array, header: BmpHeader): void {
  const needed = header.dataOffset + rowStride(header.width, header.bits) * (header.height - 1)
    + Math.ceil((header.width * header.bits) / 8);
  if (needed > bytes.length) {
    throw new LookalikeError('failed', `truncated BMP: ${bytes.length} of ${needed} bytes`);
  }
}

function unpackIndices(bytes: Uint8Array, header: BmpHeader): Uint8Array {
  checkLength(bytes, header);
  const { width, height, bits } = header;
  const indices = new Uint8Array(width * height);
  const perByte = 8 / bits;
  const mask = (1 << bits) - 1;
  for (let y = 0; y < height; y++) {
    const start = rowStart(header, y);
    for (let x = 0; x < width; x++) {
      const byte = bytes[start + Math.floor(x / perByte)]!;
      indices[y * width + x] = (byte >> (8 - bits * ((x % perByte) + 1))) & mask;
    }
  }
  return indices;
}

function paletteToRgb(indices: Uint8Array, palette: Uint8Array, rgb: Uint8Array): void {
  for (let i = 0, o = 0; i < indices.length; i++, o += 3) {
    const p = indices[i]! * 3;
    // An index past the palette shows black, as in Pillow.
    rgb[o] = palette[p] ?? 0;
    rgb[o + 1] = palette[p + 1] ?? 0;
    rgb[o + 2] = palette[p + 2] ?? 0;
  }
}

/** A mask's shift and the divisor that scales its values to 0..255 the way Pillow's unpackers do. */
function channel(mask: number): { shift: number; max: number } {
  let shift = 0;
  while (shift < 32 && ((mask >>> shift) & 1) === 0) shift++;
  return { shift, max: mask >>> shift };
}

function decodeDirect(bytes: Uint8Array, header: BmpHeader, rgb: Uint8Array): void {
  checkLength(bytes, header);
  const { width, height, bits } = header;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const [r, g, b] = header.masks.slice(0, 3).map(channel) as [ReturnType<typeof channel>, ReturnType<typeof channel>, ReturnType<typeof channel>];
  const step = bits / 8;
  const read = bits === 16 ? (at: number) => view.getUint16(at, true)
    : bits === 24 ? (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16)
      : (at: number) => view.getUint32(at, true);
  const scale = (value: number, c: { shift: number; max: number }): number =>
    c.max === 255 ? (value >>> c.shift) & 255 : Math.floor((((value >>> c.shift) & c.max) * 255) / c.max);
  for (let y = 0, o = 0; y < height; y++) {
    const start = rowStart(header, y);
    for (let x = 0; x < width; x++, o += 3) {
      const value = read(start + x * step);
      rgb[o] = scale(value, r);
      rgb[o + 1] = scale(value, g);
      rgb[o + 2] = scale(value, b);
    }
  }
}

/**
 * Pillow's BmpRleDecoder semantics: pixels fill the image as one top-to-bottom stream (bottom-up files are
 * flipped after), an encoded run stops at the row's end, end-of-line pads the row, delta skips. Data that
 * ends before the image is full is refused, as Pillow refuses it ("not enough image data").
 */
function decodeRle(bytes: Uint8Array, header: BmpHeader, rle4: boolean): Uint8Array {
  const { width, height } = header;
  const total = width * height;
  const stream = new Uint8Array(total);
  let written = 0;
  let x = 0;
  let at = header.dataOffset;
  const put = (value: number): void => {
    if (written < total) stream[written] = value;
    written++;
  };
  while (written < total && at + 1 < bytes.length) {
    const count = bytes[at]!;
    const value = bytes[at + 1]!;
    at += 2;
    if (count > 0) {
      const run = Math.max(0, Math.min(count, width - x));
      for (let i = 0; i < run; i++) put(rle4 ? (i % 2 === 0 ? value >> 4 : value & 15) : value);
      x += run;
    } else if (value === 0) {
      while (written % width !== 0) put(0);
      x = 0;
    } else if (value === 1) {
      break;
    } else if (value === 2) {
      if (at + 1 >= bytes.length) break;
      written += bytes[at]! + bytes[at + 1]! * width;
      x = written % width;
      at += 2;
    } else {
      const byteCount = rle4 ? Math.ceil(value / 2) : value;
      if (at + byteCount > bytes.length) break;
      for (let i = 0; i < value; i++) put(rle4 ? (i % 2 === 0 ? bytes[at + (i >> 1)]! >> 4 : bytes[at + (i >> 1)]! & 15) : bytes[at + i]!);
      at += byteCount + (byteCount % 2);
      x += value;
    }
  }
  if (written < total) throw corrupt(`RLE data ends after ${written} of ${total} pixels`);
  if (header.topDown) return stream;
  const flipped = new Uint8Array(total);
  for (let y = 0; y < height; y++) flipped.set(stream.subarray((height - 1 - y) * width, (height - y) * width), y * width);
  return flipped;
}
