// Calibration and evaluation as a user runs them: the built binary on a real catalog of the committed fixtures
// (6 originals, 24 edited copies, test/fixtures/photos/truth.json), with both test models: the descriptor model
// (which sees) and the random-weight tiny ViT (whose cosines all crowd near 1).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { descriptorModelDir, tinyModelDir } from '../helpers/models.js';
import { fixture, fixturesDir } from '../helpers/photos.js';

let tmp: string;
const truth = fixture('truth.json');

interface DupesJson {
  threshold: number;
  groups: { tier: string; members: { path: string; score: number }[] }[];
}

beforeAll(() => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-calibrate-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function scanned(name: string, model: string, flags: string[] = ['--no-calibrate']): Promise<{ db: string; env: NodeJS.ProcessEnv; stderr: string }> {
  const db = path.join(tmp, `${name}.db`);
  const env = { LOOKALIKE_MODEL: model, LOOKALIKE_DATA_DIR: path.join(tmp, `${name}-data`) };
  const r = await runCli(['scan', fixturesDir, '--db', db, '--json', ...flags], env);
  expect(r.code, r.stderr).toBe(0);
  return { db, env, stderr: r.stderr };
}

const nearGroups = (out: DupesJson) => out.groups.filter((g) => g.tier !== 'similar');
const photoOf = (p: string) => path.basename(p).replace(/__.*$/, '').replace(/\.\w+$/, '');
/** Near-duplicate (or stronger) groups that hold files of more than one fixture photo. */
const mixedGroups = (out: DupesJson) => nearGroups(out).filter((g) => new Set(g.members.map((m) => photoOf(m.path))).size > 1);

describe('lookalike calibrate', () => {
  it('with the descriptor model: prints the documented figures, the cut between the two distributions', async () => {
    const { db, env } = await scanned('descriptor', await descriptorModelDir());
    const r = await runCli(['calibrate', '--db', db, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const c = JSON.parse(r.stdout);
    expect(c).toMatchObject({ modelKey: expect.stringContaining('generated/descriptor-seed-0'), threshold: 93 });
    // 26 distinct pictures of 30 files (a byte copy shares its original's content, a PNG its pixels), 7 edits each.
    expect(c.edits.n).toBe(26 * 7);
    expect(c.distinct.n).toBeGreaterThan(0);
    expect(c.distinct.p99).toBeLessThan(c.cosineThreshold);
    expect(c.cosineThreshold).toBeLessThan(c.edits.median);
    expect(typeof c.edits.p05 === 'number' && typeof c.distinct.p95 === 'number').toBe(true);

    // The human-readable form says the same.
    const text = await runCli(['calibrate', '--db', db], env);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/Calibrated generated\/descriptor-seed-0.* on 26 of your photos/);
    expect(text.stdout).toMatch(/near duplicate at cosine ≥ 0\.\d{4}: threshold 93/);
  });

  it('evaluate --truth scores the fixtures: recall per transform, precision, a sweep', async () => {
    const { db, env } = await scanned('descriptor-eval', await descriptorModelDir());
    expect((await runCli(['calibrate', '--db', db], env)).code).toBe(0);
    const r = await runCli(['evaluate', '--truth', truth, '--db', db, '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const e = JSON.parse(r.stdout);
    expect(e.threshold).toBe(93);
    expect(e.unscanned).toBe(0);
    // Hash-tier transforms are found whatever the model; plain re-encodes by this model.
    for (const t of ['copy', 'png', 'exif_rot90', 'jpeg_q35', 'resize50', 'webp', 'watermark']) expect(e.recall[t], t).toBe(1);
    expect(e.recall['flip_h']).toBeLessThan(1); // a mirror changes the layout this descriptor sees
    expect(e.precision).toBe(1);
    expect(e.distinctMerged).toBe(0);
    expect(e.sweep.map((p: { threshold: number }) => p.threshold)).toContain(93);
    // A lower threshold never finds fewer easy members... and a strict one finds fewer.
    const at = (t: number) => e.sweep.find((p: { threshold: number }) => p.threshold === t);
    expect(at(99).recallByDifficulty.easy).toBeLessThanOrEqual(at(93).recallByDifficulty.easy);
  });

  it('evaluate refuses a file that is not a truth file, with a usage exit code', async () => {
    const { db, env } = await scanned('bad-truth', await descriptorModelDir());
    const bad = path.join(tmp, 'bad.json');
    writeFileSync(bad, JSON.stringify({ groups: [{ id: 'x' }] }));
    const r = await runCli(['evaluate', '--truth', bad, '--db', db], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not a truth file/);
    const missing = await runCli(['evaluate', '--db', db], env);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--truth FILE/);
  });

  it('moves a random-weight ViT to its own scale: dupes then mixes no two fixture photos, --threshold overrides', async () => {
    const { db, env } = await scanned('tiny', await tinyModelDir());
    // Uncalibrated, the tiny ViT's cosines of different photos already pass the default cut.
    const before = JSON.parse((await runCli(['dupes', '--db', db, '--json'], env)).stdout) as DupesJson;
    expect(mixedGroups(before).length).toBeGreaterThan(0);

    const c = JSON.parse((await runCli(['calibrate', '--db', db, '--json'], env)).stdout);
    expect(c.uncalibratedThreshold).toBeGreaterThan(93);
    const after = JSON.parse((await runCli(['dupes', '--db', db, '--json'], env)).stdout) as DupesJson;
    expect(after.threshold).toBe(93);
    expect(mixedGroups(after)).toEqual([]);
    expect(nearGroups(after).length).toBeGreaterThan(0);

    // --threshold still wins over the calibrated default: at 0 every photo is one group's near duplicate.
    const loose = JSON.parse((await runCli(['dupes', '--db', db, '--threshold', '0', '--json'], env)).stdout) as DupesJson;
    expect(mixedGroups(loose).length).toBeGreaterThan(0);
  });

  it('the first scan with a model calibrates it, as the app does, so dupes is on that model\'s scale at once', async () => {
    const { db, env, stderr } = await scanned('tiny-auto', await tinyModelDir(), []);
    expect(stderr).toMatch(/calibrated on \d+ of your photos/);
    const out = JSON.parse((await runCli(['dupes', '--db', db, '--json'], env)).stdout) as DupesJson;
    expect(mixedGroups(out)).toEqual([]);
    // Once: a rescan leaves the stored calibration alone.
    const again = await runCli(['scan', fixturesDir, '--db', db], env);
    expect(again.stderr).not.toMatch(/calibrated on/);
  });
});
