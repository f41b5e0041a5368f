// The library commands as a user runs them (the built `lookalike` binary, a real catalog, the tiny model, the
// real freedesktop trash in a temp XDG_DATA_HOME): scan → dupes → resolve --dry-run → resolve --trash → undo.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

let tmp: string;
let lib: string;
let db: string;
let env: NodeJS.ProcessEnv;
const names = ['chelsea.jpg', 'chelsea-copy.jpg', 'coffee.jpg', 'coffee.png'];

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-library-'));
  lib = path.join(tmp, 'Photos');
  mkdirSync(lib);
  copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(lib, 'chelsea.jpg'));
  copyFileSync(fixture('variants/skimage_chelsea__copy.jpg'), path.join(lib, 'chelsea-copy.jpg'));
  copyFileSync(fixture('originals/skimage_coffee.jpg'), path.join(lib, 'coffee.jpg'));
  copyFileSync(fixture('variants/skimage_coffee__png.png'), path.join(lib, 'coffee.png'));
  db = path.join(tmp, 'catalog.db');
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg') };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface DupesJson {
  threshold: number;
  groups: { tier: string; keep: string; members: { path: string; score: number; reasons: string[] }[] }[];
}

const present = () => names.filter((n) => existsSync(path.join(lib, n)));

describe('lookalike scan, dupes, resolve, undo', () => {
  it('scan --json reports the contract summary', async () => {
    const r = await runCli(['scan', lib, '--db', db, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ found: 4, new: 4, unchanged: 0, failed: [] });
    const again = await runCli(['scan', lib, '--db', db, '--json'], env);
    expect(JSON.parse(again.stdout)).toMatchObject({ found: 4, new: 0, unchanged: 4, embedded: 0 });
  });

  it('dupes --json groups identical bytes as exact and a lossless re-encode as same-pixels, with reasons', async () => {
    const r = await runCli(['dupes', '--db', db, '--threshold', '100', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as DupesJson;
    expect(out.threshold).toBe(100);
    const byTier = new Map(out.groups.map((g) => [g.tier, g]));
    const exact = byTier.get('exact');
    const same = byTier.get('same-pixels');
    expect(exact?.members.map((m) => path.basename(m.path)).sort()).toEqual(['chelsea-copy.jpg', 'chelsea.jpg']);
    expect(same?.members.map((m) => path.basename(m.path)).sort()).toEqual(['coffee.jpg', 'coffee.png']);
    for (const g of [exact!, same!]) {
      expect(g.members.map((m) => m.path)).toContain(g.keep);
      for (const m of g.members) expect(m.reasons.length).toBeGreaterThan(0);
    }
  });

  it('resolve --dry-run touches nothing; resolve --trash moves the others to the trash; undo brings them back', async () => {
    const dry = await runCli(['resolve', '--db', db, '--threshold', '100', '--dry-run', '--trash', '--json'], env);
    expect(dry.code, dry.stderr).toBe(0);
    expect((JSON.parse(dry.stdout) as { actions: unknown[] }).actions).toHaveLength(2);
    expect(present()).toEqual(names);

    const real = await runCli(['resolve', '--db', db, '--threshold', '100', '--trash', '--json'], env);
    expect(real.code, real.stderr).toBe(0);
    expect(present()).toHaveLength(2);
    const trashed = readdirSync(path.join(tmp, 'xdg', 'Trash', 'files'));
    expect(trashed).toHaveLength(2);

    const undo = await runCli(['undo', '--db', db], env);
    expect(undo.code, undo.stderr).toBe(0);
    expect(present()).toEqual(names);
    expect(readdirSync(path.join(tmp, 'xdg', 'Trash', 'files'))).toHaveLength(0);
  });

  it('search --json ranks the byte copy first for its original', async () => {
    const r = await runCli(['search', path.join(lib, 'chelsea.jpg'), '--db', db, '--top', '3', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout) as { query: string; results: { path: string; score: number; tier: string | null }[] };
    expect(out.query).toBe(path.join(lib, 'chelsea.jpg'));
    const hits = out.results;
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.map((h) => h.path)).not.toContain(out.query);
    expect(path.basename(hits[0]!.path)).toBe('chelsea-copy.jpg');
    expect(hits[0]!.score).toBe(100);
    expect(hits[0]!.tier).toBe('exact');
  });
});
