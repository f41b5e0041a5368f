// Crashes in the middle of a file action, for real: a child process (the built engine in dist/) runs one action
// and SIGKILLs itself at a kill point (after the hard link, after the cross-device copy, after the trash or the
// hold but before the journal records it done). Then a new Library session on the same catalog undoes the batch:
// the file is back where it was, byte for byte, and nothing is left behind; or the answer says where it is. A
// re-run after such a crash is never blocked.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { openLibrary } from '../../../electron/engine/library/index.js';
import { HOLDING_FOLDER } from '../../../electron/engine/resolve/trashStrategy.js';
import { fixture, repoRoot } from '../../helpers/photos.js';

const dist = path.join(repoRoot, 'dist', 'electron', 'engine');

/** Runs one action in a child and kills it at `point`; the child's whole program is this string. */
const CHILD = `
const [dist, json] = process.argv.slice(1);
const job = JSON.parse(json);
const { statSync } = await import('node:fs');
const { Catalog } = await import(dist + '/catalog/index.js');
const { runActions } = await import(dist + '/resolve/actions.js');
const { trashWithPackage } = await import(dist + '/resolve/systemTrash.js');
const { ContentHasher } = await import(dist + '/scan/hash.js');
const hasher = await ContentHasher.create();
const hashFile = async (p) => (await hasher.hashFile(p)).contentHash;
const scanned = async (p) => { const st = statSync(p); return { path: p, size: st.size, mtimeMs: st.mtimeMs, contentHash: await hashFile(p) }; };
const die = () => process.kill(process.pid, 'SIGKILL');
const catalog = Catalog.open(job.db);
const file = await scanned(job.file);
const keeper = await scanned(job.keeper);
const action = job.destDir ? { kind: 'move', file, keeper, destDir: job.destDir } : { kind: 'trash', file, keeper };
await runActions([action], {
  journal: catalog.journal, trash: trashWithPackage, hashFile, trashMode: job.trashMode, holdingBases: () => [job.base],
  hooks: { [job.point]: die },
});
process.exit(3);
`;

let tmp: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  if (!existsSync(path.join(dist, 'resolve', 'actions.js'))) throw new Error('dist/ is missing: run `npm run build` first');
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-crash-'));
  env = { ...process.env, HOME: path.join(tmp, 'home'), XDG_DATA_HOME: path.join(tmp, 'xdg') };
  await mkdir(env.HOME!, { recursive: true });
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

interface Setup {
  dataDir: string;
  db: string;
  file: string;
  keeper: string;
  bytes: Buffer;
}

async function setup(): Promise<Setup> {
  const dir = await mkdtemp(path.join(tmp, 'case-'));
  const photos = path.join(dir, 'Photos');
  await mkdir(photos);
  const file = path.join(photos, 'coffee copy.jpg');
  const keeper = path.join(photos, 'coffee.jpg');
  await copyFile(fixture('originals/skimage_coffee.jpg'), file);
  await copyFile(fixture('originals/skimage_coffee.jpg'), keeper);
  const dataDir = path.join(dir, 'data');
  await mkdir(dataDir);
  const db = path.join(dataDir, 'catalog.db');
  Catalog.open(db).close();
  return { dataDir, db, file, keeper, bytes: await readFile(file) };
}

type Extra = { destDir?: string; trashMode?: string };

function runChild(s: Setup, point: string, extra: Extra) {
  const job = { db: s.db, file: s.file, keeper: s.keeper, point, base: s.dataDir, trashMode: 'auto', ...extra };
  return spawnSync(process.execPath, ['--input-type=module', '-e', CHILD, dist, JSON.stringify(job)], { env, encoding: 'utf8', timeout: 60_000 });
}

function crashAt(s: Setup, point: string, extra: Extra = {}): void {
  const r = runChild(s, point, extra);
  expect(r.signal, r.stderr).toBe('SIGKILL');
}

/** A new session's undo of the latest batch (what `lookalike undo` runs). */
async function undoInNewSession(s: Setup) {
  const library = await openLibrary({ dataDir: s.dataDir, env });
  try {
    return await library.resolution.undo({ actionId: null });
  } finally {
    await library.close();
  }
}

const pendingEntries = (s: Setup) => {
  const c = Catalog.open(s.db, { readOnly: true });
  try {
    return c.journal.list().filter((e) => e.state === 'pending');
  } finally {
    c.close();
  }
};

describe('a crash mid-action, then undo in a new session', () => {
  it('after the hard link of a move: undo drops the second name, the original stays', async () => {
    const s = await setup();
    const destDir = path.join(path.dirname(s.file), '..', 'dupes');
    crashAt(s, 'afterLink', { destDir });
    const dest = path.join(destDir, 'coffee copy.jpg');
    expect(statSync(dest).ino).toBe(statSync(s.file).ino);
    expect(pendingEntries(s)).toHaveLength(1);
    const undone = await undoInNewSession(s);
    expect(undone.failed).toEqual([]);
    expect(undone.outcomes[0]!.message).toBe(`${s.file} is in place (the move had stopped halfway; removed its second name ${path.resolve(dest)})`);
    expect(existsSync(dest)).toBe(false);
    expect(await readFile(s.file)).toEqual(s.bytes);
    expect(pendingEntries(s)).toEqual([]);
  });

  it('after the hard link: a re-run is not blocked, and both batches undo', async () => {
    const s = await setup();
    const destDir = path.resolve(path.dirname(s.file), '..', 'dupes');
    crashAt(s, 'afterLink', { destDir });
    const crashed = pendingEntries(s)[0]!.payload as { batch: string };
    // The re-run (no kill point) takes the next free name beside the crash's extra link.
    expect(runChild(s, 'none', { destDir }).status).toBe(3);
    expect((await readdir(destDir)).sort()).toEqual(['coffee copy (2).jpg', 'coffee copy.jpg']);
    expect(existsSync(s.file)).toBe(false);
    const rerun = await undoInNewSession(s);
    expect(rerun.outcomes.map((o) => o.message)).toEqual([`moved ${path.join(destDir, 'coffee copy (2).jpg')} back to ${s.file}`]);
    const library = await openLibrary({ dataDir: s.dataDir, env });
    const first = await library.resolution.undo({ actionId: crashed.batch }).finally(() => library.close());
    expect(first.failed).toEqual([]);
    expect(await readdir(destDir)).toEqual([]);
    expect(await readFile(s.file)).toEqual(s.bytes);
  });

  const shm = (() => {
    try {
      return statSync('/dev/shm').dev !== statSync(os.tmpdir()).dev ? mkdtempSync('/dev/shm/lookalike-crash-') : null;
    } catch {
      return null;
    }
  })();
  afterAll(() => {
    if (shm) rmSync(shm, { recursive: true, force: true });
  });

  it.skipIf(!shm)('after the cross-device copy (and with only half a copy): undo removes the copy, the original stays', async () => {
    for (const half of [false, true]) {
      const s = await setup();
      const destDir = await mkdtemp(path.join(shm!, 'dest-'));
      crashAt(s, 'afterCopy', { destDir });
      const copy = path.join(destDir, 'coffee copy.jpg');
      expect(await readFile(copy)).toEqual(s.bytes);
      // A crash during the copy itself leaves a prefix of the file.
      if (half) await truncate(copy, Math.floor(s.bytes.length / 2));
      const undone = await undoInNewSession(s);
      expect(undone.outcomes[0]!.message).toBe(`${s.file} is in place (removed the unfinished copy ${copy})`);
      expect(existsSync(copy)).toBe(false);
      expect(await readFile(s.file)).toEqual(s.bytes);
    }
  });

  it('after the system trash, before the journal: undo finds it in the trash and restores it', async () => {
    const s = await setup();
    crashAt(s, 'afterFileOp');
    expect(existsSync(s.file)).toBe(false);
    expect(pendingEntries(s)).toHaveLength(1);
    const undone = await undoInNewSession(s);
    expect(undone.outcomes.map((o) => o.message)).toEqual([`restored ${s.file} from the trash`]);
    expect(undone.restored).toEqual([s.file]);
    expect(await readFile(s.file)).toEqual(s.bytes);
    expect(await readdir(path.join(env.XDG_DATA_HOME!, 'Trash', 'files'))).toEqual([]);
  });

  it('after the hold, before the journal; and after the hold\'s hard link: undo restores, the holding folder empties', async () => {
    for (const point of ['afterFileOp', 'afterLink']) {
      const s = await setup();
      crashAt(s, point, { trashMode: 'holding' });
      const [entry] = pendingEntries(s);
      const held = (entry!.payload as { held: string }).held;
      expect(held.startsWith(path.join(s.dataDir, HOLDING_FOLDER))).toBe(true);
      expect(existsSync(held)).toBe(true);
      const undone = await undoInNewSession(s);
      expect(undone.failed, point).toEqual([]);
      expect(await readFile(s.file)).toEqual(s.bytes);
      expect(await readdir(path.join(s.dataDir, HOLDING_FOLDER))).toEqual([]);
      expect((await stat(s.keeper)).isFile()).toBe(true);
    }
  });
});
