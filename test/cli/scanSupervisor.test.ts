// `lookalike scan` survives a native crash or a hang on one file (electron/cli/supervisor.ts), through the built
// binary on the fixture photos: the test-only switches (NODE_ENV=test) abort or block the scanning process when it
// decodes one named file. The scan completes with exit 1, reports that file with the reason, keeps every other
// result (dupes afterwards is what a clean scan gives), and a rescan never decodes the file again.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanJson } from '../../electron/cli/commands/scan.js';
import { runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture, fixturesDir } from '../helpers/photos.js';

let tmp: string;
let model: string;
let cleanGroups: GroupShape[];

const dataDir = (name: string): string => path.join(tmp, name);
const scan = (data: string, env: NodeJS.ProcessEnv = {}) =>
  runCli(['scan', fixturesDir, '--data-dir', data, '--model', model, '--device', 'cpu', '--json'], { NODE_ENV: 'test', ...env });
interface GroupShape {
  tier: string;
  members: string[];
}
/** The groups as tiers and member paths (what a clean and a recovered scan must agree on). */
async function groupsOf(data: string): Promise<GroupShape[]> {
  const r = await runCli(['dupes', '--data-dir', data, '--model', model, '--json']);
  expect(r.code).toBe(0);
  const { groups } = JSON.parse(r.stdout) as { groups: { tier: string; members: { path: string }[] }[] };
  return groups.map((g) => ({ tier: g.tier, members: g.members.map((m) => m.path).sort() })).sort((a, b) => a.members[0]!.localeCompare(b.members[0]!));
}
/** A clean scan's groups had `file` failed: it leaves its group, and a group of one is no group. */
const without = (groups: GroupShape[], file: string): GroupShape[] =>
  groups.map((g) => ({ ...g, members: g.members.filter((m) => m !== file) })).filter((g) => g.members.length > 1);

beforeAll(async () => {
  model = await tinyModelDir();
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-supervise-'));
  const clean = await scan(dataDir('clean'));
  expect(clean.code).toBe(0);
  expect((JSON.parse(clean.stdout) as ScanJson).found).toBe(30);
  cleanGroups = await groupsOf(dataDir('clean'));
});

afterAll(() => {
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('lookalike scan under its supervisor', () => {
  it('a crash on one file: the scan completes, exit 1, that file failed with the reason, every other result kept', async () => {
    const bad = fixture('originals/skimage_astronaut.jpg');
    const data = dataDir('crash');
    const r = await scan(data, { LOOKALIKE_TEST_CRASH_ON: 'skimage_astronaut.jpg' });
    expect(r.code).toBe(1);
    // Named at once when it was the only file in native work, else after its suspects are retried one by one.
    expect(r.stderr).toContain(`the engine crashed (SIGABRT) on ${bad}: that file is marked failed`);
    expect(r.stderr).toMatch(/restarting; finished files are kept/);
    const out = JSON.parse(r.stdout) as ScanJson;
    expect(out.found).toBe(30);
    expect(out.failed).toEqual([{ path: bad, reason: 'the decoder crashed on this file (SIGABRT); it is skipped until the file changes' }]);
    const status = await runCli(['status', '--data-dir', data, '--json']);
    expect(JSON.parse(status.stdout)).toMatchObject({ files: { ok: 29, failed: 1, missing: 0 } });
    // Every other photo is grouped exactly as a clean scan groups it.
    expect(cleanGroups.length).toBeGreaterThan(2);
    expect(await groupsOf(data)).toEqual(without(cleanGroups, bad));
    // Never retried blindly: with the switch still on, a rescan reports the stored verdict and does not crash.
    const again = await scan(data, { LOOKALIKE_TEST_CRASH_ON: 'skimage_astronaut.jpg' });
    expect(again.code).toBe(1);
    expect(again.stderr).not.toMatch(/crashed|restarting/);
    expect((JSON.parse(again.stdout) as ScanJson)).toMatchObject({ unchanged: 30, embedded: 0, failed: out.failed });
  });

  it('a hang on one file: stopped after the per-file limit (2 s here), reported, the rest kept', async () => {
    const stuck = fixture('originals/palapeli_honey_bee.jpg');
    const data = dataDir('hang');
    const started = performance.now();
    const r = await scan(data, { LOOKALIKE_TEST_HANG_ON: 'palapeli_honey_bee.jpg', LOOKALIKE_FILE_TIMEOUT_S: '2' });
    const seconds = (performance.now() - started) / 1000;
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout) as ScanJson;
    expect(out.failed).toEqual([{ path: stuck, reason: 'the decoder did not finish this file within 2 s and was stopped; it is skipped until the file changes' }]);
    // A blocked event loop holds every call in flight past the limit: with two decodes at once, both are suspects
    // first and the stuck one is named when it hangs alone.
    expect(r.stderr).toContain(`the engine was stopped: ${stuck} did not finish within 2 s; that file is marked failed`);
    expect(seconds).toBeLessThan(40);
    expect(await groupsOf(data)).toEqual(without(cleanGroups, stuck));
  });

  it('passes a usage error straight through (exit 2), with no restart', async () => {
    const r = await runCli(['scan', path.join(tmp, 'no-such-folder'), '--data-dir', dataDir('usage'), '--model', model]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/restarting|crashed/);
  });
});
