// Real files, a real catalog on disk, and the real `trash` package writing a real freedesktop trash inside a
// temporary HOME. The environment is set before `trash` is first imported (systemTrash imports it lazily).
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { markNotDuplicate, runActions, type PlannedAction, type TrashFn } from '../../../electron/engine/resolve/actions.js';
import type { ScannedFile } from '../../../electron/engine/resolve/fileGuard.js';
import { trashWithPackage } from '../../../electron/engine/resolve/systemTrash.js';
import { undoAction, undoLatestBatch } from '../../../electron/engine/resolve/undo.js';
import { LookalikeError } from '../../../electron/engine/errors.js';
import { assertUnchanged } from '../../../electron/engine/resolve/fileGuard.js';
import { moveWithoutOverwrite } from '../../../electron/engine/resolve/moveSafely.js';
import { ContentHasher } from '../../../electron/engine/scan/hash.js';

const PHOTOS = path.resolve('test/fixtures/photos/originals');
let tmp: string;
let lib: string;
let trashDir: string;
let dbPath: string;
let hasher: ContentHasher;
const hashFile = async (p: string) => (await hasher.hashFile(p)).contentHash;

async function scanned(p: string): Promise<ScannedFile> {
  const st = await stat(p);
  return { path: p, size: st.size, mtimeMs: st.mtimeMs, contentHash: await hashFile(p) };
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-resolve-'));
  process.env.HOME = path.join(tmp, 'home');
  process.env.XDG_DATA_HOME = path.join(tmp, 'home', '.local', 'share');
  trashDir = path.join(process.env.XDG_DATA_HOME, 'Trash');
  await mkdir(process.env.HOME, { recursive: true });
  hasher = await ContentHasher.create();
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

let catalog: Catalog;
let kept: ScannedFile;
beforeEach(async () => {
  lib = await mkdtemp(path.join(tmp, 'lib-'));
  dbPath = path.join(lib, 'catalog.db');
  catalog = Catalog.open(dbPath);
  for (const name of ['skimage_coffee.jpg', 'skimage_chelsea.jpg']) await copyFile(path.join(PHOTOS, name), path.join(lib, name));
  await copyFile(path.join(PHOTOS, 'skimage_coffee.jpg'), path.join(lib, 'coffee copy (1) [a].jpg'));
  // The kept file every action checks before it acts (here a photo no test touches).
  await mkdir(path.join(lib, 'kept'));
  await copyFile(path.join(PHOTOS, 'skimage_chelsea.jpg'), path.join(lib, 'kept', 'chelsea.jpg'));
  kept = await scanned(path.join(lib, 'kept', 'chelsea.jpg'));
  return () => catalog.close();
});

const reopen = (): Catalog => {
  catalog.close();
  catalog = Catalog.open(dbPath);
  return catalog;
};

describe('trash, journal and undo', () => {
  it('journals before trashing, trashes into the freedesktop trash, and undoes after a restart', async () => {
    const victim = path.join(lib, 'coffee copy (1) [a].jpg');
    const bytes = await readFile(victim);
    const seenPending: string[] = [];
    // Wrap the real trash to see the journal at the moment the file operation starts.
    const trash: TrashFn = async (p) => {
      seenPending.push(...catalog.journal.list({ state: 'pending' }).map((e) => (e.payload as { path: string }).path));
      await trashWithPackage(p);
    };
    const action: PlannedAction = { kind: 'trash', file: await scanned(victim), keeper: await scanned(path.join(lib, 'skimage_coffee.jpg')) };
    const [outcome] = await runActions([action], { journal: catalog.journal, trash, hashFile });
    expect(outcome!.status).toBe('done');
    expect(seenPending).toEqual([victim]);
    await expect(stat(victim)).rejects.toThrow();
    const infos = await readdir(path.join(trashDir, 'info'));
    expect(infos).toHaveLength(1);
    expect(await readFile(path.join(trashDir, 'info', infos[0]!), 'utf8')).toContain(`Path=${encodeURI(victim)}`);
    expect(catalog.journal.get(outcome!.journalId!)!.state).toBe('done');

    const later = reopen();
    const undone = await undoLatestBatch({ journal: later.journal, notDuplicates: later.notDuplicates });
    expect(undone.map((u) => u.ok)).toEqual([true]);
    expect(await readFile(victim)).toEqual(bytes);
    expect(await readdir(path.join(trashDir, 'files'))).toEqual([]);
    expect(later.journal.get(outcome!.journalId!)!.state).toBe('undone');
  });

  it('moves to a folder without overwriting, and moves back by action id in a later session', async () => {
    const dest = path.join(lib, 'dupes');
    const a = path.join(lib, 'skimage_coffee.jpg');
    const [first] = await runActions([{ kind: 'move', file: await scanned(a), keeper: kept, destDir: dest }], {
      journal: catalog.journal,
      trash: trashWithPackage,
      hashFile,
    });
    expect(first!.status).toBe('done');
    expect(await readdir(dest)).toEqual(['skimage_coffee.jpg']);
    // a second file of the same name gets a free name, never overwrites
    const b = path.join(lib, 'sub', 'skimage_coffee.jpg');
    await mkdir(path.dirname(b), { recursive: true });
    await copyFile(path.join(PHOTOS, 'skimage_chelsea.jpg'), b);
    const [second] = await runActions([{ kind: 'move', file: await scanned(b), keeper: kept, destDir: dest }], {
      journal: catalog.journal,
      trash: trashWithPackage,
      hashFile,
    });
    expect((await readdir(dest)).sort()).toEqual(['skimage_coffee (2).jpg', 'skimage_coffee.jpg']);

    const later = reopen();
    const out = await undoAction(first!.journalId!, { journal: later.journal, notDuplicates: later.notDuplicates });
    expect(out.ok).toBe(true);
    expect(await hashFile(a)).toBe(first!.action.file.contentHash);
    expect(later.journal.get(second!.journalId!)!.state).toBe('done');
    await expect(undoAction(first!.journalId!, { journal: later.journal, notDuplicates: later.notDuplicates })).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `journal entry ${first!.journalId!} was already undone` }),
    );
  });

  it('refuses a file changed since the scan (size, or same size and mtime with new bytes)', async () => {
    const a = path.join(lib, 'skimage_coffee.jpg');
    const b = path.join(lib, 'skimage_chelsea.jpg');
    const scanA = await scanned(a);
    const scanB = await scanned(b);
    await writeFile(a, Buffer.concat([await readFile(a), Buffer.from('edited')]));
    const original = await readFile(b);
    const tampered = Buffer.from(original);
    tampered[tampered.length - 3] = tampered[tampered.length - 3]! ^ 0xff;
    await writeFile(b, tampered);
    await utimes(b, scanB.mtimeMs / 1000, scanB.mtimeMs / 1000);
    const outcomes = await runActions(
      [
        { kind: 'trash', file: scanA, keeper: kept },
        { kind: 'trash', file: scanB, keeper: kept },
      ],
      { journal: catalog.journal, trash: trashWithPackage, hashFile },
    );
    expect(outcomes.map((o) => o.status)).toEqual(['refused', 'refused']);
    expect(outcomes[0]!.message).toMatch(/size changed/);
    expect(outcomes[1]!.message).toMatch(/content changed/);
    expect((await stat(a)).isFile() && (await stat(b)).isFile()).toBe(true);
    expect(catalog.journal.list()).toEqual([]);
  });

  it('dry run checks but changes nothing and journals nothing', async () => {
    const a = path.join(lib, 'skimage_coffee.jpg');
    const outcomes = await runActions([{ kind: 'trash', file: await scanned(a), keeper: kept }], { journal: catalog.journal, trash: trashWithPackage, hashFile }, { dryRun: true });
    expect(outcomes[0]!.status).toBe('dry-run');
    expect(outcomes[0]!.message).toMatch(/would trash/);
    expect((await stat(a)).isFile()).toBe(true);
    expect(catalog.journal.list()).toEqual([]);
  });

  it('undo never overwrites a file that took the old name', async () => {
    const a = path.join(lib, 'skimage_chelsea.jpg');
    const [o] = await runActions([{ kind: 'trash', file: await scanned(a), keeper: kept }], { journal: catalog.journal, trash: trashWithPackage, hashFile });
    await writeFile(a, 'a new file');
    const out = await undoAction(o!.journalId!, { journal: catalog.journal, notDuplicates: catalog.notDuplicates });
    expect(out.ok).toBe(false);
    expect(out.message).toMatch(/already exists/);
    expect(await readFile(a, 'utf8')).toBe('a new file');
    expect(catalog.journal.get(o!.journalId!)!.state).toBe('done');
  });

  it('remembers "not a duplicate" and forgets it on undo', async () => {
    const id = markNotDuplicate('xxh128:aa', 'xxh128:bb', { journal: catalog.journal, notDuplicates: catalog.notDuplicates });
    expect(reopen().notDuplicates.has('xxh128:bb', 'xxh128:aa')).toBe(true);
    expect((await undoAction(id, { journal: catalog.journal, notDuplicates: catalog.notDuplicates })).ok).toBe(true);
    expect(catalog.notDuplicates.has('xxh128:aa', 'xxh128:bb')).toBe(false);
  });
});

describe('error codes', () => {
  const deps = () => ({ journal: catalog.journal, notDuplicates: catalog.notDuplicates });

  it('a file changed or gone since the scan is a conflict, and its action is refused', async () => {
    const a = path.join(lib, 'skimage_coffee.jpg');
    const scan = await scanned(a);
    await rm(a);
    await expect(assertUnchanged(scan, hashFile)).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `${a}: it was removed since the scan; rescan before acting on it` }),
    );
    const [outcome] = await runActions([{ kind: 'trash', file: scan, keeper: kept }], { journal: catalog.journal, trash: trashWithPackage, hashFile });
    expect(outcome).toMatchObject({ status: 'refused', message: `refused: ${a}: it was removed since the scan; rescan before acting on it` });
  });

  it('a file that cannot be hashed fails its action (not a refusal: nothing says it changed)', async () => {
    const a = path.join(lib, 'skimage_coffee.jpg');
    const unreadable = async (p: string): Promise<string> => {
      if (p === a) throw new LookalikeError('failed', 'permission denied');
      return hashFile(p);
    };
    const [outcome] = await runActions([{ kind: 'trash', file: await scanned(a), keeper: kept }], { journal: catalog.journal, trash: trashWithPackage, hashFile: unreadable });
    expect(outcome).toMatchObject({ status: 'failed', message: 'failed: permission denied' });
  });

  it('a move onto an existing file is a conflict, and nothing moves', async () => {
    const a = path.join(lib, 'skimage_coffee.jpg');
    const b = path.join(lib, 'skimage_chelsea.jpg');
    await expect(moveWithoutOverwrite(a, b)).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `${b} already exists; nothing was moved` }),
    );
    expect(await hashFile(a)).not.toBe(await hashFile(b));
  });

  it('undo: an unknown entry or an empty journal is not-found, a failed or not-undoable entry a conflict', async () => {
    await expect(undoAction(9999, deps())).rejects.toThrow(expect.objectContaining({ code: 'not-found', message: 'no journal entry 9999' }));
    await expect(undoLatestBatch(deps())).rejects.toThrow(expect.objectContaining({ code: 'not-found', message: 'nothing to undo' }));
    const failed = catalog.journal.add('trash', { batch: 'b', path: '/p/x.jpg' }, 'failed');
    await expect(undoAction(failed, deps())).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `journal entry ${failed} failed, so there is nothing to undo` }),
    );
    const other = catalog.journal.add('scan-note', { batch: 'b' }, 'done');
    await expect(undoAction(other, deps())).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `journal entry ${other} (scan-note) cannot be undone` }),
    );
  });

  it('undo of a trashed file no longer in the trash reports it, keeping the entry done', async () => {
    const a = path.join(lib, 'skimage_chelsea.jpg');
    const [o] = await runActions([{ kind: 'trash', file: await scanned(a), keeper: kept }], { journal: catalog.journal, trash: trashWithPackage, hashFile });
    await rm(path.join(trashDir, 'files'), { recursive: true });
    await rm(path.join(trashDir, 'info'), { recursive: true });
    const out = await undoAction(o!.journalId!, deps());
    expect(out).toMatchObject({ ok: false, message: `${a} is not in the trash any more (emptied, or restored by hand?)` });
    expect(catalog.journal.get(o!.journalId!)!.state).toBe('done');
  });
});
