// RAW+JPEG pairs as a CLI user meets them (the built binary, a real catalog, the tiny model, a temp freedesktop
// trash): dupes --json shows the pair, resolve leaves it alone by default, `--pairs keep-raw` drops the JPEG,
// and undo brings it back.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';
import { makeDng } from '../support/rawSamples.js';

let tmp: string;
let lib: string;
let db: string;
let env: NodeJS.ProcessEnv;
const raw = () => path.join(lib, 'IMG_0007.dng');
const jpeg = () => path.join(lib, 'IMG_0007.jpg');
const lone = () => path.join(lib, 'copies', 'IMG_0007 (1).jpg');

interface ActionJson { actions: { path: string; keep: string; status: string }[] }

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-raw-'));
  lib = path.join(tmp, 'Photos');
  mkdirSync(path.join(lib, 'copies'), { recursive: true });
  const shot = readFileSync(fixture('originals/skimage_coffee.jpg'));
  writeFileSync(raw(), makeDng({ preview: shot, previewWidth: 600, previewHeight: 400, orientation: 1 }));
  writeFileSync(jpeg(), shot);
  writeFileSync(lone(), shot);
  db = path.join(tmp, 'catalog.db');
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg') };
  const scan = await runCli(['scan', lib, '--db', db, '--no-calibrate', '--json'], env);
  expect(scan.code, scan.stderr).toBe(0);
  expect(JSON.parse(scan.stdout)).toMatchObject({ found: 3, failed: [] });
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('lookalike and RAW+JPEG pairs', () => {
  it('dupes --json shows the pair on both members', async () => {
    const r = await runCli(['dupes', '--db', db, '--threshold', '100', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const members = (JSON.parse(r.stdout) as { groups: { members: { path: string; pair: { partner: string; role: string } | null }[] }[] }).groups.flatMap((g) => g.members);
    expect(members.find((m) => m.path === raw())?.pair).toMatchObject({ partner: jpeg(), role: 'raw' });
    expect(members.find((m) => m.path === jpeg())?.pair).toMatchObject({ partner: raw(), role: 'jpeg' });
    expect(members.find((m) => m.path === lone())?.pair).toBeNull();
  });

  it('resolve proposes only the lone copy; --pairs keep-raw also drops the JPEG, and undo restores it', async () => {
    const dry = await runCli(['resolve', '--db', db, '--threshold', '100', '--dry-run', '--trash', '--json'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as ActionJson).actions.map((a) => a.path)).toEqual([lone()]);

    const bad = await runCli(['resolve', '--db', db, '--pairs', 'keep-all', '--trash'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--pairs must be one of keep-both, keep-raw, keep-jpeg/);

    const real = await runCli(['resolve', '--db', db, '--threshold', '100', '--trash', '--pairs', 'keep-raw', '--json'], env);
    expect(real.code, real.stderr).toBe(0);
    const actions = (JSON.parse(real.stdout) as ActionJson).actions;
    expect(actions.map((a) => a.path).sort()).toEqual([jpeg(), lone()].sort());
    expect(actions.every((a) => a.keep === raw() && a.status === 'done')).toBe(true);
    expect([existsSync(raw()), existsSync(jpeg()), existsSync(lone())]).toEqual([true, false, false]);

    const undo = await runCli(['undo', '--db', db], env);
    expect(undo.code, undo.stderr).toBe(0);
    expect([existsSync(raw()), existsSync(jpeg()), existsSync(lone())]).toEqual([true, true, true]);
  });
});
