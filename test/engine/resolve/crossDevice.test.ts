// Moves across filesystems on real ones: the temp folder and /dev/shm (a tmpfs, another device on Linux), and a
// tiny tmpfs mounted here when the tests run as root (mount -t tmpfs -o size=32k) to fill it for a real ENOSPC.
// Where neither exists the tests say so and skip. Undo's recognition of a move a crash stopped (an extra hard
// link, a partial copy) runs on any filesystem.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { copyFile, link, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { runActions } from '../../../electron/engine/resolve/actions.js';
import type { ScannedFile } from '../../../electron/engine/resolve/fileGuard.js';
import { moveWithoutOverwrite } from '../../../electron/engine/resolve/moveSafely.js';
import { putBack } from '../../../electron/engine/resolve/putBack.js';
import { trashWithPackage } from '../../../electron/engine/resolve/systemTrash.js';
import { ContentHasher } from '../../../electron/engine/scan/hash.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let hasher: ContentHasher;
const hashFile = async (p: string) => (await hasher.hashFile(p)).contentHash;
const exists = (p: string) => stat(p).then(() => true, () => false);

/** A folder on another device than the temp folder (/dev/shm on Linux), or null. */
function otherDevice(): string | null {
  try {
    if (statSync('/dev/shm').dev === statSync(os.tmpdir()).dev) return null;
    return mkdtempSync('/dev/shm/lookalike-xdev-');
  } catch {
    return null;
  }
}

/** A 32 KiB tmpfs, or null where mounting is not allowed (not root, no CAP_SYS_ADMIN, not Linux). */
function tinyVolume(at: string): string | null {
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=32k', 'tmpfs', at], { stdio: 'ignore' });
    return at;
  } catch {
    return null;
  }
}

tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-xdev-'));
const other = otherDevice();
const tiny = tinyVolume(path.join(tmp, 'tiny'));
if (!other) console.warn('crossDevice.test: no second device (/dev/shm): the cross-device moves skip');
if (!tiny) console.warn('crossDevice.test: cannot mount a tmpfs here: the full-disk test skips');

beforeAll(async () => {
  hasher = await ContentHasher.create();
});
afterAll(() => {
  if (tiny) execFileSync('umount', [tiny]);
  if (other) rmSync(other, { recursive: true, force: true });
  rmSync(tmp, { recursive: true, force: true });
});

async function photo(name: string, from = 'originals/skimage_coffee.jpg'): Promise<string> {
  const dir = await mkdtemp(path.join(tmp, 'src-'));
  const p = path.join(dir, name);
  await copyFile(fixture(from), p);
  return p;
}

describe('moves across devices', () => {
  it.skipIf(!other)('copies, keeps the mtime, verifies the content and only then removes the source', async () => {
    if (!other) return;
    const src = await photo('coffee.jpg');
    const before = await stat(src);
    const bytes = await readFile(src);
    const to = path.join(other, 'moved', 'coffee.jpg');
    await moveWithoutOverwrite(src, to, { contentHash: await hashFile(src), hashFile });
    expect(await exists(src)).toBe(false);
    expect(await readFile(to)).toEqual(bytes);
    expect(Math.abs((await stat(to)).mtimeMs - before.mtimeMs)).toBeLessThan(1);
    expect((await stat(to)).dev).not.toBe(before.dev);
  });

  it.skipIf(!other)('refuses a copy whose content is not what the scan saw, and leaves the source', async () => {
    if (!other) return;
    const src = await photo('coffee.jpg');
    const to = path.join(other, 'wrong', 'coffee.jpg');
    await expect(moveWithoutOverwrite(src, to, { contentHash: 'xxh128:not-this', hashFile })).rejects.toThrow(
      expect.objectContaining({ code: 'failed', message: expect.stringMatching(/does not match it; the copy was removed and the original left in place/) }),
    );
    expect(await exists(to)).toBe(false);
    expect(await readFile(src)).toEqual(await readFile(fixture('originals/skimage_coffee.jpg')));
  });

  it.skipIf(!tiny)('on a full disk removes the partial copy and leaves the source untouched; the action fails, journaled', async () => {
    if (!tiny) return;
    const src = await photo('motorcycle.jpg', 'originals/skimage_motorcycle_left.jpg');
    const bytes = await readFile(src);
    const st = await stat(src);
    const file: ScannedFile = { path: src, size: st.size, mtimeMs: st.mtimeMs, contentHash: await hashFile(src) };
    const keeperPath = await photo('keeper.jpg', 'originals/skimage_motorcycle_left.jpg');
    const ks = await stat(keeperPath);
    const keeper: ScannedFile = { path: keeperPath, size: ks.size, mtimeMs: ks.mtimeMs, contentHash: file.contentHash };
    const catalog = Catalog.open(path.join(tmp, `full-${Date.now()}.db`));
    try {
      const [o] = await runActions([{ kind: 'move', file, keeper, destDir: tiny }], { journal: catalog.journal, trash: trashWithPackage, hashFile });
      expect(o!.status).toBe('failed');
      expect(o!.message).toBe(`could not move ${src}: could not copy ${src} to ${path.join(tiny, 'motorcycle.jpg')}: no space left on ${tiny}; the original was left in place`);
      expect(catalog.journal.get(o!.journalId!)!.state).toBe('failed');
    } finally {
      catalog.close();
    }
    expect(await readdir(tiny)).toEqual([]);
    expect(await readFile(src)).toEqual(bytes);
    expect((await stat(src)).mtimeMs).toBe(st.mtimeMs);
  });
});

describe('undo after a move a crash stopped (putBack)', () => {
  it('an extra hard link beside the source: the second name goes, the file stays', async () => {
    const src = await photo('coffee.jpg');
    const dest = path.join(path.dirname(src), 'dupes', 'coffee.jpg');
    await mkdir(path.dirname(dest));
    await link(src, dest);
    const message = await putBack({ original: src, moved: dest, interrupted: true, backMessage: 'moved back' });
    expect(message).toBe(`${src} is in place (the move had stopped halfway; removed its second name ${dest})`);
    expect(await exists(dest)).toBe(false);
    expect(await readFile(src)).toEqual(await readFile(fixture('originals/skimage_coffee.jpg')));
  });

  it('a partial copy beside the source: removed; a full copy of a finished move: removed; another file: left, and named', async () => {
    const src = await photo('coffee.jpg');
    const bytes = await readFile(src);
    const dest = path.join(path.dirname(src), 'coffee-copy.jpg');
    await writeFile(dest, bytes.subarray(0, 1000));
    expect(await putBack({ original: src, moved: dest, interrupted: true, backMessage: '' })).toBe(`${src} is in place (removed the unfinished copy ${dest})`);
    expect(await exists(dest)).toBe(false);
    // A finished move's file must equal the one at the old name byte for byte: a prefix is another file then.
    await writeFile(dest, bytes.subarray(0, 1000));
    await expect(putBack({ original: src, moved: dest, interrupted: false, backMessage: '' })).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `${src} already exists and is another file; the moved one is still at ${dest}` }),
    );
    await writeFile(dest, bytes);
    expect(await putBack({ original: src, moved: dest, interrupted: false, backMessage: '' })).toBe(`${src} is in place (removed the copy ${dest})`);
    await writeFile(dest, Buffer.concat([bytes.subarray(0, 500), Buffer.from('different')]));
    await expect(putBack({ original: src, moved: dest, interrupted: true, backMessage: '' })).rejects.toThrow(/already exists and is another file/);
    expect(await exists(dest)).toBe(true);
    expect(await readFile(src)).toEqual(bytes);
  });

  it('nothing moved yet: an interrupted entry is settled as never done; a finished one whose file vanished is not-found', async () => {
    const src = await photo('coffee.jpg');
    const dest = path.join(path.dirname(src), 'never', 'coffee.jpg');
    expect(await putBack({ original: src, moved: dest, interrupted: true, backMessage: '' })).toBe(`${src} never left its folder`);
    await rm(src);
    await expect(putBack({ original: src, moved: dest, interrupted: false, backMessage: '' })).rejects.toThrow(expect.objectContaining({ code: 'not-found' }));
  });
});
