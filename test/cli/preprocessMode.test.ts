// `--preprocess` as a user passes it: library scans default to the exact mode, a fast scan of the same photos
// stores a second set of vectors under its own key (the two never mix), and a wrong value is a usage error.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
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

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-preprocess-'));
  lib = path.join(tmp, 'Photos');
  mkdirSync(lib);
  copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(lib, 'chelsea.jpg'));
  copyFileSync(fixture('originals/skimage_coffee.jpg'), path.join(lib, 'coffee.jpg'));
  db = path.join(tmp, 'catalog.db');
  env = { LOOKALIKE_MODEL: await tinyModelDir(), HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg'), LOOKALIKE_DATA_DIR: path.join(tmp, 'data') };
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

type StatusJson = { embeddings: { modelKey: string; count: number }[] };

describe('lookalike --preprocess', () => {
  it('scans exact by default, and fast vectors of the same photos get a key of their own', async () => {
    expect((await runCli(['scan', lib, '--db', db, '--json', '--no-calibrate'], env)).code).toBe(0);
    let status = JSON.parse((await runCli(['status', '--db', db, '--json'], env)).stdout) as StatusJson;
    expect(status.embeddings).toHaveLength(1);
    expect(status.embeddings[0]!.modelKey).not.toMatch(/:fast\d*$/);
    expect((await runCli(['scan', lib, '--db', db, '--json', '--no-calibrate', '--preprocess', 'fast'], env)).code).toBe(0);
    status = JSON.parse((await runCli(['status', '--db', db, '--json'], env)).stdout) as StatusJson;
    const keys = status.embeddings.map((e) => e.modelKey).sort();
    expect(keys).toHaveLength(2);
    expect(keys[0]!.replace(/:fast\d*$/, '')).toBe(keys[1]!.replace(/:fast\d*$/, ''));
    // The fast rule's version is in the key (shrinkOnLoad.ts's factor changed the numbers once).
    expect(keys.filter((k) => k.endsWith(':fast2'))).toHaveLength(1);
    expect(status.embeddings.map((e) => e.count)).toEqual([2, 2]);
  });

  it('refuses a mode it does not know, naming the ones it does', async () => {
    const r = await runCli(['scan', lib, '--db', db, '--preprocess', 'quick'], env);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--preprocess must be one of exact|fast, got "quick"');
  });
});
