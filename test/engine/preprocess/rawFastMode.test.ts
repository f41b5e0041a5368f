// Fast mode on a camera RAW: its embedded preview JPEG is shrunk on load like any big JPEG, turned by the RAW's
// orientation, and gives the same pixel_values as that JPEG on its own.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { preprocessImage } from '../../../electron/engine/preprocess/preprocessImage.js';
import { tinyModelDir } from '../../helpers/models.js';
import { repoRoot } from '../../helpers/photos.js';
import { makeDng, withExifOrientation } from '../../support/rawSamples.js';

const PREVIEW = path.join(repoRoot, 'test', 'fixtures', 'fullsize', 'flow-2800x2700.jpg');

let engine: Engine;
beforeAll(async () => {
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1, preprocessWorkers: 0 });
});
afterAll(async () => {
  await engine?.close();
});

describe('fast mode on a RAW preview', () => {
  it('shrinks the preview on load and matches the preview JPEG decoded on its own', async () => {
    const preview = await readFile(PREVIEW);
    const dng = makeDng({ preview, previewWidth: 2800, previewHeight: 2700, orientation: 6 });
    const cfg = engine.model.processor;
    const fast = await preprocessImage(dng, cfg, { mode: 'fast' });
    expect(fast.decoded).toMatchObject({ format: 'dng', decodedFrom: 'embedded-preview', width: 2700, height: 2800, orientation: 6 });
    // The intermediate, not the full preview: shrink-on-load ran.
    expect(fast.decoded.rgb.width).toBeLessThan(1000);
    const alone = await preprocessImage(withExifOrientation(preview, 6), cfg, { mode: 'fast' });
    expect(Buffer.from(fast.tensor.buffer).equals(Buffer.from(alone.tensor.buffer))).toBe(true);
    const exact = await preprocessImage(dng, cfg, { mode: 'exact' });
    expect(exact.decoded.rgb.width).toBe(2700);
    const prepared = await engine.withPreprocess('fast').prepare(dng, 'a.dng');
    expect(Array.from(prepared.tensor)).toEqual(Array.from(fast.tensor));
  });
});
