// A small TIFF structure writer for test samples: IFDs with SHORT, LONG, ASCII, BYTE, UNDEFINED and IFD
// entries, chained and nested (SubIFDs, EXIF IFD), blobs placed anywhere. Enough to build DNG, CR2, NEF, ARW,
// ORF and RW2-shaped files and EXIF segments the way cameras lay them out (no camera file is committed).

export type EntryValue =
  | { type: 'short' | 'long'; values: number[] }
  | { type: 'ascii'; text: string }
  | { type: 'byte' | 'undefined'; bytes: Uint8Array }
  /** Signed rationals (DNG's colour matrices), as numerator/denominator pairs. */
  | { type: 'srational'; pairs: [number, number][] }
  /** Pointers to blobs or IFDs written elsewhere in the file (resolved by name). */
  | { type: 'long' | 'ifd'; refs: string[] }
  /** A blob's length (e.g. JPEGInterchangeFormatLength, StripByteCounts). */
  | { type: 'long'; lengthOf: string };

export interface IfdSpec {
  name: string;
  entries: Record<number, EntryValue>;
  /** The IFD this one chains to (IFD0 → IFD1). */
  next?: string;
}

export interface TiffSpec {
  littleEndian?: boolean;
  /** 42 for TIFF; ORF and RW2 put their own word here. */
  magic?: number;
  /** Bytes after the 8-byte header (CR2's "CR" marker and raw IFD pointer). */
  headerExtra?: (offsets: ReadonlyMap<string, number>) => Uint8Array;
  headerExtraLength?: number;
  blobs: Record<string, Uint8Array>;
  /** The first is IFD0; the others in any order (entries point at them by name). */
  ifds: IfdSpec[];
}

const TYPE_CODE = { byte: 1, ascii: 2, short: 3, long: 4, undefined: 7, srational: 10, ifd: 13 } as const;

function ifdSize(spec: IfdSpec): number {
  return 2 + Object.keys(spec.entries).length * 12 + 4;
}

function entryData(value: EntryValue, offsets: ReadonlyMap<string, number>, blobs: Record<string, Uint8Array>, le: boolean): { type: number; count: number; data: Buffer } {
  if ('text' in value) return { type: 2, count: value.text.length + 1, data: Buffer.from(`${value.text}\0`, 'latin1') };
  if ('bytes' in value) return { type: TYPE_CODE[value.type], count: value.bytes.length, data: Buffer.from(value.bytes) };
  if ('pairs' in value) {
    const data = Buffer.alloc(value.pairs.length * 8);
    value.pairs.flat().forEach((n, i) => (le ? data.writeInt32LE(n, i * 4) : data.writeInt32BE(n, i * 4)));
    return { type: 10, count: value.pairs.length, data };
  }
  const numbers = 'refs' in value ? value.refs.map((r) => offsets.get(r) ?? 0) : 'lengthOf' in value ? [blobs[value.lengthOf]!.length] : value.values;
  const size = value.type === 'short' ? 2 : 4;
  const data = Buffer.alloc(numbers.length * size);
  numbers.forEach((n, i) => {
    if (size === 2) (le ? data.writeUInt16LE(n, i * 2) : data.writeUInt16BE(n, i * 2));
    else (le ? data.writeUInt32LE(n, i * 4) : data.writeUInt32BE(n, i * 4));
  });
  return { type: TYPE_CODE[value.type], count: numbers.length, data };
}

/** Lays out header, IFDs with their out-of-line values, then blobs; offsets are known before anything is written. */
export function writeTiff(spec: TiffSpec): Buffer {
  const le = spec.littleEndian ?? true;
  const offsets = new Map<string, number>();
  let at = 8 + (spec.headerExtraLength ?? 0);
  const align = (): void => void (at += at % 2);
  // Out-of-line values sit right after their IFD; their sizes do not depend on offsets.
  const outOfLine = (ifd: IfdSpec): number =>
    Object.values(ifd.entries).reduce((sum, v) => {
      const n = entryData(v, new Map(), spec.blobs, le).data.length;
      return sum + (n > 4 ? n + (n % 2) : 0);
    }, 0);
  for (const ifd of spec.ifds) {
    align();
    offsets.set(ifd.name, at);
    at += ifdSize(ifd) + outOfLine(ifd);
  }
  // Blobs after the IFDs, as cameras write them: a file cut short keeps its structure and loses pixel data.
  for (const [name, blob] of Object.entries(spec.blobs)) {
    align();
    offsets.set(name, at);
    at += blob.length;
  }
  const out = Buffer.alloc(at);
  out.write(le ? 'II' : 'MM', 0, 'latin1');
  le ? out.writeUInt16LE(spec.magic ?? 42, 2) : out.writeUInt16BE(spec.magic ?? 42, 2);
  const ifd0 = offsets.get(spec.ifds[0]!.name)!;
  le ? out.writeUInt32LE(ifd0, 4) : out.writeUInt32BE(ifd0, 4);
  spec.headerExtra && Buffer.from(spec.headerExtra(offsets)).copy(out, 8);
  for (const [name, blob] of Object.entries(spec.blobs)) Buffer.from(blob).copy(out, offsets.get(name)!);
  for (const ifd of spec.ifds) writeIfd(out, ifd, offsets, spec.blobs, le);
  return out;
}

function writeIfd(out: Buffer, ifd: IfdSpec, offsets: ReadonlyMap<string, number>, blobs: Record<string, Uint8Array>, le: boolean): void {
  const start = offsets.get(ifd.name)!;
  const tags = Object.keys(ifd.entries).map(Number).sort((a, b) => a - b);
  const u16 = (v: number, o: number): void => void (le ? out.writeUInt16LE(v, o) : out.writeUInt16BE(v, o));
  const u32 = (v: number, o: number): void => void (le ? out.writeUInt32LE(v, o) : out.writeUInt32BE(v, o));
  u16(tags.length, start);
  let extra = start + ifdSize(ifd);
  tags.forEach((tag, i) => {
    const entry = start + 2 + i * 12;
    const { type, count, data } = entryData(ifd.entries[tag]!, offsets, blobs, le);
    u16(tag, entry);
    u16(type, entry + 2);
    u32(count, entry + 4);
    if (data.length <= 4) {
      data.copy(out, entry + 8);
    } else {
      u32(extra, entry + 8);
      data.copy(out, extra);
      extra += data.length + (data.length % 2);
    }
  });
  u32(ifd.next ? offsets.get(ifd.next)! : 0, start + 2 + tags.length * 12);
}
