// The model precision as a CLI user meets it, in the one data folder the app shares: `models use --dtype q8` is
// saved and every later command follows it (scan says which precision and provider it embedded with), a
// command's own --dtype overrides it for that run under a model key of its own, and a choice made in the app
// (the engine process API's useModel) is what the next `lookalike scan` uses. Built binary, local fake hub.
import { copyFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ScanJson } from '../../electron/cli/commands/scan.js';
import { openLibrary } from '../../electron/engine/library/index.js';
import { createEngineApi } from '../../electron/engineProcess/api.js';
import { runCli } from '../helpers/cli.js';
import { fixture } from '../helpers/photos.js';
import { PRECISION_MODEL_ID, startPrecisionHub, type PrecisionHub } from '../helpers/precisionHub.js';

let tmp: string;
let lib: string;
let env: NodeJS.ProcessEnv;
let hub: PrecisionHub;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-cli-precision-'));
  lib = path.join(tmp, 'Photos');
  mkdirSync(lib);
  copyFileSync(fixture('originals/skimage_chelsea.jpg'), path.join(lib, 'chelsea.jpg'));
  copyFileSync(fixture('originals/skimage_coffee.jpg'), path.join(lib, 'coffee.jpg'));
  hub = await startPrecisionHub(tmp);
  // No LOOKALIKE_MODEL: the model comes from the data folder's selection, as for a user.
  env = { ...hub.env, LOOKALIKE_MODEL: '', HOME: tmp, XDG_DATA_HOME: path.join(tmp, 'xdg'), LOOKALIKE_DATA_DIR: path.join(tmp, 'data') };
}, 120_000);
afterAll(async () => {
  await hub?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const scan = async (...extra: string[]): Promise<ScanJson> => {
  const r = await runCli(['scan', lib, '--json', '--no-calibrate', '--device', 'cpu', '--threads', '1', ...extra], env);
  expect(r.code, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as ScanJson;
};
const vectorKeys = async (): Promise<{ modelKey: string; count: number }[]> =>
  (JSON.parse((await runCli(['status', '--json'], env)).stdout) as { embeddings: { modelKey: string; count: number }[] }).embeddings;

describe('lookalike and the saved model precision', () => {
  it('follows `models use --dtype`, reports it, and a --dtype flag overrides it for one run', async () => {
    for (const dtype of ['fp32', 'q8']) {
      const d = await runCli(['models', 'download', 'tiny-q8', '--dtype', dtype], env);
      expect(d.code, d.stderr).toBe(0);
    }
    const use = await runCli(['models', 'use', 'tiny-q8', '--dtype', 'q8'], env);
    expect(use.code, use.stderr).toBe(0);
    expect(use.stdout).toMatch(/using test-org\/tiny-vit-q8 \(q8, 8-bit, 1\.5–2\.3x faster on CPU\): 1\.5–2\.3× faster on CPU .*within 0\.2% of full precision/);
    expect(use.stdout).toMatch(/embeds your photos once more at the next scan/);

    expect(await scan()).toMatchObject({ embedded: 2, model: { id: PRECISION_MODEL_ID, dtype: 'q8', device: 'cpu' } });
    expect((await vectorKeys()).map((e) => e.modelKey)).toEqual([expect.stringContaining(':q8:')]);

    // One run in full precision: its own vectors, the q8 ones kept; the saved choice is unchanged.
    expect(await scan('--dtype', 'fp32')).toMatchObject({ embedded: 2, model: { dtype: 'fp32' } });
    const keys = await vectorKeys();
    expect(keys.map((e) => e.count)).toEqual([2, 2]);
    expect(keys.filter((e) => e.modelKey.includes(':fp32:'))).toHaveLength(1);
    expect(await scan()).toMatchObject({ embedded: 0, model: { dtype: 'q8' } });
  });

  it('uses the precision chosen in the app, and says so in its summary', async () => {
    const library = await openLibrary({ env, engine: { device: 'cpu', threads: 1 } });
    try {
      expect(await createEngineApi(library).useModel({ id: PRECISION_MODEL_ID, dtype: 'fp32' })).toMatchObject({ dtype: 'fp32' });
    } finally {
      await library.close();
    }
    const r = await runCli(['scan', lib, '--no-calibrate', '--device', 'cpu', '--threads', '1'], env);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain(`model: ${PRECISION_MODEL_ID} (fp32) on cpu`);
    expect(r.stdout).toMatch(/0 embedded/);
  });

  it('refuses a precision that is not installed, naming those that are', async () => {
    const r = await runCli(['models', 'use', 'tiny-q8', '--dtype', 'fp16'], env);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/tiny-q8 \(fp16\) is not installed; installed dtypes: fp32, q8/);
  });
});
