// Camera RAW files (DNG, CR2, CR3, NEF, ARW, RAF, ORF, RW2) are read through the full-size preview JPEG that
// nearly every camera embeds, not by demosaicing the sensor data. Why: the preview is the camera's own rendering
// (white balance, tone curve, lens corrections), which is what the photographer's JPEG twin and every viewer
// show, so a RAW and its JPEG land together; it decodes through the same Pillow-faithful JPEG path as any photo;
// and it costs a few hundred lines of bounded parsing instead of a RAW decoder. The one maintained on npm,
// libraw-wasm (1.6.0), runs LibRaw in a browser Web Worker (`new Worker(new URL(…))`), which plain Node (the CLI,
// the engine process) lacks; its demosaiced output is not the camera's rendering, and its thumbnailData() would
// return the same preview JPEG found here. The preview is turned by the RAW's own EXIF Orientation (its IFD0; for RAF the EXIF inside its JPEG,
// the only one it has), never by the preview's, and the decoded image says it came from the preview. The
// structures are walked by hand (raw/): a few bounded readers of TIFF IFDs, ISO-BMFF boxes and JPEG markers; the
// TIFF libraries on npm read images, not the SubIFDs, maker notes and non-42 headers (ORF, RW2) RAWs use.
import { LookalikeError } from '../errors.js';
import type { DecodedImage, DecodeOptions } from './decode.js';
import { containerPreview, cr3Parts, rafPreview } from './raw/containerPreviews.js';
import { withOnlyOrientation } from './raw/jpegSegments.js';
import { olympusPreview } from './raw/olympusPreview.js';
import { RAW_NAMES, sniffRawHead, type RawFormat } from './raw/rawKind.js';
import { asciiOf, readTiff } from './raw/tiffStructure.js';
import { largestTiffJpeg, tiffOrientation, type EmbeddedJpeg } from './raw/tiffPreview.js';

export { detectRaw, isRaw, rawFormats, sniffRawHead, type RawFormat } from './raw/rawKind.js';

export interface RawPreview {
  format: RawFormat;
  jpeg: EmbeddedJpeg;
  /** The RAW's EXIF Orientation, 1 when it has none. */
  orientation: number;
}

const failed = (message: string, cause?: unknown): LookalikeError => new LookalikeError('failed', message, { cause });

/** The preview a RAW embeds and the RAW's orientation; refused with the reason when there is no usable one. */
export function extractRawPreview(bytes: Uint8Array, format: RawFormat): RawPreview {
  const found = format === 'raf' || format === 'cr3' ? containerPreview(bytes, format) : tiffPreview(bytes, format);
  if (!found) {
    const where = format === 'orf' ? ' (none in its IFDs or its Olympus maker note)' : format === 'cr3' ? ' (none in its first track, PRVW or THMB box)' : '';
    throw failed(`${RAW_NAMES[format]} without a usable embedded preview JPEG${where}: RAW files are read through their preview, sensor data is not demosaiced`);
  }
  return { format, ...found };
}

function tiffPreview(bytes: Uint8Array, format: RawFormat): { jpeg: EmbeddedJpeg; orientation: number } | null {
  const tiff = readTiff(bytes);
  if (!tiff) return null;
  const candidates = [largestTiffJpeg(tiff), format === 'orf' ? olympusPreview(tiff) : null];
  const jpeg = candidates.reduce((best, c) => (c && (!best || c.width * c.height > best.width * best.height) ? c : best), null);
  return jpeg ? { jpeg, orientation: tiffOrientation(tiff) } : null;
}

/** The EXIF fields the scanner keeps, as a CR3's CMT boxes hold them (exifr reads no CR3). */
export interface RawExifFields {
  DateTimeOriginal: string | null;
  OffsetTimeOriginal: string | null;
  Make: string | null;
  Model: string | null;
}

/**
 * Where a file's EXIF is for the metadata reader: null for the file itself (exifr reads TIFF-structured RAWs),
 * RAF's embedded JPEG (its camera EXIF is only there), or a CR3's fields from its CMT1 and CMT2 boxes.
 */
export function rawExifSource(bytes: Buffer): Buffer | RawExifFields | null {
  const format = sniffRawHead(bytes.subarray(0, 64));
  if (format === 'raf') {
    const jpeg = rafPreview(bytes);
    return jpeg ? Buffer.from(jpeg.bytes.buffer, jpeg.bytes.byteOffset, jpeg.bytes.byteLength) : null;
  }
  if (format !== 'cr3') return null;
  const parts = cr3Parts(bytes);
  const ifd0 = parts.ifd0Tiff ? readTiff(parts.ifd0Tiff) : null;
  const exif = parts.exifTiff ? readTiff(parts.exifTiff) : null;
  const text = (tiff: typeof ifd0, tag: number): string | null => (tiff ? asciiOf(tiff.bytes, tiff.ifds[0]!, tag) : null);
  return { DateTimeOriginal: text(exif, 0x9003), OffsetTimeOriginal: text(exif, 0x9011), Make: text(ifd0, 0x010f), Model: text(ifd0, 0x0110) };
}

export type JpegDecoder = (bytes: Buffer, opts: DecodeOptions) => Promise<DecodedImage>;

/**
 * A RAW decoded through its preview: the JPEG with its EXIF replaced by the RAW's orientation alone, decoded by
 * the engine's JPEG path (pixel limit, Pillow's conversion, libvips' native turn).
 */
export async function decodeRawImage(bytes: Uint8Array, format: RawFormat, opts: DecodeOptions, decodeJpeg: JpegDecoder): Promise<DecodedImage> {
  const preview = extractRawPreview(bytes, format);
  const jpeg = withOnlyOrientation(preview.jpeg.bytes, preview.orientation);
  if (!jpeg) throw failed(`${RAW_NAMES[format]}'s embedded preview: corrupt JPEG segments`);
  let decoded: DecodedImage;
  try {
    decoded = await decodeJpeg(jpeg, opts);
  } catch (error) {
    throw failed(`${RAW_NAMES[format]}'s embedded preview: ${error instanceof Error ? error.message : String(error)}`, error);
  }
  return { ...decoded, format, decodedFrom: 'embedded-preview' };
}
