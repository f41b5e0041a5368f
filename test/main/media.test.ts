// The thumbnail protocol's gate on real files in a temp folder: only photos under the roots, no traversal (plain,
// encoded or through a symlink); behind it the engine's real thumbnail maker, cached on disk.
import { copyFile, mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { thumbUrl } from '../../electron/shared/contract.js';
import { makeThumbnail } from '../../electron/engine/library/thumbnails.js';
import { resolveMediaRequest } from '../../electron/main/media/mediaPath.js';
import { mediaRequestHandler } from '../../electron/main/media/protocol.js';
import { appRequestHandler } from '../../electron/main/appProtocol.js';

const source = path.resolve('test/fixtures/photos/originals/skimage_chelsea.jpg');
let tmp: string;
let root: string;
let outside: string;
let photo: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-media-'));
  root = path.join(tmp, 'library');
  outside = path.join(tmp, 'private');
  await mkdir(path.join(root, 'sub'), { recursive: true });
  await mkdir(outside);
  photo = path.join(root, 'sub', 'cat photo #1.jpg');
  await copyFile(source, photo);
  await copyFile(source, path.join(outside, 'secret.jpg'));
  await writeFile(path.join(root, 'notes.txt'), 'not a photo');
  await symlink(path.join(outside, 'secret.jpg'), path.join(root, 'link-out.jpg'));
  await symlink(outside, path.join(root, 'dir-link'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const raw = (p: string) => `lookalike-media://thumb/${p}?size=256`;

describe('media path check', () => {
  it('serves a photo under a root (spaces and # survive the encoding)', async () => {
    const r = await resolveMediaRequest(thumbUrl(photo), [root]);
    expect(r).toEqual({ ok: true, file: photo, size: 256 });
  });

  it.each([
    ['a file outside every root', () => thumbUrl(path.join(outside, 'secret.jpg')), 403, /outside/],
    ['`..` inside the encoded path', () => thumbUrl(`${root}/../private/secret.jpg`), 403, /traversal/],
    ['`%2e%2e` segments', () => raw(`${encodeURIComponent(root)}%2F%2e%2e%2Fprivate%2Fsecret.jpg`), 403, /traversal/],
    ['`..` as URL path segments', () => `lookalike-media://thumb/${root}/../private/secret.jpg`, 403, /outside/],
    ['double-encoded dots', () => raw(encodeURIComponent(`${root}/%2e%2e/private/secret.jpg`)), 404, /no such file/],
    ['a symlink pointing out of the root', () => thumbUrl(path.join(root, 'link-out.jpg')), 403, /outside/],
    ['a path through a symlinked folder', () => thumbUrl(path.join(root, 'dir-link', 'secret.jpg')), 403, /outside/],
    ['a non-photo file', () => thumbUrl(path.join(root, 'notes.txt')), 403, /not a photo/],
    ['a relative path', () => raw(encodeURIComponent('library/sub/x.jpg')), 400, /absolute/],
    ['a NUL byte', () => raw(encodeURIComponent(`${photo}\0.jpg`)), 400, /NUL/],
    ['a missing file outside the roots (no existence oracle: as refused as an existing one)', () => thumbUrl(path.join(outside, 'missing.jpg')), 403, /outside/],
    ['broken percent-encoding', () => raw('%E0%A4%A'), 400, /percent/],
    ['an unknown size', () => thumbUrl(photo).replace('size=256', 'size=4096'), 400, /size/],
    ['another media kind', () => thumbUrl(photo).replace('//thumb/', '//original/'), 404, /unknown media kind/],
  ])('refuses %s', async (_name, url, status, reason) => {
    const r = await resolveMediaRequest(url(), [root]);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.status).toBe(status);
      expect(r.reason).toMatch(reason);
    }
  });

  it('serves a file outside the roots only when a dialog granted it', async () => {
    const secret = path.join(outside, 'secret.jpg');
    expect((await resolveMediaRequest(thumbUrl(secret), [root], new Set([secret]))).ok).toBe(true);
  });
});

describe('thumbnails', () => {
  it('answers with a WebP no larger than asked, cached on disk, and refuses traversal with a status', async () => {
    const cacheDir = path.join(tmp, 'thumbs');
    const handle = mediaRequestHandler({ roots: () => [root], granted: () => new Set(), thumbnail: (file, size) => makeThumbnail(file, size, cacheDir) });
    const res = await handle(new Request(thumbUrl(photo, 128)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect(meta.format).toBe('webp');
    expect(Math.max(meta.width, meta.height)).toBe(128);
    expect((await readdir(cacheDir, { recursive: true })).filter((f) => f.endsWith('.webp'))).toHaveLength(1);
    const again = await handle(new Request(thumbUrl(photo, 128)));
    expect(again.status).toBe(200);
    const refused = await handle(new Request(thumbUrl(`${root}/../private/secret.jpg`)));
    expect(refused.status).toBe(403);
  });

  it('answers a corrupt photo with 415, not a crash', async () => {
    const broken = path.join(root, 'broken.jpg');
    await writeFile(broken, Buffer.from([0xff, 0xd8, 0xff, 0x00, 1, 2, 3]));
    const cacheDir = path.join(tmp, 'thumbs');
    const handle = mediaRequestHandler({ roots: () => [root], granted: () => new Set(), thumbnail: (file, size) => makeThumbnail(file, size, cacheDir) });
    const res = await handle(new Request(thumbUrl(broken)));
    expect(res.status).toBe(415);
  });
});

describe('app protocol', () => {
  it('serves the renderer folder with the CSP header and nothing outside it', async () => {
    const dir = path.join(tmp, 'renderer');
    await mkdir(dir);
    await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>x</title>');
    const handle = appRequestHandler(dir);
    const res = await handle(new Request('lookalike-app://app/index.html'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect((await handle(new Request('lookalike-app://app/%2e%2e/private/secret.jpg'))).status).toBe(404);
    expect((await handle(new Request(`lookalike-app://app/${encodeURIComponent('../private/secret.jpg')}`))).status).toBe(404);
    expect((await handle(new Request('lookalike-app://other/index.html'))).status).toBe(404);
  });
});
