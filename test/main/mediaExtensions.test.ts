// The media protocol serves every extension the scanner accepts (one list, values.ts): `.jpe` files used to be
// scanned and grouped but got a 403 for their thumbnails.
import { copyFile, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMediaRequest } from '../../electron/main/media/mediaPath.js';
import { photoExtensions, thumbUrl } from '../../electron/shared/values.js';

let root: string;
beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'lookalike-media-ext-'));
  for (const ext of photoExtensions) await copyFile(path.resolve('test/fixtures/photos/originals/skimage_chelsea.jpg'), path.join(root, `photo${ext}`));
});
afterAll(() => rm(root, { recursive: true, force: true }));

describe('media extensions', () => {
  it.each([...photoExtensions])('serves a %s file under a root', async (ext) => {
    const file = path.join(root, `photo${ext}`);
    expect(await resolveMediaRequest(thumbUrl(file), [root])).toEqual({ ok: true, file, size: 256 });
  });

  it('still refuses what the scanner does not read', async () => {
    const r = await resolveMediaRequest(thumbUrl(path.join(root, 'photo.svg')), [root]);
    expect(r).toMatchObject({ ok: false, status: 403 });
  });
});
