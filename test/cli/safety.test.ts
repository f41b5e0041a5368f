// The data-safety promises as a user meets them, through the built `lookalike` binary with the tiny model, a real
// catalog and the real freedesktop trash in a temp XDG_DATA_HOME: a reference folder named through a symlink keeps
// every original byte for byte; the holding folder (LOOKALIKE_TRASH=holding, what macOS and Windows use) trashes
// and undoes; exports refuse an existing file unless --force; Ctrl-C during resolve exits non-zero with what was
// done journaled and undoable.
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cliPath, runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

let tmp: string;
let env: NodeJS.ProcessEnv;
const trashed = () => (existsSync(path.join(tmp, 'xdg', 'Trash', 'files')) ? readdirSync(path.join(tmp, 'xdg', 'Trash', 'files')) : []);

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-safety-'));
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg'), LOOKALIKE_TRASH: '' };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Originals (the reference folder) and a folder of copies of each, under `name`. */
function library(name: string): { originals: string; copies: string; files: string[] } {
  const originals = path.join(tmp, name, 'Originals');
  const copies = path.join(tmp, name, 'Card');
  mkdirSync(originals, { recursive: true });
  mkdirSync(copies);
  const files = ['skimage_chelsea.jpg', 'skimage_coffee.jpg', 'skimage_astronaut.jpg'];
  for (const f of files) {
    copyFileSync(fixture(`originals/${f}`), path.join(originals, f));
    copyFileSync(fixture(`originals/${f}`), path.join(copies, `IMG_${f}`));
  }
  return { originals, copies, files };
}

describe('a reference folder named through a symlink', () => {
  it('scan --reference <link> <copies>, resolve --trash: every original stays byte for byte, the copies go to the trash', async () => {
    const { originals, copies, files } = library('linked');
    const link = path.join(tmp, 'linked', 'originals-link');
    symlinkSync(originals, link);
    const db = path.join(tmp, 'linked', 'catalog.db');
    const scan = await runCli(['scan', '--reference', link, copies, '--db', db, '--json'], env);
    expect(scan.code, scan.stderr).toBe(0);
    expect(JSON.parse(scan.stdout)).toMatchObject({ found: 6, failed: [] });
    const resolve = await runCli(['resolve', '--db', db, '--threshold', '100', '--trash', '--json'], env);
    expect(resolve.code, resolve.stderr).toBe(0);
    const actions = (JSON.parse(resolve.stdout) as { actions: { path: string; status: string }[] }).actions;
    expect(actions.map((a) => [path.basename(a.path), a.status]).sort()).toEqual(files.map((f) => [`IMG_${f}`, 'done']).sort());
    for (const f of files) expect(readFileSync(path.join(originals, f))).toEqual(readFileSync(fixture(`originals/${f}`)));
    expect(readdirSync(copies)).toEqual([]);
    expect(trashed()).toHaveLength(3);
  });
});

describe('the holding folder through the CLI', () => {
  it('LOOKALIKE_TRASH=holding: resolve --trash holds the copies in the data folder, undo brings every one back', async () => {
    const { originals, copies, files } = library('held');
    const dataDir = path.join(tmp, 'held', 'data');
    const before = trashed().length;
    const heldEnv = { ...env, LOOKALIKE_TRASH: 'holding' };
    expect((await runCli(['scan', '--reference', originals, copies, '--data-dir', dataDir], heldEnv)).code).toBe(0);
    const resolve = await runCli(['resolve', '--data-dir', dataDir, '--threshold', '100', '--trash'], heldEnv);
    expect(resolve.code, resolve.stderr).toBe(0);
    expect(resolve.stdout).toContain(`into the holding folder ${path.join(dataDir, '.lookalike-trash')}`);
    expect(readdirSync(copies)).toEqual([]);
    expect(trashed()).toHaveLength(before);
    // `held` says what waits there, where, and how much, so the user can free the space themselves.
    const held = await runCli(['held', '--data-dir', dataDir, '--json'], heldEnv);
    expect(held.code, held.stderr).toBe(0);
    const report = JSON.parse(held.stdout) as { files: { original: string; held: string; bytes: number }[]; folders: { folder: string; files: number }[]; bytes: number };
    expect(report.files.map((f) => f.original).sort()).toEqual(files.map((f) => path.join(copies, `IMG_${f}`)).sort());
    expect(report.folders).toEqual([{ folder: path.join(dataDir, '.lookalike-trash'), files: files.length, bytes: report.bytes }]);
    for (const f of report.files) expect(readFileSync(f.held)).toEqual(readFileSync(fixture(`originals/${path.basename(f.original).replace(/^IMG_/, '')}`)));
    const undo = await runCli(['undo', '--data-dir', dataDir], heldEnv);
    expect(undo.code, undo.stderr).toBe(0);
    for (const f of files) expect(readFileSync(path.join(copies, `IMG_${f}`))).toEqual(readFileSync(fixture(`originals/${f}`)));
    expect(readdirSync(path.join(dataDir, '.lookalike-trash'))).toEqual([]);
    expect(JSON.parse((await runCli(['held', '--data-dir', dataDir, '--json'], heldEnv)).stdout).files).toEqual([]);
  });
});

describe('exports never overwrite silently', () => {
  it('dupes --export and export --out refuse an existing file (exit 2, the file as it was) unless --force', async () => {
    const { originals, copies } = library('exports');
    const db = path.join(tmp, 'exports', 'catalog.db');
    expect((await runCli(['scan', originals, copies, '--db', db], env)).code).toBe(0);
    const csv = path.join(tmp, 'exports', 'groups.csv');
    writeFileSync(csv, 'keep me\n');
    const refused = await runCli(['dupes', '--db', db, '--threshold', '100', '--export', csv], env);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`lookalike dupes: ${csv} already exists; nothing was written over it (pass --force to replace it)`);
    expect(readFileSync(csv, 'utf8')).toBe('keep me\n');
    const forced = await runCli(['dupes', '--db', db, '--threshold', '100', '--export', csv, '--force'], env);
    expect(forced.code, forced.stderr).toBe(0);
    expect(readFileSync(csv, 'utf8')).toMatch(/^group,group_tier,path/);

    const npy = path.join(tmp, 'exports', 'features.npy');
    writeFileSync(npy, 'not yours');
    const noClobber = await runCli(['export', '--db', db, '--out', npy], env);
    expect(noClobber.code).toBe(2);
    expect(noClobber.stderr).toContain(`${npy} already exists; nothing was written over it (pass --force to replace it)`);
    expect(readFileSync(npy, 'utf8')).toBe('not yours');
    const replaced = await runCli(['export', '--db', db, '--out', npy, '--force', '--json'], env);
    expect(replaced.code, replaced.stderr).toBe(0);
    expect(readFileSync(npy).subarray(0, 6).toString('latin1')).toBe('\x93NUMPY');
    expect(readdirSync(path.dirname(npy)).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 120_000);
});

describe('Ctrl-C during resolve', () => {
  it('a real SIGINT stops the run between files, exits 1, and what was done undoes', async () => {
    const dir = path.join(tmp, 'many');
    mkdirSync(dir);
    copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(dir, 'a.jpg'));
    for (let i = 0; i < 600; i++) copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(dir, `copy-${String(i).padStart(3, '0')}.jpg`));
    const db = path.join(tmp, 'many.db');
    expect((await runCli(['scan', dir, '--db', db], env)).code).toBe(0);
    const before = trashed().length;
    const child = spawn(process.execPath, [cliPath, 'resolve', '--db', db, '--threshold', '100', '--trash'], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdout.resume();
    const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    // Interrupt once the first copy has reached the trash: the run is under way.
    const started = Date.now();
    while (trashed().length === before && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 5));
    child.kill('SIGINT');
    const code = await exited;
    expect(code, stderr).toBe(1);
    expect(stderr).toContain('lookalike resolve: interrupted; what was done is journaled and can be undone with `lookalike undo`');
    const left = readdirSync(dir).length;
    expect(left).toBeGreaterThan(1);
    expect(left).toBeLessThan(601);
    const undo = await runCli(['undo', '--db', db], env);
    expect(undo.code, undo.stderr).toBe(0);
    expect(readdirSync(dir)).toHaveLength(601);
  }, 180_000);
});
