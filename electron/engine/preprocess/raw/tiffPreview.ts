// The preview JPEG of a TIFF-structured RAW (DNG, CR2, NEF, ARW, ORF, RW2): every JPEG any of its IFDs points
// at (JPEGInterchangeFormat, a single JPEG-compressed strip, RW2's JpgFromRaw), judged by its own SOF header,
// and the largest picture wins. Lossless-JPEG sensor data is never taken for a preview (jpegSegments.ts).
import { pictureJpegFrame, type JpegFrame } from './jpegSegments.js';
import { first, TAG, type Ifd, type TiffFile } from './tiffStructure.js';

export interface EmbeddedJpeg extends JpegFrame {
  bytes: Uint8Array;
}

/** TIFF Compression codes of a JPEG-coded image (old-style and new-style). */
const JPEG_COMPRESSION = new Set([6, 7]);

function candidateRanges(ifd: Ifd, isIfd0: boolean): { offset: number; length: number }[] {
  const out: { offset: number; length: number }[] = [];
  const jpegAt = first(ifd, TAG.jpegOffset);
  const jpegLength = first(ifd, TAG.jpegLength);
  if (jpegAt !== undefined && jpegLength !== undefined) out.push({ offset: jpegAt, length: jpegLength });
  const strips = ifd.values.get(TAG.stripOffsets);
  const counts = ifd.values.get(TAG.stripByteCounts);
  if (JPEG_COMPRESSION.has(first(ifd, TAG.compression) ?? 0) && strips?.length === 1 && counts?.length === 1) {
    out.push({ offset: strips[0]!, length: counts[0]! });
  }
  const rw2 = isIfd0 ? ifd.blobs.get(TAG.rw2JpgFromRaw) : undefined;
  if (rw2) out.push(rw2);
  return out;
}

/** The largest embedded picture JPEG, or null when the RAW holds none. */
export function largestTiffJpeg(tiff: TiffFile): EmbeddedJpeg | null {
  let best: EmbeddedJpeg | null = null;
  const seen = new Set<number>();
  tiff.ifds.forEach((ifd, i) => {
    for (const range of candidateRanges(ifd, i === 0)) {
      if (seen.has(range.offset) || range.length < 4 || range.offset + range.length > tiff.bytes.length) continue;
      seen.add(range.offset);
      const bytes = tiff.bytes.subarray(range.offset, range.offset + range.length);
      const frame = pictureJpegFrame(bytes);
      if (frame && (!best || frame.width * frame.height > best.width * best.height)) best = { ...frame, bytes };
    }
  });
  return best;
}

/** The RAW's own EXIF Orientation (IFD0, where every TIFF-structured RAW keeps it), 1 when absent or invalid. */
export function tiffOrientation(tiff: TiffFile): number {
  const value = first(tiff.ifds[0]!, TAG.orientation);
  return value !== undefined && value >= 1 && value <= 8 ? value : 1;
}
