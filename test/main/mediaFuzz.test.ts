// Fuzzed media URLs against the real path checks, with every node:fs/promises call recorded: a few hundred URLs
// (encodings, `..` and `%2e`, NUL, overlong, unicode, symlinks in and out of the root, other roots' look-alikes)
// and not one fs call touches a path outside the library folder, nor does the thumbnail maker see one.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { thumbUrl } from '../../electron/shared/values.js';

const touched: string[] = [];
const recording = { on: false };

vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  const spied: Record<string, unknown> = { ...real };
  for (const [name, fn] of Object.entries(real)) {
    if (typeof fn !== 'function') continue;
    spied[name] = (...args: unknown[]) => {
      if (recording.on && (typeof args[0] === 'string' || args[0] instanceof URL)) touched.push(String(args[0]));
      return (fn as (...a: unknown[]) => unknown)(...args);
    };
  }
  return { ...spied, default: spied };
});

const { resolveMediaRequest } = await import('../../electron/main/media/mediaPath.js');
const { mediaRequestHandler } = await import('../../electron/main/media/protocol.js');

let tmp: string;
let root: string;
let outside: string;
let rootLookalike: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-fuzz-'));
  root = path.join(tmp, 'library');
  outside = path.join(tmp, 'private');
  rootLookalike = `${root}-backup`; // shares the root's prefix as a string, not as a folder
  for (const d of [path.join(root, 'sub'), outside, rootLookalike]) await mkdir(d, { recursive: true });
  for (const f of [path.join(root, 'a.jpg'), path.join(root, 'sub', 'é ü #1.jpg'), path.join(outside, 'secret.jpg'), path.join(rootLookalike, 'b.jpg')]) {
    await writeFile(f, 'x');
  }
  await symlink(path.join(outside, 'secret.jpg'), path.join(root, 'link-out.jpg'));
  await symlink(outside, path.join(root, 'dir-out'));
  await symlink(path.join(root, 'a.jpg'), path.join(root, 'link-in.jpg'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

/** Targets an attacker would aim at, written in every way a URL can carry them. */
function fuzzedUrls(): string[] {
  const targets = [
    path.join(outside, 'secret.jpg'),
    path.join(outside, 'missing.jpg'),
    `${root}/../private/secret.jpg`,
    `${root}/sub/../../private/secret.jpg`,
    `${root}/./a.jpg`,
    path.join(root, 'link-out.jpg'),
    path.join(root, 'dir-out', 'secret.jpg'),
    path.join(rootLookalike, 'b.jpg'),
    '/etc/passwd.jpg',
    `${root}/a.jpg\0.png`,
    `${root}/${'x'.repeat(5000)}.jpg`,
    `${root}/\u202e gpj.jpg`,
    `${root}/sub/é ü #1.jpg`,
    `${root}\\..\\private\\secret.jpg`,
    '\\\\server\\share\\a.jpg',
    'relative/a.jpg',
    path.join(root, 'a.jpg'),
    path.join(root, 'link-in.jpg'),
  ];
  const encodings: ((p: string) => string)[] = [
    (p) => thumbUrl(p),
    (p) => `lookalike-media://thumb/${p}?size=256`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(encodeURIComponent(p))}?size=256`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p).replace(/\./g, '%2e').replace(/%2F/g, '%2f')}?size=128`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p).replace(/%2F/g, '/')}?size=512`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p)}%00?size=256`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p)}%?size=256`,
    (p) => `lookalike-media://THUMB/${encodeURIComponent(p)}?size=256&size=4096`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p.replace(/\//g, '\\'))}?size=256`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p.normalize('NFD'))}?size=256`,
    (p) => `lookalike-media://thumb//${encodeURIComponent(p)}?size=256`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(p)}#../../private/secret.jpg`,
    (p) => `lookalike-media://thumb/%2e%2e%2f${encodeURIComponent(p)}?size=256`,
    (p) => `lookalike-media://thumb/${encodeURIComponent(`${p}/../../private/secret.jpg`)}?size=256`,
  ];
  const urls = targets.flatMap((t) => encodings.map((e) => e(t)));
  // And random byte soup inside the root's prefix.
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const alphabet = ['/', '.', '..', '%2e', '%2f', '%5c', '\\', '%00', 'é', '%', 'a', ' ', '#', '?', '..%2f', '%252e'];
  for (let i = 0; i < 100; i++) {
    const tail = Array.from({ length: 1 + Math.floor(rand() * 8) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
    urls.push(`lookalike-media://thumb/${encodeURIComponent(root)}${tail}.jpg?size=256`);
  }
  return urls;
}

const isInside = (base: string, p: string) => p === base || p.startsWith(`${base}${path.sep}`);

describe('fuzzed media URLs', () => {
  it('no fs call and no thumbnail touches a path outside the library folder', async () => {
    const urls = fuzzedUrls();
    expect(urls.length).toBeGreaterThan(300);
    const madeFor: string[] = [];
    const handle = mediaRequestHandler({
      roots: () => [root],
      granted: () => new Set(),
      thumbnail: async (file) => (madeFor.push(file), { data: new Uint8Array([1]), contentType: 'image/webp' }),
    });
    const statuses = new Map<number, number>();
    recording.on = true;
    try {
      for (const url of urls) {
        let status: number;
        try {
          status = (await handle(new Request(url))).status;
        } catch {
          status = -1; // a URL the Request constructor itself refuses never reaches the handler
        }
        statuses.set(status, (statuses.get(status) ?? 0) + 1);
      }
    } finally {
      recording.on = false;
    }
    const strays = touched.filter((p) => !isInside(root, p));
    expect(strays).toEqual([]);
    expect(madeFor.every((f) => isInside(root, f))).toBe(true);
    // The checks did run: legitimate requests were served, the rest refused.
    expect(madeFor.length).toBeGreaterThan(0);
    expect(madeFor).toContain(path.join(root, 'a.jpg'));
    expect([...statuses.keys()].some((s) => s === 403)).toBe(true);
  });

  it('the recorder sees fs calls (so an empty list above means something)', async () => {
    touched.length = 0;
    recording.on = true;
    await resolveMediaRequest(thumbUrl(path.join(root, 'a.jpg')), [root]);
    recording.on = false;
    expect(touched).toContain(path.join(root, 'a.jpg'));
  });
});
