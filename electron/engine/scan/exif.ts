// Capture time and camera from EXIF (exifr reads only the metadata segments, not the pixels).
// Missing or unreadable EXIF is normal (PNG, WebP, edited files) and never fails a file. RAF and CR3 keep theirs
// where exifr does not look (preprocess/rawPreview.ts rawExifSource says where).
import exifr from 'exifr';
import { rawExifSource } from '../preprocess/rawPreview.js';

export interface PhotoExif {
  /** `YYYY-MM-DDTHH:MM:SS` in the camera's local time, with `±HH:MM` appended when the camera recorded it. */
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
}

const none: PhotoExif = { takenAt: null, cameraMake: null, cameraModel: null };

interface RawExif {
  DateTimeOriginal?: unknown;
  CreateDate?: unknown;
  OffsetTimeOriginal?: unknown;
  Make?: unknown;
  Model?: unknown;
}

const text = (v: unknown): string | null => {
  if (typeof v !== 'string') return null;
  // Cameras pad with NULs and spaces.
  const s = v.replace(/\0/g, '').trim();
  return s.length > 0 ? s : null;
};

/** EXIF writes "2006:10:01 12:00:46"; anything else (all zeros, garbage) is no date. */
export function exifDateToIso(raw: unknown, offset: unknown): string | null {
  const s = text(raw);
  const m = s?.match(/^(\d{4}):(\d{2}):(\d{2})[ T](\d{2}):(\d{2}):(\d{2})/);
  if (!m) return null;
  const [, y, mo, d, h, mi, se] = m;
  if (Number(y) < 1800 || Number(mo) < 1 || Number(mo) > 12 || Number(d) < 1 || Number(d) > 31) return null;
  const tz = text(offset);
  return `${y}-${mo}-${d}T${h}:${mi}:${se}${tz && /^[+-]\d{2}:\d{2}$/.test(tz) ? tz : ''}`;
}

export async function readExif(file: string | Buffer): Promise<PhotoExif> {
  let raw: RawExif | undefined;
  try {
    const source = Buffer.isBuffer(file) ? rawExifSource(file) : null;
    if (source !== null && !Buffer.isBuffer(source)) raw = source;
    else raw = (await exifr.parse(source ?? file, {
      // Orientation comes from the decoder, which is what actually rotated the pixels.
      pick: ['DateTimeOriginal', 'CreateDate', 'OffsetTimeOriginal', 'Make', 'Model'],
      translateValues: false,
      reviveValues: false,
    })) as RawExif | undefined;
  } catch {
    return none;
  }
  if (!raw) return none;
  return {
    takenAt: exifDateToIso(raw.DateTimeOriginal, raw.OffsetTimeOriginal) ?? exifDateToIso(raw.CreateDate, raw.OffsetTimeOriginal),
    cameraMake: text(raw.Make),
    cameraModel: text(raw.Model),
  };
}
