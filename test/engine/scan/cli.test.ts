// `lookalike scan` and `lookalike status`, run in-process on real folders with the real engine.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CliIO } from '../../../electron/cli/command.js';
import { command as scan } from '../../../electron/cli/commands/scan.js';
import { command as status, type StatusJson } from '../../../electron/cli/commands/status.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let lib: string;
let db: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-scan-'));
  lib = path.join(tmp, 'lib');
  mkdirSync(path.join(lib, 'skip'), { recursive: true });
  copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(lib, 'chelsea.jpg'));
  copyFileSync(fixture('variants/skimage_coffee__png.png'), path.join(lib, 'coffee.png'));
  copyFileSync(fixture('originals/skimage_astronaut.jpg'), path.join(lib, 'skip', 'astronaut.jpg'));
  writeFileSync(path.join(lib, 'notes.jpg'), 'not a photo');
  db = path.join(tmp, 'catalog.db');
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function run(cmd: typeof scan, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  let out = '';
  let err = '';
  stdout.on('data', (d: Buffer) => (out += d.toString()));
  stderr.on('data', (d: Buffer) => (err += d.toString()));
  const io: CliIO = { stdout, stderr, env, signal: new AbortController().signal };
  const code = await cmd.run(argv, io);
  return { code, stdout: out, stderr: err };
}

it('prints the --json summary, exits 1 when a file failed, and 0 on a clean library', async () => {
  const first = await run(scan, [lib, '--db', db, '--exclude', 'skip/**', '--json', '--threads', '1']);
  expect(first.code).toBe(1);
  expect(JSON.parse(first.stdout)).toEqual({
    found: 3, new: 3, changed: 0, unchanged: 0, embedded: 2,
    failed: [{ path: path.join(lib, 'notes.jpg'), reason: 'not an image (unrecognised format)' }],
    model: { id: 'generated/vit-tiny-seed-0', dtype: 'fp32', device: 'cpu' },
  });
  // Progress goes to stderr only on a terminal.
  expect(first.stderr).not.toMatch(/ETA/);

  rmSync(path.join(lib, 'notes.jpg'));
  const second = await run(scan, [lib, '--db', db, '--exclude', 'skip/**', '--json', '--threads', '1']);
  expect(second.code).toBe(0);
  expect(JSON.parse(second.stdout)).toEqual({ found: 2, new: 0, changed: 0, unchanged: 2, embedded: 0, failed: [], model: { id: 'generated/vit-tiny-seed-0', dtype: 'fp32', device: 'cpu' } });
});

it('shows counts, roots, the model and no interrupted scan in status', async () => {
  const { code, stdout } = await run(status, ['--db', db, '--json']);
  expect(code).toBe(0);
  const s = JSON.parse(stdout) as StatusJson;
  expect(s).toMatchObject({ exists: true, files: { ok: 2, failed: 0, missing: 1 }, roots: [{ path: lib, isReference: false }],
    interruptedScan: null, lastScan: { state: 'done' } });
  expect(s.model?.dim).toBeGreaterThan(0);
  expect(s.embeddings).toEqual([{ modelKey: s.model!.key, count: 2 }]);
  const text = await run(status, ['--db', db]);
  expect(text.stdout).toMatch(/files: 3 \(2 ok, 0 failed, 1 missing\)/);
  const none = await run(status, ['--db', path.join(tmp, 'none.db'), '--json']);
  expect(JSON.parse(none.stdout)).toMatchObject({ exists: false, files: { ok: 0 } });
});

it('refuses a missing folder and a file given as a folder; with no folder, rescans the library (and refuses an empty one)', async () => {
  const nope = path.join(tmp, 'nope');
  await expect(run(scan, [nope, '--db', db])).rejects.toThrow(expect.objectContaining({ code: 'not-found', message: `folder not found: ${nope}` }));
  const file = path.join(lib, 'chelsea.jpg');
  await expect(run(scan, [file, '--db', db])).rejects.toThrow(expect.objectContaining({ code: 'invalid-request', message: `not a folder: ${file}` }));
  await expect(run(scan, ['--db', path.join(tmp, 'empty.db')])).rejects.toThrow(
    expect.objectContaining({ code: 'invalid-request', message: 'add a folder to the library first (there is no interrupted scan to resume)' }),
  );
  const rescan = await run(scan, ['--db', db, '--json']);
  expect(rescan.code).toBe(0);
  // Every library folder, without the first scan's --exclude: the skipped folder's photo is new now.
  expect(JSON.parse(rescan.stdout)).toMatchObject({ found: 3, new: 1, unchanged: 2, failed: [] });
  await expect(run(scan, [lib, '--db', db])).resolves.toMatchObject({ code: 0 });
});
