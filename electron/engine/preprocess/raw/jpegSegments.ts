// Just enough of the JPEG marker structure to judge an embedded preview before it is decoded: its frame size
// from the SOF header, whether it is a kind a photo decoder reads (RAW files also hold lossless-JPEG sensor
// data, which is no picture), and a copy without its EXIF segment (a RAW's orientation is the RAW's own, so the
// preview's EXIF must not turn it a second time). Bounds-checked: a cut-off or crafted segment ends the walk.

export interface JpegFrame {
  width: number;
  height: number;
}

const SOI = 0xd8;
const SOS = 0xda;
/** Baseline, extended and progressive, Huffman or arithmetic: what libjpeg decodes into a picture. */
const PICTURE_SOF = new Set([0xc0, 0xc1, 0xc2, 0xc9, 0xca]);
/** Lossless and hierarchical frames: RAW sensor data (CR2, DNG), never a preview. */
const OTHER_SOF = new Set([0xc3, 0xc5, 0xc6, 0xc7, 0xcb, 0xcd, 0xce, 0xcf]);

interface Segment {
  marker: number;
  /** Offset of the 0xFF of the marker. */
  at: number;
  /** Offset just past the segment. */
  end: number;
}

/** The segments from SOI up to and including SOS (where entropy-coded data starts), or null when malformed. */
function segments(bytes: Uint8Array): Segment[] | null {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== SOI) return null;
  const out: Segment[] = [];
  let at = 2;
  while (at + 4 <= bytes.length && out.length < 512) {
    if (bytes[at] !== 0xff) return null;
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++; // fill byte
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const end = at + 2 + length;
    if (length < 2 || end > bytes.length) return null;
    out.push({ marker, at, end });
    if (marker === SOS) return out;
    at = end;
  }
  return null;
}

/** The frame size of a JPEG a photo decoder can read, or null (malformed, lossless sensor data, zero-sized). */
export function pictureJpegFrame(bytes: Uint8Array): JpegFrame | null {
  const list = segments(bytes);
  if (!list) return null;
  for (const s of list) {
    if (OTHER_SOF.has(s.marker)) return null;
    if (!PICTURE_SOF.has(s.marker) || s.end - s.at < 9) continue;
    const height = (bytes[s.at + 5]! << 8) | bytes[s.at + 6]!;
    const width = (bytes[s.at + 7]! << 8) | bytes[s.at + 8]!;
    return width > 0 && height > 0 ? { width, height } : null;
  }
  return null;
}

const isExif = (bytes: Uint8Array, s: Segment): boolean =>
  s.marker === 0xe1 && s.end - s.at >= 10 && String.fromCharCode(...bytes.subarray(s.at + 4, s.at + 10)) === 'Exif\0\0';

/** An APP1 segment whose EXIF holds only this Orientation (a one-entry IFD0, little-endian). */
function orientationSegment(orientation: number): Buffer {
  const segment = Buffer.alloc(2 + 2 + 6 + 26);
  segment.writeUInt16BE(0xffe1, 0);
  segment.writeUInt16BE(segment.length - 2, 2);
  segment.write('Exif\0\0II*\0', 4, 'latin1');
  segment.writeUInt32LE(8, 14); // IFD0 right after the TIFF header
  segment.writeUInt16LE(1, 18); // one entry: Orientation, SHORT, count 1
  segment.writeUInt16LE(0x0112, 20);
  segment.writeUInt16LE(3, 22);
  segment.writeUInt32LE(1, 24);
  segment.writeUInt16LE(orientation, 28);
  return segment; // the next-IFD offset (bytes 32..35) stays 0
}

/**
 * The JPEG with its EXIF replaced by one that says only `orientation`, so the JPEG decoder turns it exactly as it
 * turns any photo, by the RAW's word (and nothing in the preview's own EXIF or XMP can turn it again), or null
 * when the JPEG's segments are malformed.
 */
export function withOnlyOrientation(bytes: Uint8Array, orientation: number): Buffer | null {
  const list = segments(bytes);
  if (!list) return null;
  const kept: Uint8Array[] = [bytes.subarray(0, 2), orientationSegment(orientation)];
  for (const s of list) if (!isExif(bytes, s)) kept.push(bytes.subarray(s.at, s.end));
  kept.push(bytes.subarray(list[list.length - 1]!.end));
  return Buffer.concat(kept);
}

/** The TIFF structure inside the JPEG's EXIF APP1 segment (after `Exif\0\0`), or null. */
export function exifTiffBytes(bytes: Uint8Array): Uint8Array | null {
  const exif = segments(bytes)?.find((s) => isExif(bytes, s));
  return exif ? bytes.subarray(exif.at + 10, exif.end) : null;
}
