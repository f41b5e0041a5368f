// A bounded reader of TIFF image file directories, the structure under DNG, CR2, NEF, ARW, ORF and RW2 (and the
// CMT1 box of CR3). Only what finding a RAW's preview needs: entries as numbers, the IFD chain, SubIFDs and the
// EXIF IFD. Every offset is checked against the buffer, loops (an IFD pointing back at itself) and floods of
// IFDs are cut off, so a crafted file yields "no preview", never a crash or a hang.

/** One IFD: its tags' numeric values (SHORT, LONG, BYTE, IFD: first MAX_VALUES of them) and raw entry facts. */
export interface Ifd {
  /** Where the IFD starts in the buffer (identifies it). */
  offset: number;
  values: Map<number, number[]>;
  /** For UNDEFINED/BYTE/ASCII entries: where their bytes are, so a caller can read an embedded blob or string. */
  blobs: Map<number, { offset: number; length: number }>;
}

export interface TiffFile {
  /** The structure's bytes (from its header on): every offset in its IFDs is into these. */
  bytes: Uint8Array;
  littleEndian: boolean;
  /** The 16-bit magic after the byte order: 42 for TIFF, 0x4f52/0x5352 for ORF, 0x55 for RW2. */
  magic: number;
  /** IFD0, its chain (IFD1…), their SubIFDs and EXIF IFDs, each once. */
  ifds: Ifd[];
}

export const TAG = {
  newSubfileType: 0x00fe,
  width: 0x0100,
  height: 0x0101,
  compression: 0x0103,
  photometric: 0x0106,
  make: 0x010f,
  stripOffsets: 0x0111,
  orientation: 0x0112,
  stripByteCounts: 0x0117,
  subIfds: 0x014a,
  jpegOffset: 0x0201,
  jpegLength: 0x0202,
  exifIfd: 0x8769,
  dngVersion: 0xc612,
  makerNote: 0x927c,
  /** Panasonic RW2: the full-size JPEG, as an UNDEFINED blob in IFD0. */
  rw2JpgFromRaw: 0x002e,
} as const;

const MAX_IFDS = 64;
const MAX_ENTRIES = 1000;
const MAX_VALUES = 64;
const MAX_DEPTH = 4;
/** Bytes per value of each TIFF field type (index = type code). */
const TYPE_SIZE = [0, 1, 1, 2, 4, 8, 1, 1, 2, 4, 8, 4, 8, 4];
const IFD_TYPE = 13;

export class BoundedView {
  readonly view: DataView;
  constructor(readonly bytes: Uint8Array, readonly littleEndian: boolean) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  has(offset: number, length: number): boolean {
    return Number.isInteger(offset) && offset >= 0 && length >= 0 && offset + length <= this.bytes.length;
  }
  u16(offset: number): number | null {
    return this.has(offset, 2) ? this.view.getUint16(offset, this.littleEndian) : null;
  }
  u32(offset: number): number | null {
    return this.has(offset, 4) ? this.view.getUint32(offset, this.littleEndian) : null;
  }
}

/** The TIFF structure at `base` of `bytes` (offsets inside are relative to base), or null when it is none. */
export function readTiff(bytes: Uint8Array, base = 0): TiffFile | null {
  const data = bytes.subarray(base);
  if (data.length < 8) return null;
  const order = String.fromCharCode(data[0]!, data[1]!);
  if (order !== 'II' && order !== 'MM') return null;
  const v = new BoundedView(data, order === 'II');
  const magic = v.u16(2)!;
  const first = v.u32(4)!;
  const ifds: Ifd[] = [];
  const seen = new Set<number>();
  walkChain(v, first, 0, ifds, seen);
  return ifds.length > 0 ? { bytes: data, littleEndian: v.littleEndian, magic, ifds } : null;
}

function walkChain(v: BoundedView, start: number, depth: number, out: Ifd[], seen: Set<number>): void {
  for (let at = start; at !== 0 && out.length < MAX_IFDS && !seen.has(at); ) {
    seen.add(at);
    const ifd = readIfd(v, at);
    if (!ifd) return;
    out.push(ifd.ifd);
    if (depth < MAX_DEPTH) {
      const children = [...(ifd.ifd.values.get(TAG.subIfds) ?? []), ...(ifd.ifd.values.get(TAG.exifIfd) ?? [])];
      for (const child of children) walkChain(v, child, depth + 1, out, seen);
    }
    at = ifd.next;
  }
}

/** One IFD at `at` of `bytes`, whose offsets are relative to `bytes` (a maker note's own IFDs), or null. */
export function readIfdAt(bytes: Uint8Array, littleEndian: boolean, at: number): Ifd | null {
  return readIfd(new BoundedView(bytes, littleEndian), at)?.ifd ?? null;
}

function readIfd(v: BoundedView, at: number): { ifd: Ifd; next: number } | null {
  const count = v.u16(at);
  if (count === null || count === 0 || count > MAX_ENTRIES || !v.has(at + 2, count * 12 + 4)) return null;
  const values = new Map<number, number[]>();
  const blobs = new Map<number, { offset: number; length: number }>();
  for (let i = 0; i < count; i++) {
    const entry = at + 2 + i * 12;
    const tag = v.u16(entry)!;
    const type = v.u16(entry + 2)!;
    const n = v.u32(entry + 4)!;
    const size = TYPE_SIZE[type] ?? 0;
    if (size === 0 || n === 0) continue;
    const total = size * n;
    const dataAt = total <= 4 ? entry + 8 : v.u32(entry + 8)!;
    if (!v.has(dataAt, Math.min(total, size * MAX_VALUES))) continue;
    if (type === 1 || type === 2 || type === 7) {
      if (v.has(dataAt, total)) blobs.set(tag, { offset: dataAt, length: total });
      if (type !== 1) continue;
    }
    const read = size === 2 ? (o: number) => v.u16(o)! : size === 4 && (type === 4 || type === IFD_TYPE) ? (o: number) => v.u32(o)! : size === 1 ? (o: number) => v.bytes[o]! : null;
    if (!read) continue;
    const list: number[] = [];
    for (let k = 0; k < Math.min(n, MAX_VALUES); k++) list.push(read(dataAt + k * size));
    values.set(tag, list);
  }
  return { ifd: { offset: at, values, blobs }, next: v.u32(at + 2 + count * 12)! };
}

/** The first value of a tag, or undefined. */
export const first = (ifd: Ifd, tag: number): number | undefined => ifd.values.get(tag)?.[0];

/** An ASCII entry as text (NULs and padding trimmed), or null. */
export function asciiOf(bytes: Uint8Array, ifd: Ifd, tag: number): string | null {
  const blob = ifd.blobs.get(tag);
  if (!blob) return null;
  const text = String.fromCharCode(...bytes.subarray(blob.offset, blob.offset + Math.min(blob.length, 128)));
  return text.replace(/\0/g, '').trim() || null;
}
