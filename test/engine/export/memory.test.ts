// Exporting a large unpooled array streams it: the process's RSS stays flat while the file grows far past it.
import { execFile } from 'node:child_process';
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';
import { makeTempDir, readBack, removeDir } from './helpers.js';

const here = fileURLToPath(new URL('.', import.meta.url));
let dir: string;
let model: string;
beforeAll(async () => {
  dir = await makeTempDir();
  model = await tinyModelDir();
});
afterAll(async () => {
  await removeDir(dir);
});

it('4000 rows of [197, 64] float32 (~200 MB) keep RSS growth far below the file size', async () => {
  const out = path.join(dir, 'big.npy');
  const photos = ['originals/skimage_chelsea.jpg', 'originals/skimage_coffee.jpg', 'variants/skimage_coffee__webp.webp'];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [
      '--no-warnings',
      '--expose-gc',
      '--experimental-transform-types',
      '--import',
      path.join(here, 'ts-resolve-hook.mjs'),
      path.join(here, 'rss-child.ts'),
      model,
      out,
      '4000',
      ...photos.map(fixture),
    ],
    { maxBuffer: 1 << 20 },
  );
  const r = JSON.parse(stdout) as { baseline: number; peak: number; bytes: number; rows: number; shape: number[] };
  expect(r.shape).toEqual([4000, 197, 64]);
  expect((await stat(out)).size).toBe(r.bytes);
  expect(r.bytes).toBeGreaterThan(200_000_000);
  const growth = r.peak - r.baseline;
  console.log(`RSS baseline ${(r.baseline / 1e6).toFixed(1)} MB, peak ${(r.peak / 1e6).toFixed(1)} MB, file ${(r.bytes / 1e6).toFixed(1)} MB`);
  // Holding the rows would grow RSS by the file size (200 MB); streaming holds the 4 MB write buffer and the
  // manifest's path list (measured after GC: 2-4 MB of growth).
  expect(growth).toBeLessThan(r.bytes / 10);
  // numpy sees a well-formed array of that shape (values are checked bit for bit in the engine tests).
  const facts = await readBack('npy', out, [], [197, 64]);
  expect(facts.shape).toEqual([4000, 197, 64]);
}, 120_000);
