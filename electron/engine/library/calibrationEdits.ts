// The synthetic edits a calibration measures: changes people make to a photo and still call it the same photo.
// Each is made with sharp from the upright original, encoded as a file would be, so the engine decodes it exactly
// as it decodes a scanned photo.
import sharp from 'sharp';

export const calibrationEdits = ['jpeg_q70', 'resize50', 'crop90', 'bright+10', 'bright-10', 'letterbox', 'watermark'] as const;
export type CalibrationEdit = (typeof calibrationEdits)[number];

/** A watermark-like overlay without fonts: a translucent light plate with dark-edged bars, like a line of text. */
function overlay(width: number, height: number): { input: Buffer; raw: { width: number; height: number; channels: 4 }; left: number; top: number } {
  const w = Math.max(8, Math.round(width * 0.3));
  const h = Math.max(4, Math.round(Math.min(width, height) * 0.06));
  const data = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = (y * w + x) * 4;
      // Glyph-like bars across the middle of the plate, a shadow line under them.
      const glyph = y > h * 0.2 && y < h * 0.8 && x % Math.max(3, Math.round(h / 2)) < Math.max(2, Math.round(h / 3));
      const shadow = !glyph && y >= h * 0.8 && y < h * 0.9;
      const v = glyph ? 250 : shadow ? 20 : 255;
      data[i] = v;
      data[i + 1] = v;
      data[i + 2] = v;
      data[i + 3] = glyph ? 200 : shadow ? 140 : 50;
    }
  }
  const margin = Math.round(Math.min(width, height) * 0.03);
  return { input: data, raw: { width: w, height: h, channels: 4 }, left: Math.max(0, width - w - margin), top: Math.max(0, height - h - margin) };
}

async function edit(upright: Buffer, width: number, height: number, kind: CalibrationEdit): Promise<Buffer> {
  const img = sharp(upright);
  switch (kind) {
    case 'jpeg_q70':
      return img.jpeg({ quality: 70 }).toBuffer();
    case 'resize50':
      return img.resize(Math.max(1, Math.round(width / 2)), Math.max(1, Math.round(height / 2))).jpeg({ quality: 90 }).toBuffer();
    case 'crop90': {
      const w = Math.max(1, Math.round(width * 0.9));
      const h = Math.max(1, Math.round(height * 0.9));
      return img.extract({ left: Math.floor((width - w) / 2), top: Math.floor((height - h) / 2), width: w, height: h }).jpeg({ quality: 90 }).toBuffer();
    }
    case 'bright+10':
      return img.modulate({ brightness: 1.1 }).jpeg({ quality: 90 }).toBuffer();
    case 'bright-10':
      return img.modulate({ brightness: 0.9 }).jpeg({ quality: 90 }).toBuffer();
    case 'letterbox': {
      const bar = Math.max(1, Math.round(height * 0.03));
      return img.extend({ top: bar, bottom: bar, background: { r: 0, g: 0, b: 0 } }).jpeg({ quality: 90 }).toBuffer();
    }
    case 'watermark':
      return img.composite([overlay(width, height)]).jpeg({ quality: 90 }).toBuffer();
  }
}

/** Every edit of one photo, encoded; the photo is read once and turned upright (EXIF) first. */
export async function makeEdits(file: string): Promise<{ edit: CalibrationEdit; bytes: Buffer }[]> {
  const { data, info } = await sharp(file, { limitInputPixels: 100_000_000 }).rotate().removeAlpha().toColourspace('srgb').png({ compressionLevel: 1 }).toBuffer({ resolveWithObject: true });
  return Promise.all(calibrationEdits.map(async (kind) => ({ edit: kind, bytes: await edit(data, info.width, info.height, kind) })));
}
