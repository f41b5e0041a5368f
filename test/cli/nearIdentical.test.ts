// `lookalike dupes --json` with the near-identical tier, as a user runs it (the built binary, the random-weight
// tiny model, which on its own misses a quarter-size resize and a greyscale copy): tier `near-identical`, and
// each member's evidence, both distances to the keeper.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/cli.js';
import { tinyModelDir } from '../helpers/models.js';
import { fixture } from '../helpers/photos.js';

let tmp: string;
let lib: string;
let env: NodeJS.ProcessEnv;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-near-identical-'));
  lib = path.join(tmp, 'Photos');
  mkdirSync(lib);
  copyFileSync(fixture('originals/skimage_coffee.jpg'), path.join(lib, 'coffee.jpg'));
  copyFileSync(fixture('variants/skimage_coffee__resize25.jpg'), path.join(lib, 'coffee-small.jpg'));
  copyFileSync(fixture('variants/skimage_coffee__grayscale.jpg'), path.join(lib, 'coffee-grey.jpg'));
  copyFileSync(fixture('originals/skimage_astronaut.jpg'), path.join(lib, 'astronaut.jpg'));
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg'), LOOKALIKE_DATA_DIR: path.join(tmp, 'data') };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface DupesJson {
  groups: { tier: string; keep: string; members: { path: string; match: string; hamming: number | null; cosine: number | null }[] }[];
}

describe('lookalike dupes --json, near-identical', () => {
  it('lists the resize and the greyscale copy as near-identical, with Hamming distance and cosine', async () => {
    const scan = await runCli(['scan', lib, '--no-calibrate', '--json'], env);
    expect(scan.code, scan.stderr).toBe(0);
    const r = await runCli(['dupes', '--json'], env);
    expect(r.code, r.stderr).toBe(0);
    const groups = (JSON.parse(r.stdout) as DupesJson).groups;
    const coffee = groups.find((g) => g.members.some((m) => m.path.endsWith('coffee.jpg')))!;
    expect(coffee.tier).toBe('near-identical');
    const byName = Object.fromEntries(coffee.members.map((m) => [path.basename(m.path), m]));
    expect(Object.keys(byName).sort()).toEqual(['coffee-grey.jpg', 'coffee-small.jpg', 'coffee.jpg']);
    for (const name of ['coffee-grey.jpg', 'coffee-small.jpg']) {
      expect(byName[name]).toMatchObject({ match: 'near-identical', hamming: expect.any(Number), cosine: expect.any(Number) });
      expect(byName[name]!.hamming).toBeLessThanOrEqual(4);
    }
    expect(groups.some((g) => g.members.some((m) => m.path.endsWith('astronaut.jpg')) && g.tier === 'near-identical')).toBe(false);
  });
});
