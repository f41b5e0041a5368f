// The camera-size photo set: 12–24 MP JPEGs made by ../shared/photos/make-fullsize-set.sh (Debian wallpaper
// packages fetched with apt, plus 12 MP and 24 MP camera-like copies), cached under .cache/fullsize/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { repoRoot } from './photos.js';

export const CAMERA_SET_DIR = path.join(repoRoot, '.cache', 'fullsize');

async function jpegsIn(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  return (await readdir(dir)).filter((f) => /\.jpe?g$/i.test(f)).sort().map((f) => path.join(dir, f));
}

/** The set's files, made once when missing (needs apt and root); empty when it cannot be made here. */
export async function cameraPhotos(): Promise<{ source: string; files: string[] }> {
  let files = await jpegsIn(CAMERA_SET_DIR);
  const script = path.resolve(repoRoot, '..', 'shared', 'photos', 'make-fullsize-set.sh');
  if (files.length === 0 && existsSync(script)) {
    console.log(`making the camera-size set in ${CAMERA_SET_DIR} (apt-get download + ImageMagick)…`);
    const made = spawnSync('bash', [script, CAMERA_SET_DIR], { stdio: 'inherit' });
    if (made.status !== 0) console.log('could not make the camera-size set here; its rows are skipped');
    files = await jpegsIn(CAMERA_SET_DIR);
  }
  if (files.length > 0 && !files.some((f) => f.includes('__12mp'))) files = await addCameraCopies(files);
  return { source: CAMERA_SET_DIR, files };
}

/** The camera-sized copies, 4032×3024 and 6000×4000 at JPEG quality 90, made with sharp where the script had no ImageMagick. */
async function addCameraCopies(sources: string[]): Promise<string[]> {
  console.log('no ImageMagick copies in the camera-size set: making the 12 MP and 24 MP copies with sharp…');
  for (const src of sources) {
    const base = src.replace(/\.jpe?g$/i, '');
    for (const [tag, width, height] of [['12mp', 4032, 3024], ['24mp', 6000, 4000]] as const) {
      await sharp(src).resize(width, height, { fit: 'cover', position: 'centre' }).jpeg({ quality: 90 }).toFile(`${base}__${tag}.jpg`);
    }
  }
  return jpegsIn(CAMERA_SET_DIR);
}
