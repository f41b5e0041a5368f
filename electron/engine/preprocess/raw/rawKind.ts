// Which camera RAW a file is, from its bytes (never its name). CR2, ORF, RW2, RAF and CR3 say so in their first
// bytes; DNG, NEF and ARW are plain TIFF up front, so they are told apart by their first IFDs: DNG by its
// DNGVersion tag, NEF and ARW by their maker and the sensor data they hold (a CFA or maker-compressed image), so
// a TIFF a Nikon scanner or camera wrote as a picture is still read as the TIFF it is.
import { asciiOf, first, readTiff, TAG, type TiffFile } from './tiffStructure.js';

export const rawFormats = ['dng', 'cr2', 'cr3', 'nef', 'arw', 'raf', 'orf', 'rw2'] as const;
export type RawFormat = (typeof rawFormats)[number];

export const RAW_NAMES: Record<RawFormat, string> = {
  dng: 'DNG', cr2: 'Canon CR2', cr3: 'Canon CR3', nef: 'Nikon NEF', arw: 'Sony ARW', raf: 'Fujifilm RAF', orf: 'Olympus ORF', rw2: 'Panasonic RW2',
};

const isRawFormat = (f: string): f is RawFormat => (rawFormats as readonly string[]).includes(f);
export const isRaw = (format: string | null): boolean => format !== null && isRawFormat(format.toLowerCase());

const RAF_MAGIC = 'FUJIFILMCCD-RAW ';
/** PhotometricInterpretation of colour-filter-array and linear sensor data. */
const SENSOR_PHOTOMETRIC = new Set([32803, 34892]);
/** Compression codes cameras use for their sensor data (Nikon NEF, Sony ARW and the "packed" raw codes). */
const SENSOR_COMPRESSION = new Set([32767, 32769, 32770, 32773, 34713, 34316]);

/** RAW formats the first bytes prove (the hash stage's sniff sees only these). */
export function sniffRawHead(head: Uint8Array): RawFormat | null {
  const ascii = (start: number, end: number): string => String.fromCharCode(...head.subarray(start, Math.min(end, head.length)));
  if (ascii(0, 16) === RAF_MAGIC) return 'raf';
  if (ascii(4, 8) === 'ftyp' && ascii(8, 12) === 'crx ') return 'cr3';
  const order = ascii(0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  if (ascii(0, 4) === 'IIRO' || ascii(0, 4) === 'IIRS' || ascii(0, 4) === 'MMOR') return 'orf';
  if (ascii(0, 4) === 'IIU\0') return 'rw2';
  if (ascii(0, 4) === 'II*\0' && ascii(8, 10) === 'CR') return 'cr2';
  return null;
}

/** The RAW format of a whole file, or null when it is none (a plain TIFF stays a TIFF). */
export function detectRaw(bytes: Uint8Array): RawFormat | null {
  const fromHead = sniffRawHead(bytes.subarray(0, 64));
  if (fromHead) return fromHead;
  const tiff = readTiff(bytes);
  return tiff && tiff.magic === 42 ? tiffRawFormat(tiff) : null;
}

function tiffRawFormat(tiff: TiffFile): RawFormat | null {
  const ifd0 = tiff.ifds[0]!;
  if (ifd0.values.has(TAG.dngVersion) || ifd0.blobs.has(TAG.dngVersion)) return 'dng';
  const hasSensorData = tiff.ifds.some((ifd) =>
    SENSOR_PHOTOMETRIC.has(first(ifd, TAG.photometric) ?? 0) || SENSOR_COMPRESSION.has(first(ifd, TAG.compression) ?? 0));
  if (!hasSensorData) return null;
  const make = (asciiOf(tiff.bytes, ifd0, TAG.make) ?? '').toUpperCase();
  if (make.startsWith('NIKON')) return 'nef';
  if (make.startsWith('SONY')) return 'arw';
  return null;
}
