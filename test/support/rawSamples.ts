// Camera-RAW-shaped test samples, generated (no camera file is committed): each is laid out as its camera
// writes it (DNG: IFD0 thumbnail, SubIFDs for sensor data and a JPEG preview, DNGVersion; CR2: the "CR" header,
// a full-size JPEG strip in IFD0, a thumbnail in IFD1, lossless sensor data in IFD3; NEF/ARW: maker, CFA sensor
// IFD, a preview JPEG; RW2: the IIU header and JpgFromRaw; ORF: sensor data only; RAF: the Fujifilm header's
// offsets; CR3: ISO-BMFF with Canon's CMT1, THMB and PRVW boxes). The sensor data is filler: Lookalike reads
// the preview, which here is a real JPEG made by sharp.
import sharp from 'sharp';
import { writeTiff, type EntryValue, type IfdSpec } from './tiffWriter.js';

const T = {
  newSubfileType: 0xfe, width: 0x100, height: 0x101, bitsPerSample: 0x102, compression: 0x103, photometric: 0x106,
  make: 0x10f, model: 0x110, stripOffsets: 0x111, orientation: 0x112, samplesPerPixel: 0x115, stripByteCounts: 0x117,
  subIfds: 0x14a, jpegOffset: 0x201, jpegLength: 0x202, exifIfd: 0x8769, dateTimeOriginal: 0x9003, dngVersion: 0xc612,
  rw2Jpeg: 0x2e,
} as const;

const short = (...values: number[]): EntryValue => ({ type: 'short', values });
const long = (...values: number[]): EntryValue => ({ type: 'long', values });
const ref = (...refs: string[]): EntryValue => ({ type: 'long', refs });
const lengthOf = (name: string): EntryValue => ({ type: 'long', lengthOf: name });
const ascii = (text: string): EntryValue => ({ type: 'ascii', text });

/** An asymmetric picture (red follows x, green y, a blue block top-left), so every orientation looks different. */
export async function sampleJpeg(width: number, height: number, quality = 95): Promise<Buffer> {
  const rgb = Buffer.alloc(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      rgb[o] = Math.round((x / Math.max(1, width - 1)) * 255);
      rgb[o + 1] = Math.round((y / Math.max(1, height - 1)) * 255);
      rgb[o + 2] = x < width / 3 && y < height / 3 ? 255 : 30;
    }
  }
  return sharp(rgb, { raw: { width, height, channels: 3 } }).jpeg({ quality, chromaSubsampling: '4:4:4' }).toBuffer();
}

/** The same JPEG bytes with an EXIF segment holding only this Orientation, inserted after SOI. */
export function withExifOrientation(jpeg: Buffer, orientation: number): Buffer {
  return withExif(jpeg, { orientation });
}

/** The same JPEG bytes with an EXIF segment (Orientation; with `takenAt`, also maker, model and capture time). */
export function withExif(jpeg: Buffer, o: { orientation: number; takenAt?: string; make?: string; model?: string }): Buffer {
  const camera: Record<number, EntryValue> = o.takenAt ? { [T.make]: ascii(o.make ?? 'FUJIFILM'), [T.model]: ascii(o.model ?? 'X-T3'), [T.exifIfd]: ref('exif') } : {};
  const tiff = writeTiff({
    blobs: {},
    ifds: [{ name: 'ifd0', entries: { [T.orientation]: short(o.orientation), ...camera } }, ...(o.takenAt ? [{ name: 'exif', entries: { [T.dateTimeOriginal]: ascii(o.takenAt) } }] : [])],
  });
  const payload = Buffer.concat([Buffer.from('Exif\0\0', 'latin1'), tiff]);
  const header = Buffer.from([0xff, 0xe1, 0, 0]);
  header.writeUInt16BE(payload.length + 2, 2);
  return Buffer.concat([jpeg.subarray(0, 2), header, payload, jpeg.subarray(2)]);
}

/** What CR2 and DNG keep sensor data as: a lossless JPEG (SOF3), here claiming a large frame. */
export function losslessJpegStub(width = 4000, height = 3000): Buffer {
  const sof3 = Buffer.from([0xff, 0xc3, 0, 11, 14, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0]);
  const sos = Buffer.from([0xff, 0xda, 0, 8, 1, 1, 0, 1, 0, 0]);
  return Buffer.concat([Buffer.from([0xff, 0xd8]), sof3, sos, Buffer.alloc(64, 0x55), Buffer.from([0xff, 0xd9])]);
}

export interface RawSampleOptions {
  preview: Buffer;
  previewWidth: number;
  previewHeight: number;
  orientation?: number;
  /** EXIF DateTimeOriginal, `YYYY:MM:DD HH:MM:SS`. */
  takenAt?: string;
  make?: string;
  model?: string;
}

const thumbRgb = Buffer.alloc(8 * 6 * 3, 0x80);
const filler = Buffer.alloc(512, 0x3c);

function commonIfd0(o: RawSampleOptions, make: string): Record<number, EntryValue> {
  return {
    [T.make]: ascii(o.make ?? make),
    [T.model]: ascii(o.model ?? 'Test Camera'),
    [T.orientation]: short(o.orientation ?? 1),
    [T.exifIfd]: ref('exif'),
  };
}

const exifIfd = (o: RawSampleOptions): IfdSpec => ({ name: 'exif', entries: { [T.dateTimeOriginal]: ascii(o.takenAt ?? '2024:05:01 10:00:00') } });

/** 32×32 16-bit RGGB sensor data: a real, if tiny, CFA image (LibRaw opens nothing under 22 pixels a side). */
const SENSOR = 32;
const sensorData = Buffer.alloc(SENSOR * SENSOR * 2, 0x10);
const identity: [number, number][] = [[10000, 10000], [0, 10000], [0, 10000], [0, 10000], [10000, 10000], [0, 10000], [0, 10000], [0, 10000], [10000, 10000]];

/**
 * DNG: IFD0 is an 8×6 RGB thumbnail with DNGVersion, the camera model and a colour matrix; SubIFD0 the CFA sensor
 * data, SubIFD1 the JPEG preview (NewSubfileType 1, JPEG-compressed YCbCr), as Adobe's converter writes them.
 */
export function makeDng(o: RawSampleOptions): Buffer {
  return writeTiff({
    blobs: { thumb: thumbRgb, sensor: sensorData, preview: o.preview },
    ifds: [
      {
        name: 'ifd0',
        entries: {
          ...commonIfd0(o, 'Test'), [T.newSubfileType]: long(1), [T.width]: long(8), [T.height]: long(6),
          [T.bitsPerSample]: short(8, 8, 8), [T.compression]: short(1), [T.photometric]: short(2), [T.samplesPerPixel]: short(3),
          [T.stripOffsets]: ref('thumb'), [T.stripByteCounts]: lengthOf('thumb'), [T.subIfds]: ref('sensorIfd', 'previewIfd'),
          [T.dngVersion]: { type: 'byte', bytes: new Uint8Array([1, 4, 0, 0]) },
          0xc614: ascii(`${o.make ?? 'Test'} ${o.model ?? 'Test Camera'}`), // UniqueCameraModel
          0xc621: { type: 'srational', pairs: identity }, // ColorMatrix1
        },
      },
      {
        name: 'sensorIfd',
        entries: {
          [T.newSubfileType]: long(0), [T.width]: long(SENSOR), [T.height]: long(SENSOR), [T.bitsPerSample]: short(16),
          [T.compression]: short(1), [T.photometric]: short(32803), [T.samplesPerPixel]: short(1), 0x116: long(SENSOR),
          [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor'),
          0x828d: short(2, 2), 0x828e: { type: 'byte', bytes: new Uint8Array([0, 1, 1, 2]) }, // CFARepeatPatternDim, CFAPattern
        },
      },
      {
        name: 'previewIfd',
        entries: {
          [T.newSubfileType]: long(1), [T.width]: long(o.previewWidth), [T.height]: long(o.previewHeight), [T.compression]: short(7),
          [T.photometric]: short(6), [T.stripOffsets]: ref('preview'), [T.stripByteCounts]: lengthOf('preview'),
        },
      },
      exifIfd(o),
    ],
  });
}

/** CR2: IFD0 holds the full-size JPEG as one old-style JPEG strip; IFD1 a thumbnail; IFD3 lossless sensor data. */
export function makeCr2(o: RawSampleOptions & { thumb: Buffer }): Buffer {
  return writeTiff({
    headerExtraLength: 8,
    headerExtra: (at) => {
      const b = Buffer.from([0x43, 0x52, 2, 0, 0, 0, 0, 0]);
      b.writeUInt32LE(at.get('ifd3')!, 4);
      return b;
    },
    blobs: { preview: o.preview, thumb: o.thumb, sensor: losslessJpegStub() },
    ifds: [
      { name: 'ifd0', next: 'ifd1', entries: { ...commonIfd0(o, 'Canon'), [T.width]: long(o.previewWidth), [T.height]: long(o.previewHeight), [T.compression]: short(6), [T.stripOffsets]: ref('preview'), [T.stripByteCounts]: lengthOf('preview') } },
      { name: 'ifd1', next: 'ifd3', entries: { [T.compression]: short(6), [T.jpegOffset]: ref('thumb'), [T.jpegLength]: lengthOf('thumb') } },
      { name: 'ifd3', entries: { [T.compression]: short(6), [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor') } },
      exifIfd(o),
    ],
  });
}

/** NEF: a small RGB thumbnail in IFD0, the JPEG in SubIFD0, Nikon-compressed CFA data in SubIFD1. */
export function makeNef(o: RawSampleOptions): Buffer {
  return writeTiff({
    littleEndian: false,
    blobs: { thumb: thumbRgb, preview: o.preview, sensor: filler },
    ifds: [
      { name: 'ifd0', entries: { ...commonIfd0(o, 'NIKON CORPORATION'), [T.newSubfileType]: long(1), [T.width]: long(8), [T.height]: long(6), [T.compression]: short(1), [T.photometric]: short(2), [T.stripOffsets]: ref('thumb'), [T.stripByteCounts]: lengthOf('thumb'), [T.subIfds]: ref('jpegIfd', 'sensorIfd') } },
      { name: 'jpegIfd', entries: { [T.newSubfileType]: long(1), [T.compression]: short(6), [T.jpegOffset]: ref('preview'), [T.jpegLength]: lengthOf('preview') } },
      { name: 'sensorIfd', entries: { [T.newSubfileType]: long(0), [T.compression]: short(34713), [T.photometric]: short(32803), [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor') } },
      exifIfd(o),
    ],
  });
}

/** ARW: the preview JPEG from IFD0's JPEGInterchangeFormat, Sony-coded CFA data in a SubIFD. */
export function makeArw(o: RawSampleOptions): Buffer {
  return writeTiff({
    blobs: { preview: o.preview, sensor: filler },
    ifds: [
      { name: 'ifd0', entries: { ...commonIfd0(o, 'SONY'), [T.compression]: short(6), [T.jpegOffset]: ref('preview'), [T.jpegLength]: lengthOf('preview'), [T.subIfds]: ref('sensorIfd') } },
      { name: 'sensorIfd', entries: { [T.compression]: short(32767), [T.photometric]: short(32803), [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor') } },
      exifIfd(o),
    ],
  });
}

/** RW2: Panasonic's "IIU" header and its 16-byte signature, and the JPEG as IFD0's JpgFromRaw (tag 0x2E). */
export function makeRw2(o: RawSampleOptions): Buffer {
  return writeTiff({
    magic: 0x55,
    headerExtraLength: 16,
    headerExtra: () => Buffer.from('88e774d8f8251d4d947a6e77822b5d6a', 'hex'),
    blobs: { sensor: filler },
    ifds: [{ name: 'ifd0', entries: { ...commonIfd0(o, 'Panasonic'), [T.rw2Jpeg]: { type: 'undefined', bytes: o.preview }, [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor') } }, exifIfd(o)],
  });
}

/** ORF with sensor data only (Olympus keeps its preview in maker notes, which Lookalike does not read). */
export function makeOrfWithoutPreview(o: Omit<RawSampleOptions, 'preview' | 'previewWidth' | 'previewHeight'>): Buffer {
  const opts = { ...o, preview: Buffer.alloc(0), previewWidth: 0, previewHeight: 0 };
  return writeTiff({
    magic: 0x4f52,
    blobs: { sensor: filler },
    ifds: [{ name: 'ifd0', entries: { ...commonIfd0(opts, 'OLYMPUS IMAGING CORP.'), [T.width]: long(4000), [T.height]: long(3000), [T.compression]: short(1), [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor') } }, exifIfd(opts)],
  });
}

/** An Olympus maker note: "OLYMPUS\0II\x03\0", its IFD at 12 pointing at CameraSettings, whose tags locate the JPEG. */
function olympusMakerNote(preview: Buffer): Buffer {
  const note = writeTiff({
    headerExtraLength: 4,
    blobs: { preview },
    ifds: [
      { name: 'main', entries: { 0x0000: { type: 'undefined', bytes: Buffer.from('0100', 'latin1') }, 0x2020: { type: 'ifd', refs: ['settings'] } } },
      { name: 'settings', entries: { 0x0100: long(1), 0x0101: ref('preview'), 0x0102: lengthOf('preview') } },
    ],
  });
  Buffer.from('OLYMPUS\0II\x03\0', 'latin1').copy(note, 0);
  return note;
}

/** ORF: the "IIRO" header, sensor data in IFD0 and the preview in the EXIF maker note (Olympus' own IFDs). */
export function makeOrf(o: RawSampleOptions): Buffer {
  return writeTiff({
    magic: 0x4f52,
    blobs: { sensor: filler },
    ifds: [
      { name: 'ifd0', entries: { ...commonIfd0(o, 'OLYMPUS CORPORATION'), [T.width]: long(4000), [T.height]: long(3000), [T.compression]: short(1), [T.stripOffsets]: ref('sensor'), [T.stripByteCounts]: lengthOf('sensor') } },
      { name: 'exif', entries: { [T.dateTimeOriginal]: ascii(o.takenAt ?? '2024:05:01 10:00:00'), 0x927c: { type: 'undefined', bytes: olympusMakerNote(o.preview) } } },
    ],
  });
}

/** RAF: the Fujifilm header, whose big-endian words at 84 and 88 locate the JPEG (which carries the EXIF). */
export function makeRaf(previewWithExif: Buffer): Buffer {
  const header = Buffer.alloc(160);
  header.write('FUJIFILMCCD-RAW 0201FF129502', 0, 'latin1');
  header.write('X-T3', 28, 'latin1');
  header.writeUInt32BE(header.length, 84);
  header.writeUInt32BE(previewWithExif.length, 88);
  return Buffer.concat([header, previewWithExif, filler]);
}

const box = (type: string, ...payload: Uint8Array[]): Buffer => {
  const body = Buffer.concat(payload);
  const head = Buffer.alloc(8);
  head.writeUInt32BE(body.length + 8, 0);
  head.write(type, 4, 'latin1');
  return Buffer.concat([head, body]);
};
const uuidBox = (hex: string, ...payload: Uint8Array[]): Buffer => box('uuid', Buffer.from(hex, 'hex'), ...payload);

function sizedJpegHeader(words: number[], jpeg: Buffer): Buffer {
  const head = Buffer.alloc(16);
  words.forEach((w, i) => (i < 4 ? head.writeUInt16BE(w, 4 + i * 2) : undefined));
  head.writeUInt32BE(jpeg.length, 12);
  return Buffer.concat([head, jpeg]);
}

/** A full box: version 0 and no flags, then the payload. */
const fullBox = (type: string, ...payload: Uint8Array[]): Buffer => box(type, Buffer.alloc(4), ...payload);
const u32 = (...values: number[]): Buffer => Buffer.concat(values.map((v) => { const b = Buffer.alloc(4); b.writeUInt32BE(v); return b; }));
const u64 = (value: number): Buffer => { const b = Buffer.alloc(8); b.writeBigUInt64BE(BigInt(value)); return b; };

/** CR3's first track: one sample, the full-size JPEG, at `offset` in the file. */
const fullJpegTrack = (size: number, offset: number): Buffer =>
  box('trak', fullBox('tkhd', Buffer.alloc(80)), box('mdia', box('minf', box('stbl', fullBox('stsz', u32(size, 1)), fullBox('co64', u32(1), u64(offset))))));

/**
 * CR3: ftyp crx; moov › Canon uuid › CMT1 (IFD0: maker, model, Orientation), CMT2 (EXIF IFD) and THMB, and (with `full`) a first trak whose
 * one sample in mdat is the full-size JPEG; the Canon preview uuid › PRVW.
 */
export function makeCr3(o: RawSampleOptions & { thumb: Buffer; thumbWidth: number; thumbHeight: number; full?: Buffer }): Buffer {
  const cmt1 = writeTiff({ blobs: {}, ifds: [{ name: 'ifd0', entries: { [T.make]: ascii('Canon'), [T.model]: ascii(o.model ?? 'Test Camera'), [T.orientation]: short(o.orientation ?? 1) } }] });
  const cmt2 = writeTiff({ blobs: {}, ifds: [{ name: 'exif', entries: { [T.dateTimeOriginal]: ascii(o.takenAt ?? '2024:05:01 10:00:00') } }] });
  const canonMoov = uuidBox('85c0b687820f11e08111f4ce462b6a48',
    box('CNCV', Buffer.from('CanonCR3_001/00.09.00/00.00.00', 'latin1')),
    box('CMT1', cmt1),
    box('CMT2', cmt2),
    box('THMB', sizedJpegHeader([o.thumbWidth, o.thumbHeight], o.thumb)));
  const preview = uuidBox('eaf42b5e1c984b88b9fbb7dc406e4d16', Buffer.from([0, 0, 0, 0, 0, 0, 0, 1]),
    box('PRVW', sizedJpegHeader([1, o.previewWidth, o.previewHeight, 1], o.preview)));
  const ftyp = box('ftyp', Buffer.from('crx \0\0\0\x01crx isom', 'latin1'));
  const moov = (fullAt: number): Buffer => box('moov', canonMoov, ...(o.full ? [fullJpegTrack(o.full.length, fullAt)] : []));
  // The track's offset points into mdat, after everything before it (whose size does not depend on the offset).
  const mdatAt = ftyp.length + moov(0).length + preview.length;
  return Buffer.concat([ftyp, moov(mdatAt + 8), preview, box('mdat', o.full ?? Buffer.alloc(0), filler)]);
}
