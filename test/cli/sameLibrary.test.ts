// One data folder for both front ends, as a new user meets it: `lookalike scan` through the built binary with no
// --db or --data-dir, then the app's engine process (the contract's EngineApi over the Library, opened with
// default settings and the same environment) shows the same library and the same groups, scored the same way.
// Also: `lookalike undo --batch` reverses a whole resolve run, and `--prefer-folder` really breaks keeper ties.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary, resolveDataDir, type GroupsJson } from '../../electron/engine/library/index.js';
import { createEngineApi } from '../../electron/engineProcess/api.js';
import { runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

let tmp: string;
let lib: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-same-library-'));
  lib = path.join(tmp, 'Photos');
  mkdirSync(path.join(lib, 'Best'), { recursive: true });
  mkdirSync(path.join(lib, 'Other'), { recursive: true });
  copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(lib, 'Other', 'chelsea.jpg'));
  copyFileSync(fixture('variants/skimage_chelsea__copy.jpg'), path.join(lib, 'Best', 'chelsea.jpg'));
  copyFileSync(fixture('originals/skimage_coffee.jpg'), path.join(lib, 'coffee.jpg'));
  copyFileSync(fixture('variants/skimage_coffee__png.png'), path.join(lib, 'coffee.png'));
  // What a user's session has: a home and an XDG data home, nothing pointing at a catalog.
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg'), LOOKALIKE_DATA_DIR: '' };
}, 60_000);
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const membersOf = (g: GroupsJson['groups'][number]) => g.members.map((m) => ({ path: m.path, score: m.score, match: m.match, reasons: m.reasons }));

describe('the CLI and the app keep one library', () => {
  it('a CLI scan is the library the app opens, with the same groups', async () => {
    const scan = await runCli(['scan', lib, '--json'], env);
    expect(scan.code, scan.stderr).toBe(0);
    const dataDir = resolveDataDir(undefined, env, 'linux');
    expect(dataDir).toBe(path.join(tmp, 'xdg', 'lookalike'));
    expect(existsSync(path.join(dataDir, 'catalog.db'))).toBe(true);

    const dupes = await runCli(['dupes', '--json', '--threshold', '100'], env);
    expect(dupes.code, dupes.stderr).toBe(0);
    const cli = JSON.parse(dupes.stdout) as GroupsJson;
    expect(cli.groups.length).toBeGreaterThan(0);

    // The app's engine process: the same resolver, default settings, the contract's methods.
    const library = await openLibrary({ env });
    try {
      const api = createEngineApi(library);
      expect((await api.getStatus(undefined)).dataDir).toBe(dataDir);
      expect((await api.listRoots(undefined)).map((r) => r.path)).toEqual([lib]);
      const app = await api.getGroups({ threshold: 100 });
      expect(app.groups.map((g) => ({ tier: g.tier, keep: g.keep, members: membersOf(g) }))).toEqual(
        cli.groups.map((g) => ({ tier: g.tier, keep: g.keep, members: membersOf(g) })),
      );
    } finally {
      await library.close();
    }
  });

  it('--prefer-folder decides between byte-identical copies, and undo --batch brings the whole run back', async () => {
    const other = path.join(lib, 'Other', 'chelsea.jpg');
    const best = path.join(lib, 'Best', 'chelsea.jpg');
    // Same bytes, same path length: without a preference the last-resort order keeps Best/ (a dry run shows it).
    const dry = await runCli(['resolve', '--trash', '--threshold', '100', '--dry-run', '--json'], env);
    const dryRun = JSON.parse(dry.stdout) as { actions: { path: string; keep: string }[] };
    expect(dryRun.actions.find((a) => a.path === other || a.path === best)).toMatchObject({ path: other, keep: best });
    // Preferring Other/ turns that round.
    const preferOther = await runCli(['resolve', '--trash', '--threshold', '100', '--prefer-folder', path.join(lib, 'Other'), '--json'], env);
    expect(preferOther.code, preferOther.stderr).toBe(0);
    const run = JSON.parse(preferOther.stdout) as { actionId: string; actions: { path: string; keep: string; status: string }[] };
    expect(run.actions.find((a) => a.path === other || a.path === best)).toMatchObject({ path: best, keep: other, status: 'done' });
    expect(existsSync(best)).toBe(false);
    expect(existsSync(other)).toBe(true);
    expect(run.actions.length).toBeGreaterThanOrEqual(2);

    const undo = await runCli(['undo', '--batch', run.actionId, '--json'], env);
    expect(undo.code, undo.stderr).toBe(0);
    const undone = JSON.parse(undo.stdout) as { actionId: string; restored: string[] };
    expect(undone.actionId).toBe(run.actionId);
    expect([...undone.restored].sort()).toEqual(run.actions.map((a) => a.path).sort());
    for (const a of run.actions) expect(existsSync(a.path)).toBe(true);
    // The same batch cannot be undone twice.
    const again = await runCli(['undo', '--batch', run.actionId], env);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/nothing to undo/);
  });
});
