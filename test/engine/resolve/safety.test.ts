// What stands between a resolve and a lost photo, on real files, a real catalog and the real freedesktop trash in a
// temporary HOME: the keeper is checked before its group is touched, real paths are checked against the reference
// folders and the keeper, a journal that fails after the file moved never turns the move into a failure (a real
// SQLITE_BUSY from a second connection holding the write lock), and the holding folder that stands in for the OS
// trash where that cannot be undone, with its undo. The platform choice is a table.
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { runActions, type ActionDeps, type PlannedAction, type TrashFn } from '../../../electron/engine/resolve/actions.js';
import type { ScannedFile } from '../../../electron/engine/resolve/fileGuard.js';
import { trashWithPackage } from '../../../electron/engine/resolve/systemTrash.js';
import { HOLDING_FOLDER, heldRelative, requestedTrashMode, trashModeFor } from '../../../electron/engine/resolve/trashStrategy.js';
import { undoLatestBatch } from '../../../electron/engine/resolve/undo.js';
import { ContentHasher } from '../../../electron/engine/scan/hash.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let lib: string;
let dbPath: string;
let catalog: Catalog;
let hasher: ContentHasher;
const hashFile = async (p: string) => (await hasher.hashFile(p)).contentHash;

async function scanned(p: string): Promise<ScannedFile> {
  const st = await stat(p);
  return { path: p, size: st.size, mtimeMs: st.mtimeMs, contentHash: await hashFile(p) };
}

async function put(rel: string, from = 'originals/skimage_coffee.jpg'): Promise<string> {
  const to = path.join(lib, rel);
  await mkdir(path.dirname(to), { recursive: true });
  await copyFile(fixture(from), to);
  return to;
}

const exists = (p: string) => stat(p).then(() => true, () => false);
const trashFiles = () => readdir(path.join(process.env.XDG_DATA_HOME!, 'Trash', 'files')).catch(() => []);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-safety-'));
  process.env.HOME = path.join(tmp, 'home');
  process.env.XDG_DATA_HOME = path.join(tmp, 'home', '.local', 'share');
  await mkdir(process.env.HOME, { recursive: true });
  hasher = await ContentHasher.create();
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

beforeEach(async () => {
  // Each test starts with an empty trash (the `trash` package makes its folders again on every call).
  await rm(path.join(process.env.XDG_DATA_HOME!, 'Trash'), { recursive: true, force: true });
  lib = await mkdtemp(path.join(tmp, 'lib-'));
  dbPath = path.join(lib, 'catalog.db');
  catalog = Catalog.open(dbPath, { busyTimeoutMs: 100 });
  return () => catalog.close();
});

const deps = (extra: Partial<ActionDeps> = {}): ActionDeps => ({ journal: catalog.journal, trash: trashWithPackage, hashFile, ...extra });

async function group(): Promise<{ keeper: ScannedFile; targets: PlannedAction[] }> {
  const keeper = await scanned(await put('keep/coffee.jpg'));
  const targets: PlannedAction[] = [];
  for (const name of ['a/coffee.jpg', 'b/coffee.jpg']) targets.push({ kind: 'trash', file: await scanned(await put(name)), keeper });
  return { keeper, targets };
}

describe('the keeper is checked before its group is touched', () => {
  it('a deleted keeper: nothing in its group moves, nothing is journaled', async () => {
    const { keeper, targets } = await group();
    await rm(keeper.path);
    const outcomes = await runActions(targets, deps());
    expect(outcomes.map((o) => o.status)).toEqual(['refused', 'refused']);
    expect(outcomes[0]!.message).toBe(`refused: the kept file ${keeper.path}: it was removed since the scan; rescan before acting on it; its group was left alone`);
    for (const t of targets) expect(await exists(t.file.path)).toBe(true);
    expect(catalog.journal.list()).toEqual([]);
    expect(await trashFiles()).toEqual([]);
  });

  it('an edited keeper is refused, and so is one rewritten in place with its size and mtime restored', async () => {
    const { keeper, targets } = await group();
    const bytes = await readFile(keeper.path);
    await writeFile(keeper.path, Buffer.concat([bytes, Buffer.from('edited')]));
    expect((await runActions(targets, deps()))[0]!.message).toMatch(/the kept file .*its size changed/);
    const flipped = Buffer.from(bytes);
    flipped[flipped.length - 10] ^= 0xff;
    await writeFile(keeper.path, flipped);
    await utimes(keeper.path, keeper.mtimeMs / 1000, keeper.mtimeMs / 1000);
    const outcomes = await runActions(targets, deps());
    expect(outcomes.map((o) => o.status)).toEqual(['refused', 'refused']);
    expect(outcomes[1]!.message).toMatch(/the kept file .*its content changed/);
    for (const t of targets) expect(await exists(t.file.path)).toBe(true);
  });

  it('a keeper that goes away in the middle of its group stops the rest of the group', async () => {
    const { keeper, targets } = await group();
    const trash: TrashFn = async (p) => {
      await trashWithPackage(p);
      await rm(keeper.path);
    };
    const outcomes = await runActions(targets, deps({ trash }));
    expect(outcomes.map((o) => o.status)).toEqual(['done', 'refused']);
    expect(await exists(targets[1]!.file.path)).toBe(true);
  });
});

describe('real paths', () => {
  it('a target reached through a symlink into a reference folder is refused, whatever its path says', async () => {
    const ref = path.join(lib, 'Originals');
    const original = await put('Originals/coffee.jpg');
    await symlink(ref, path.join(lib, 'alias'));
    const keeper = await scanned(await put('keep/coffee.jpg'));
    const viaLink = await scanned(path.join(lib, 'alias', 'coffee.jpg'));
    const outcomes = await runActions([{ kind: 'trash', file: viaLink, keeper }], deps({ referenceRoots: [ref] }));
    expect(outcomes[0]!.status).toBe('refused');
    expect(outcomes[0]!.message).toBe(`refused: ${viaLink.path} lies in the reference folder ${ref} (it is ${original}); reference files are never touched`);
    expect(await readFile(original)).toEqual(await readFile(fixture('originals/skimage_coffee.jpg')));
  });

  it('a reference root stored by a symlink protects the files under its real path too', async () => {
    const original = await scanned(await put('Originals/coffee.jpg'));
    await symlink(path.join(lib, 'Originals'), path.join(lib, 'link-to-originals'));
    const keeper = await scanned(await put('keep/coffee.jpg'));
    const outcomes = await runActions([{ kind: 'trash', file: original, keeper }], deps({ referenceRoots: [path.join(lib, 'link-to-originals')] }));
    expect(outcomes[0]!.message).toMatch(/lies in the reference folder .*Originals; reference files are never touched/);
    expect(await exists(original.path)).toBe(true);
  });

  it('the keeper under another name (a folder symlink) is never its own target', async () => {
    const keeper = await scanned(await put('keep/coffee.jpg'));
    await symlink(path.join(lib, 'keep'), path.join(lib, 'same'));
    const alias = await scanned(path.join(lib, 'same', 'coffee.jpg'));
    const [o] = await runActions([{ kind: 'trash', file: alias, keeper }], deps());
    expect(o!.message).toBe(`refused: ${alias.path} is the kept file itself (${keeper.path}); nothing was done`);
    expect(await exists(keeper.path)).toBe(true);
  });
});

/** A second connection holding the write lock: the journal's next write gets a real SQLITE_BUSY. */
function holdWriteLock(): { release(): void } {
  const other = new DatabaseSync(dbPath);
  other.exec('BEGIN IMMEDIATE');
  return {
    release: () => {
      if (other.isTransaction) other.exec('ROLLBACK');
      other.close();
    },
  };
}

describe('bookkeeping stands apart from the file operation', () => {
  it('a journal busy after the trash is retried: the action is done, and recorded done once the lock goes', async () => {
    const { targets } = await group();
    let lock: { release(): void } | null = null;
    const trash: TrashFn = async (p) => {
      await trashWithPackage(p);
      lock = holdWriteLock();
      setTimeout(() => lock?.release(), 300);
    };
    const [o] = await runActions([targets[0]!], deps({ trash }));
    expect(o!.status).toBe('done');
    expect(o!.message).not.toMatch(/journal/);
    expect(catalog.journal.get(o!.journalId!)!.state).toBe('done');
  });

  it('a journal that stays busy leaves the entry pending; the file is trashed all the same and undo (a new session) restores it', async () => {
    const { targets } = await group();
    const victim = targets[0]!.file.path;
    const bytes = await readFile(victim);
    let lock: { release(): void } | null = null;
    const trash: TrashFn = async (p) => {
      await trashWithPackage(p);
      lock = holdWriteLock();
    };
    const [o] = await runActions([targets[0]!], deps({ trash }));
    lock!.release();
    expect(o!.status).toBe('done');
    expect(o!.message).toMatch(new RegExp(`the journal could not record it \\(database is locked\\), so entry ${o!.journalId} stays pending`));
    expect(await exists(victim)).toBe(false);
    expect(await trashFiles()).toHaveLength(1);
    catalog.close();
    catalog = Catalog.open(dbPath);
    expect(catalog.journal.get(o!.journalId!)!.state).toBe('pending');
    const undone = await undoLatestBatch({ journal: catalog.journal, notDuplicates: catalog.notDuplicates });
    expect(undone).toEqual([{ id: o!.journalId, kind: 'trash', ok: true, message: `restored ${victim} from the trash` }]);
    expect(await readFile(victim)).toEqual(bytes);
    expect(await trashFiles()).toEqual([]);
  });
});

describe('the journal on disk', () => {
  it('a new entry is committed at synchronous = FULL and the connection goes back to NORMAL (the scanner never pays)', () => {
    const level = () => (catalog.db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    expect(level()).toBe(1);
    let during = -1;
    const id = catalog.journal.add('trash', { batch: 'b', path: '/p/x.jpg' });
    // Inside a transaction the level cannot change: the entry commits with it.
    catalog.transaction(() => {
      catalog.journal.add('not-duplicate', { batch: 'b' });
      during = level();
    });
    expect(during).toBe(1);
    expect(level()).toBe(1);
    catalog.journal.setState(id, 'done');
    expect(catalog.journal.list().map((e) => e.kind)).toEqual(['not-duplicate', 'trash']);
  });
});

describe('the holding folder', () => {
  it('holds a trashed file on its own volume (under the first base given), and undo puts it back and tidies up', async () => {
    const { targets } = await group();
    const victim = targets[0]!.file.path;
    const bytes = await readFile(victim);
    const dataDir = path.join(lib, 'data');
    await mkdir(dataDir);
    const [o] = await runActions([targets[0]!], deps({ trashMode: 'holding', holdingBases: () => [dataDir], trash: () => Promise.reject(new Error('never called')) }));
    expect(o!.status).toBe('done');
    const held = (catalog.journal.get(o!.journalId!)!.payload as { held: string; batch: string }).held;
    const batch = (catalog.journal.get(o!.journalId!)!.payload as { batch: string }).batch;
    expect(held).toBe(path.join(dataDir, HOLDING_FOLDER, batch.replace(/:/g, '-'), victim.slice(1)));
    expect(o!.message).toBe(`trashed ${victim} into the holding folder ${held} (kept ${targets[0]!.keeper.path})`);
    expect(await readFile(held)).toEqual(bytes);
    expect(await exists(victim)).toBe(false);
    expect(await trashFiles()).toEqual([]);

    const undone = await undoLatestBatch({ journal: catalog.journal, notDuplicates: catalog.notDuplicates });
    expect(undone.map((u) => u.ok)).toEqual([true]);
    expect(await readFile(victim)).toEqual(bytes);
    expect(await readdir(path.join(dataDir, HOLDING_FOLDER))).toEqual([]);
  });

  it.skipIf(process.platform !== 'linux')('on Linux, a volume whose trash fails falls back to the holding folder', async () => {
    const { targets } = await group();
    const noTrash: TrashFn = () => Promise.reject(new Error('no trash on this volume'));
    const [o] = await runActions([targets[0]!], deps({ trash: noTrash, holdingBases: () => [lib] }));
    expect(o!.status).toBe('done');
    const held = (catalog.journal.get(o!.journalId!)!.payload as { held?: string }).held!;
    expect(held.startsWith(path.join(lib, HOLDING_FOLDER) + path.sep)).toBe(true);
    expect(await exists(held)).toBe(true);
    expect(await exists(targets[0]!.file.path)).toBe(false);
  });

  it('the platform choice: freedesktop on Linux, the holding folder on macOS and always on Windows', () => {
    expect(trashModeFor('linux')).toBe('system');
    expect(trashModeFor('darwin')).toBe('holding');
    expect(trashModeFor('win32')).toBe('holding');
    expect(trashModeFor('linux', 'holding')).toBe('holding');
    expect(trashModeFor('darwin', 'system')).toBe('system');
    // The Recycle Bin is never used: `trash` deletes outright on a volume without one.
    expect(trashModeFor('win32', 'system')).toBe('holding');
    expect(requestedTrashMode({})).toBe('auto');
    expect(requestedTrashMode({ LOOKALIKE_TRASH: 'holding' })).toBe('holding');
    expect(() => requestedTrashMode({ LOOKALIKE_TRASH: 'bin' })).toThrow(expect.objectContaining({ code: 'invalid-request' }));
  });

  it('a held path names where the file came from, on every platform', () => {
    expect(heldRelative('/home/u/Photos/a.jpg', path.posix)).toBe('home/u/Photos/a.jpg');
    expect(heldRelative('C:\\Users\\u\\a.jpg', path.win32)).toBe('C\\Users\\u\\a.jpg');
    expect(heldRelative('d:\\a.jpg', path.win32)).toBe('D\\a.jpg');
    expect(heldRelative('\\\\nas\\photos\\2020\\a.jpg', path.win32)).toBe('UNC\\nas\\photos\\2020\\a.jpg');
  });
});
