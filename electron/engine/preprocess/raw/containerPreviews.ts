// The preview JPEG of the two RAW formats that are not TIFF up front. RAF (Fujifilm) has a fixed header whose
// big-endian words at 84 and 88 give the offset and length of a full-size JPEG that also carries the camera's
// EXIF (Orientation included: the RAF keeps it nowhere else). CR3 (Canon) is ISO-BMFF: the moov box holds a
// Canon uuid box with CMT1 (IFD0 as TIFF, the Orientation) and THMB (160×120), and a top-level Canon uuid box
// holds PRVW (1620×1080), and the first trak's one sample is the full-size JPEG (its stsz and co64 boxes say
// where). The largest that is a picture JPEG wins.
import { exifTiffBytes, pictureJpegFrame } from './jpegSegments.js';
import { tiffOrientation, type EmbeddedJpeg } from './tiffPreview.js';
import { readTiff } from './tiffStructure.js';

const CANON_MOOV_UUID = '85c0b687820f11e08111f4ce462b6a48';
const CANON_PREVIEW_UUID = 'eaf42b5e1c984b88b9fbb7dc406e4d16';

/** The preview and the RAW's orientation of a RAF or a CR3 (the largest of CR3's previews), or null. */
export function containerPreview(bytes: Uint8Array, format: 'raf' | 'cr3'): { jpeg: EmbeddedJpeg; orientation: number } | null {
  if (format === 'raf') {
    const jpeg = rafPreview(bytes);
    return jpeg ? { jpeg, orientation: orientationOf(exifTiffBytes(jpeg.bytes)) } : null;
  }
  const parts = cr3Parts(bytes);
  const jpeg = parts.previews.reduce<EmbeddedJpeg | null>((best, p) => (!best || p.width * p.height > best.width * best.height ? p : best), null);
  return jpeg ? { jpeg, orientation: orientationOf(parts.ifd0Tiff) } : null;
}

function orientationOf(tiffBytes: Uint8Array | null): number {
  const tiff = tiffBytes ? readTiff(tiffBytes) : null;
  return tiff ? tiffOrientation(tiff) : 1;
}

export function rafPreview(bytes: Uint8Array): EmbeddedJpeg | null {
  if (bytes.length < 92) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const offset = view.getUint32(84);
  const length = view.getUint32(88);
  if (offset < 92 || length < 4 || offset + length > bytes.length) return null;
  const jpeg = bytes.subarray(offset, offset + length);
  const frame = pictureJpegFrame(jpeg);
  return frame ? { ...frame, bytes: jpeg } : null;
}

interface Box {
  type: string;
  /** The box's payload (after its header, and after the 16-byte id of a uuid box). */
  start: number;
  end: number;
  uuid: string | null;
}

/** The boxes laid end to end in [start, end), bounds-checked (a box running past its parent ends the list). */
function boxes(bytes: Uint8Array, start: number, end: number): Box[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: Box[] = [];
  for (let at = start; at + 8 <= end && out.length < 256; ) {
    let size = view.getUint32(at);
    let header = 8;
    if (size === 1) {
      if (at + 16 > end) break;
      size = Number(view.getBigUint64(at + 8));
      header = 16;
    } else if (size === 0) {
      size = end - at;
    }
    if (size < header || at + size > end) break;
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const isUuid = type === 'uuid' && header + 16 <= size;
    const uuid = isUuid ? Buffer.from(bytes.subarray(at + header, at + header + 16)).toString('hex') : null;
    out.push({ type, start: at + header + (isUuid ? 16 : 0), end: at + size, uuid });
    at += size;
  }
  return out;
}

/** A JPEG in a THMB/PRVW box: it starts within the box's small header and runs to the box's end. */
function jpegInBox(bytes: Uint8Array, box: Box): EmbeddedJpeg | null {
  for (let at = box.start; at < Math.min(box.start + 32, box.end - 3); at++) {
    if (bytes[at] === 0xff && bytes[at + 1] === 0xd8 && bytes[at + 2] === 0xff) {
      const jpeg = bytes.subarray(at, box.end);
      const frame = pictureJpegFrame(jpeg);
      return frame ? { ...frame, bytes: jpeg } : null;
    }
  }
  return null;
}

export interface Cr3Parts {
  previews: EmbeddedJpeg[];
  /** The CMT1 box: IFD0 as a TIFF structure, where the Orientation, maker and model are. */
  ifd0Tiff: Uint8Array | null;
  /** The CMT2 box: the EXIF IFD as a TIFF structure's IFD0 (the capture time). */
  exifTiff: Uint8Array | null;
}

export function cr3Parts(bytes: Uint8Array): Cr3Parts {
  const top = boxes(bytes, 0, bytes.length);
  const previews: EmbeddedJpeg[] = [];
  let ifd0Tiff: Uint8Array | null = null;
  let exifTiff: Uint8Array | null = null;
  for (const box of top) {
    if (box.type === 'moov') {
      const moov = boxes(bytes, box.start, box.end);
      const canon = moov.find((b) => b.uuid === CANON_MOOV_UUID);
      const firstTrack = moov.find((b) => b.type === 'trak');
      if (firstTrack) previews.push(...nonNull(firstSampleJpeg(bytes, firstTrack)));
      for (const inner of canon ? boxes(bytes, canon.start, canon.end) : []) {
        if (inner.type === 'CMT1') ifd0Tiff = bytes.subarray(inner.start, inner.end);
        if (inner.type === 'CMT2') exifTiff = bytes.subarray(inner.start, inner.end);
        if (inner.type === 'THMB') previews.push(...nonNull(jpegInBox(bytes, inner)));
      }
    } else if (box.uuid === CANON_PREVIEW_UUID) {
      // Eight bytes of Canon's own precede the PRVW box.
      for (const inner of boxes(bytes, box.start + 8, box.end)) if (inner.type === 'PRVW') previews.push(...nonNull(jpegInBox(bytes, inner)));
    }
  }
  return { previews, ifd0Tiff, exifTiff };
}

/** The box at the end of a path of box types inside `parent` (first of each type), or null. */
function descend(bytes: Uint8Array, parent: Box, path: readonly string[]): Box | null {
  let box: Box | undefined = parent;
  for (const type of path) {
    box = boxes(bytes, box.start, box.end).find((b) => b.type === type);
    if (!box) return null;
  }
  return box;
}

/** The first sample of a track, where CR3 keeps its full-size JPEG: offset from co64 (or stco), size from stsz. */
function firstSampleJpeg(bytes: Uint8Array, trak: Box): EmbeddedJpeg | null {
  const stbl = descend(bytes, trak, ['mdia', 'minf', 'stbl']);
  const stsz = stbl && descend(bytes, stbl, ['stsz']);
  const co64 = stbl && descend(bytes, stbl, ['co64']);
  const stco = stbl && !co64 ? descend(bytes, stbl, ['stco']) : null;
  const chunks = co64 ?? stco;
  if (!stsz || !chunks || stsz.end - stsz.start < 12 || chunks.end - chunks.start < (co64 ? 16 : 12)) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Both are full boxes: version and flags, then (stsz) one size for all or 0 and a table, (co64/stco) a count and offsets.
  const fixed = view.getUint32(stsz.start + 4);
  if (fixed === 0 && stsz.end - stsz.start < 16) return null;
  const size = fixed || view.getUint32(stsz.start + 12);
  const offset = co64 ? Number(view.getBigUint64(chunks.start + 8)) : view.getUint32(chunks.start + 8);
  if (view.getUint32(chunks.start + 4) === 0 || size < 4 || offset + size > bytes.length) return null;
  const jpeg = bytes.subarray(offset, offset + size);
  const frame = pictureJpegFrame(jpeg);
  return frame ? { ...frame, bytes: jpeg } : null;
}

const nonNull = <T>(value: T | null): T[] => (value === null ? [] : [value]);
