// Camera-size JPEGs made from small photos, for machines that have no real ones (a lent GPU machine starts bare and
// has no apt for make-fullsize-set.sh). Upscaled with Lanczos and given sensor-like noise, so that their JPEG
// entropy, and with it the decode cost, is nearer a phone photo's than a smooth upscale's would be.
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';

/** 12 MP (4:3) and 24 MP (3:2), the sizes issue 13 names. */
export const CAMERA_SIZES = [
  { width: 4000, height: 3000 },
  { width: 6000, height: 4000 },
] as const;

/** Adds ±amplitude noise from a fixed LCG (same bytes every run), clamped to 0..255. */
function addNoise(pixels: Buffer, amplitude: number, seed: number): void {
  let state = seed >>> 0 || 1;
  for (let i = 0; i < pixels.length; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    const noise = ((state >>> 24) / 255 - 0.5) * 2 * amplitude;
    pixels[i] = Math.max(0, Math.min(255, pixels[i]! + noise));
  }
}

/**
 * Writes `count` JPEGs into `outDir`, alternating 12 and 24 MP, each from the next source photo; returns their
 * paths. Quality 92 with 4:2:0 chroma, as phone cameras write.
 */
export async function makeCameraSet(sources: readonly string[], outDir: string, count: number): Promise<string[]> {
  if (sources.length === 0) throw new Error('makeCameraSet needs at least one source photo');
  await mkdir(outDir, { recursive: true });
  const written: string[] = [];
  for (let i = 0; i < count; i++) {
    const { width, height } = CAMERA_SIZES[i % CAMERA_SIZES.length]!;
    const source = sources[i % sources.length]!;
    const raw = await sharp(source).rotate().removeAlpha().resize(width, height, { fit: 'cover', kernel: 'lanczos3' }).raw().toBuffer();
    addNoise(raw, 6, i + 1);
    const out = path.join(outDir, `camera-${String(i).padStart(2, '0')}-${(width * height) / 1e6}mp.jpg`);
    await sharp(raw, { raw: { width, height, channels: 3 } }).jpeg({ quality: 92, chromaSubsampling: '4:2:0' }).toFile(out);
    written.push(out);
  }
  return written;
}
