// Camera RAW files decode through their embedded preview JPEG, turned by the RAW's own orientation, and a RAW
// without a usable preview is refused with the reason. Samples are generated (test/support/rawSamples.ts).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage, type DecodedImage } from '../../../electron/engine/preprocess/decode.js';
import { detectRaw } from '../../../electron/engine/preprocess/rawPreview.js';
import { readExif } from '../../../electron/engine/scan/exif.js';
import { sniffFormat } from '../../../electron/engine/preprocess/sniffFormat.js';
import { writeTiff } from '../../support/tiffWriter.js';
import {
  makeArw, makeCr2, makeCr3, makeDng, makeNef, makeOrf, makeOrfWithoutPreview, makeRaf, makeRw2, sampleJpeg, withExif, withExifOrientation,
} from '../../support/rawSamples.js';

const W = 48;
const H = 32;
let preview: Buffer;
let thumb: Buffer;
let plain: DecodedImage;

beforeAll(async () => {
  preview = await sampleJpeg(W, H);
  thumb = await sampleJpeg(12, 8);
  plain = await decodeImage(preview);
});

const base = () => ({ preview, previewWidth: W, previewHeight: H });
const samePixels = (a: DecodedImage, b: DecodedImage): void => {
  expect([a.width, a.height]).toEqual([b.width, b.height]);
  expect(Buffer.from(a.rgb.data).equals(Buffer.from(b.rgb.data))).toBe(true);
};

describe('RAW decode through the embedded preview', () => {
  const cases: [string, () => Buffer][] = [
    ['dng', () => makeDng(base())],
    ['cr2', () => makeCr2({ ...base(), thumb })],
    ['nef', () => makeNef(base())],
    ['arw', () => makeArw(base())],
    ['rw2', () => makeRw2(base())],
    ['orf', () => makeOrf(base())],
    ['raf', () => makeRaf(preview)],
    ['cr3', () => makeCr3({ ...base(), thumb, thumbWidth: 12, thumbHeight: 8 })],
  ];
  it.each(cases)('%s: the largest preview, its pixels exactly, recorded as the preview', async (format, make) => {
    const bytes = make();
    expect(detectRaw(bytes)).toBe(format);
    const decoded = await decodeImage(bytes);
    expect(decoded.format).toBe(format);
    expect(decoded.decodedFrom).toBe('embedded-preview');
    // Not the 8×6 IFD0 thumbnail, the 12×8 one, nor the 4000×3000 lossless sensor stub.
    samePixels(decoded, plain);
  });

  it('CR3: the full-size JPEG of its first track wins over PRVW and THMB', async () => {
    const full = await sampleJpeg(96, 64);
    const decoded = await decodeImage(makeCr3({ ...base(), thumb, thumbWidth: 12, thumbHeight: 8, full }));
    samePixels(decoded, await decodeImage(full));
  });

  it('CR3, RAF, ORF and RW2 are recognised from their first bytes, DNG/NEF/ARW only from their IFDs', () => {
    expect(sniffFormat(makeCr3({ ...base(), thumb, thumbWidth: 12, thumbHeight: 8 }).subarray(0, 64))).toEqual({ kind: 'raw', format: 'cr3' });
    expect(sniffFormat(makeRaf(preview).subarray(0, 64))).toEqual({ kind: 'raw', format: 'raf' });
    expect(sniffFormat(makeOrfWithoutPreview({}).subarray(0, 64))).toEqual({ kind: 'raw', format: 'orf' });
    expect(sniffFormat(makeRw2(base()).subarray(0, 64))).toEqual({ kind: 'raw', format: 'rw2' });
    expect(sniffFormat(makeDng(base()).subarray(0, 64))).toEqual({ kind: 'raster', format: 'tiff' });
  });

  it('a plain TIFF (even from a Nikon) stays a TIFF', async () => {
    const tiff = await sharp(preview).tiff().toBuffer();
    expect(detectRaw(tiff)).toBeNull();
    const nikonish = writeTiff({ blobs: {}, ifds: [{ name: 'ifd0', entries: { 0x10f: { type: 'ascii', text: 'NIKON' }, 0x103: { type: 'short', values: [1] } } }] });
    expect(detectRaw(nikonish)).toBeNull();
    expect((await decodeImage(tiff)).format).toBe('tiff');
  });
});

// The samples are only as good as their likeness to camera files: exiftool (Debian's libimage-exiftool-perl),
// which knows every camera's layout, must name each one's format and find its preview where cameras put it.
const hasExiftool = spawnSync('exiftool', ['-ver']).status === 0;
describe.skipIf(!hasExiftool)('the generated samples, as exiftool reads them (skipped without exiftool)', () => {
  it('names every format and finds the preview and the orientation', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookalike-raw-samples-'));
    try {
      const o = { ...base(), orientation: 6 };
      const files: Record<string, Buffer> = {
        'a.dng': makeDng(o), 'a.cr2': makeCr2({ ...o, thumb }), 'a.nef': makeNef(o), 'a.arw': makeArw(o), 'a.rw2': makeRw2(o),
        'a.orf': makeOrf(o), 'a.raf': makeRaf(withExifOrientation(preview, 6)), 'a.cr3': makeCr3({ ...o, thumb, thumbWidth: 12, thumbHeight: 8 }),
      };
      for (const [name, bytes] of Object.entries(files)) writeFileSync(join(dir, name), bytes);
      const run = spawnSync('exiftool', ['-j', '-n', '-FileType', '-Orientation', '-PreviewImageLength', '-JpgFromRawLength', ...Object.keys(files).sort().map((f) => join(dir, f))], { encoding: 'utf8' });
      const rows = JSON.parse(run.stdout) as { FileType: string; Orientation?: number; PreviewImageLength?: number; JpgFromRawLength?: number }[];
      expect(rows.map((r) => r.FileType)).toEqual(['ARW', 'CR2', 'CR3', 'DNG', 'NEF', 'ORF', 'RAF', 'RW2']);
      expect(rows.every((r) => r.Orientation === 6)).toBe(true);
      const previewLength = (r: (typeof rows)[number]) => r.PreviewImageLength ?? r.JpgFromRawLength;
      expect(['ARW', 'CR2', 'DNG', 'NEF', 'ORF'].map((t) => previewLength(rows.find((r) => r.FileType === t)!))).toEqual(Array(5).fill(preview.length));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// The DNG sample is a real DNG: LibRaw (Debian's libraw-bin), the library behind most RAW tools, opens it as a
// camera file, reads its orientation, and picks the same preview JPEG Lookalike picks.
const hasLibraw = spawnSync('raw-identify', []).error === undefined && spawnSync('simple_dcraw', []).error === undefined;
describe.skipIf(!hasLibraw)('the DNG sample, as LibRaw reads it (skipped without libraw-bin)', () => {
  it('identifies the DNG, its flip and its thumbnail, and extracts our preview', () => {
    const dir = mkdtempSync(join(tmpdir(), 'lookalike-raw-libraw-'));
    try {
      const file = join(dir, 'sample.dng');
      writeFileSync(file, makeDng({ ...base(), orientation: 6 }));
      const identify = spawnSync('raw-identify', ['-v', file], { encoding: 'utf8' }).stdout;
      expect(identify).toMatch(/DNG Version: 1\.4\.0\.0/);
      expect(identify).toMatch(/Thumb size: +48 x 32/);
      expect(identify).toMatch(/Image flip: 6/);
      expect(spawnSync('simple_dcraw', ['-e', file]).status).toBe(0);
      // LibRaw writes the preview back with its own EXIF segment after SOI; the JPEG itself is ours.
      const extracted = readFileSync(`${file}.thumb.jpg`);
      expect(extracted.subarray(extracted.length - (preview.length - 2)).equals(preview.subarray(2))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('RAW orientation', () => {
  it.each([1, 2, 3, 4, 5, 6, 7, 8])('orientation %i comes from the RAW and matches exif_transpose of the same pixels', async (orientation) => {
    // The preview's own EXIF says 3: it must be ignored, the RAW's IFD0 decides.
    const confusing = withExifOrientation(preview, 3);
    const reference = await decodeImage(withExifOrientation(preview, orientation));
    for (const bytes of [makeDng({ ...base(), preview: confusing, orientation }), makeCr3({ ...base(), preview: confusing, orientation, thumb, thumbWidth: 12, thumbHeight: 8 })]) {
      const decoded = await decodeImage(bytes);
      expect(decoded.orientation).toBe(orientation);
      samePixels(decoded, reference);
    }
  });

  it('capture time and camera: RAF\'s from its JPEG, CR3\'s from its CMT boxes, the others\' from their IFDs', async () => {
    const raf = makeRaf(withExif(preview, { orientation: 1, takenAt: '2023:07:08 09:10:11', make: 'FUJIFILM', model: 'X-T3' }));
    expect(await readExif(raf)).toEqual({ takenAt: '2023-07-08T09:10:11', cameraMake: 'FUJIFILM', cameraModel: 'X-T3' });
    const cr3 = makeCr3({ ...base(), thumb, thumbWidth: 12, thumbHeight: 8, takenAt: '2021:02:03 04:05:06', model: 'EOS R5' });
    expect(await readExif(cr3)).toEqual({ takenAt: '2021-02-03T04:05:06', cameraMake: 'Canon', cameraModel: 'EOS R5' });
    const nef = makeNef({ ...base(), takenAt: '2022:01:02 03:04:05', model: 'Z 6' });
    expect(await readExif(nef)).toEqual({ takenAt: '2022-01-02T03:04:05', cameraMake: 'NIKON CORPORATION', cameraModel: 'Z 6' });
  });

  it('RAF keeps its EXIF in the JPEG: that orientation applies', async () => {
    const decoded = await decodeImage(makeRaf(withExifOrientation(preview, 6)));
    expect([decoded.orientation, decoded.width, decoded.height]).toEqual([6, H, W]);
    samePixels(decoded, await decodeImage(withExifOrientation(preview, 6)));
  });
});

describe('RAW files without a usable preview are refused with the reason', () => {
  it('ORF with sensor data only', async () => {
    await expect(decodeImage(makeOrfWithoutPreview({}))).rejects.toThrow(/Olympus ORF without a usable embedded preview JPEG \(none in its IFDs or its Olympus maker note\)/);
  });

  it('a DNG whose only JPEG is lossless sensor data, or whose preview runs past the end', async () => {
    const dng = makeDng(base());
    const cut = dng.subarray(0, dng.indexOf(preview) + 100);
    await expect(decodeImage(cut)).rejects.toThrow(/DNG without a usable embedded preview JPEG/);
    const noPreview = makeDng({ ...base(), preview: Buffer.from([0xff, 0xd8, 0xff, 0xc3, 0, 11, 8, 0, 16, 0, 16, 1, 1, 0x11, 0]) });
    await expect(decodeImage(noPreview)).rejects.toThrow(/DNG without a usable embedded preview JPEG/);
  });

  it('a preview with a damaged body names the RAW and the JPEG error', async () => {
    const broken = Buffer.from(preview);
    broken.fill(0xff, Math.floor(broken.length / 2));
    await expect(decodeImage(makeNef({ ...base(), preview: broken }))).rejects.toThrow(/^Nikon NEF's embedded preview: /);
  });

  it('a preview over the pixel limit is refused before decoding', async () => {
    await expect(decodeImage(makeArw(base()), { maxPixels: 100 })).rejects.toThrow(/image too large: 48×32/);
  });

  it('crafted structures end quickly: an IFD chain that loops, boxes that lie about their size', async () => {
    const looping = writeTiff({ blobs: {}, ifds: [{ name: 'ifd0', next: 'ifd0', entries: { 0xc612: { type: 'byte', bytes: new Uint8Array([1, 4, 0, 0]) }, 0x14a: { type: 'ifd', refs: ['ifd0'] } } }] });
    await expect(decodeImage(looping)).rejects.toThrow(/DNG without a usable embedded preview JPEG/);
    const cr3 = makeCr3({ ...base(), thumb, thumbWidth: 12, thumbHeight: 8 });
    const lying = Buffer.from(cr3);
    lying.writeUInt32BE(0xfffffff0, lying.indexOf('moov') - 4);
    lying.writeUInt32BE(0xfffffff0, lying.indexOf(Buffer.from('eaf42b5e', 'hex')) - 8);
    await expect(decodeImage(lying)).rejects.toThrow(/Canon CR3 without a usable embedded preview JPEG \(none in its first track, PRVW or THMB box\)/);
    const raf = makeRaf(preview);
    raf.writeUInt32BE(raf.length, 84);
    await expect(decodeImage(raf)).rejects.toThrow(/Fujifilm RAF without a usable embedded preview JPEG/);
  });
});
