// Olympus ORF files keep their preview JPEG in the maker note, not in an IFD of the file: the EXIF MakerNote
// starts "OLYMPUS\0" + byte order + 3, its IFD at byte 12 and its offsets relative to the note's start; tag
// 0x2020 points at the CameraSettings IFD, whose PreviewImageStart (0x101) and PreviewImageLength (0x102) locate
// the JPEG, valid when PreviewImageValid (0x100) is 1. Older cameras write "OLYMP\0" with offsets relative to the
// TIFF header and the JPEG as the note's PreviewImage blob (0x280).
import { pictureJpegFrame } from './jpegSegments.js';
import type { EmbeddedJpeg } from './tiffPreview.js';
import { first, readIfdAt, TAG, type TiffFile } from './tiffStructure.js';

const CAMERA_SETTINGS = 0x2020;
const PREVIEW_VALID = 0x0100;
const PREVIEW_START = 0x0101;
const PREVIEW_LENGTH = 0x0102;
const OLD_PREVIEW = 0x0280;

const asJpeg = (bytes: Uint8Array): EmbeddedJpeg | null => {
  const frame = pictureJpegFrame(bytes);
  return frame ? { ...frame, bytes } : null;
};

export function olympusPreview(tiff: TiffFile): EmbeddedJpeg | null {
  const note = tiff.ifds.map((ifd) => ifd.blobs.get(TAG.makerNote)).find((b) => b !== undefined);
  if (!note || note.length < 16) return null;
  const bytes = tiff.bytes.subarray(note.offset, note.offset + note.length);
  const signature = String.fromCharCode(...bytes.subarray(0, 8));
  if (signature.startsWith('OLYMP\0')) {
    const ifd = readIfdAt(tiff.bytes, tiff.littleEndian, note.offset + 8);
    const blob = ifd?.blobs.get(OLD_PREVIEW);
    return blob ? asJpeg(tiff.bytes.subarray(blob.offset, blob.offset + blob.length)) : null;
  }
  // "OLYMPUS\0" + order + 3 (12 bytes), or OM Digital's "OM SYSTEM\0\0\0" + order + 4 (16 bytes).
  const header = signature === 'OLYMPUS\0' ? 12 : signature === 'OM SYSTE' ? 16 : 0;
  if (header === 0) return null;
  const order = String.fromCharCode(bytes[header - 4]!, bytes[header - 3]!);
  const little = order === 'II';
  if (!little && order !== 'MM') return null;
  const main = readIfdAt(bytes, little, header);
  const settingsAt = main ? first(main, CAMERA_SETTINGS) : undefined;
  const settings = settingsAt === undefined ? null : readIfdAt(bytes, little, settingsAt);
  if (!settings || first(settings, PREVIEW_VALID) === 0) return null;
  const start = first(settings, PREVIEW_START);
  const length = first(settings, PREVIEW_LENGTH);
  if (start === undefined || length === undefined || length < 4 || start + length > bytes.length) return null;
  return asJpeg(bytes.subarray(start, start + length));
}
