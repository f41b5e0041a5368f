// Model files are pinned: the downloader refuses a file the registry has no sha256 for (unless the user trusts the
// server's hash, which the manifest then records), checks the pinned size and sha256, and the engine refuses to load
// a managed model whose file no longer hashes to its manifest's pin. On the local fake hub with the tiny model.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createEngine } from '../../../electron/engine/engine.js';
import { downloadModel } from '../../../electron/engine/models/download.js';
import { readManifest } from '../../../electron/engine/models/manifest.js';
import { readModelProvenance } from '../../../electron/engine/models/provenance.js';
import { findRegistryFile, loadRegistry, pinnedDtypes, recommendedDtype, type Registry, type RegistryModel } from '../../../electron/engine/models/registry.js';
import { tinyModelDir } from '../../helpers/models.js';
import { FakeHub, sha256 } from './fakeHub.js';

const COMMIT = 'b'.repeat(40);
const REPO = 'test-org/pinned-vit';
let hub: FakeHub;
let endpoint: string;
let dataDir: string;
let onnx: Buffer;
const env = (): NodeJS.ProcessEnv => ({ HF_ENDPOINT: endpoint });

type Pin = { sha256: string | null; bytes: number | null };
/** fp32 and q8 serve the same tiny file; each dtype's pin is given per test. */
function registry(pins: { fp32?: Pin; q8?: Pin }): Registry {
  const files: RegistryModel['files'] = {};
  if (pins.fp32) files.fp32 = { path: 'onnx/model.onnx', approxBytes: 1, ...pins.fp32 };
  if (pins.q8) files.q8 = { path: 'onnx/model_quantized.onnx', approxBytes: 1, ...pins.q8 };
  const model: RegistryModel = {
    id: REPO, aliases: ['pinned'], repo: REPO, revision: COMMIT, modelType: 'vit', output: 'pooler_output',
    hiddenShape: [1, 197, 64], embeddingDim: 64, license: 'mit', description: 'generated test model',
    configFiles: ['config.json', 'preprocessor_config.json'], files, verified: {},
  };
  return { defaultId: REPO, models: [model] };
}
const pinned = (): Pin => ({ sha256: sha256(onnx), bytes: onnx.length });
const unpinned: Pin = { sha256: null, bytes: null };

beforeAll(async () => {
  const tiny = await tinyModelDir();
  onnx = await readFile(path.join(tiny, 'onnx', 'model.onnx'));
  hub = new FakeHub({
    [REPO]: {
      commit: COMMIT,
      files: {
        'config.json': await readFile(path.join(tiny, 'config.json')),
        'preprocessor_config.json': await readFile(path.join(tiny, 'preprocessor_config.json')),
        'onnx/model.onnx': onnx,
        'onnx/model_quantized.onnx': onnx,
      },
    },
  });
  endpoint = await hub.start();
});
afterAll(() => hub.stop());
beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lookalike-pins-'));
  hub.log.length = 0;
});
afterEach(() => rm(dataDir, { recursive: true, force: true }));

describe('download pins', () => {
  it('refuses a file the registry has no sha256 for, before any request, saying what is missing and how to opt in', async () => {
    const run = downloadModel({ dataDir, model: 'pinned', dtype: 'q8', env: env(), registry: registry({ fp32: pinned(), q8: unpinned }) });
    await expect(run).rejects.toMatchObject({ code: 'forbidden' });
    await expect(run).rejects.toThrow(/registry .*lacks a pinned sha256 for test-org\/pinned-vit onnx\/model_quantized\.onnx \(q8\)/);
    await expect(run).rejects.toThrow(/Pinned dtypes of this model: fp32\. .*--trust-server-hash/);
    expect(hub.log).toEqual([]);
  });

  it('with --trust-server-hash installs it, checked against the hub hash, and the manifest records the opt-in', async () => {
    const result = await downloadModel({ dataDir, model: 'pinned', dtype: 'q8', env: env(), registry: registry({ q8: unpinned }), trustServerHash: true, retryDelayMs: 10 });
    const manifest = await readManifest(result.dir);
    expect(manifest?.files['onnx/model_quantized.onnx']).toEqual({ size: onnx.length, sha256: sha256(onnx), verifiedBy: 'server-hash-trusted' });
    expect(manifest?.files['preprocessor_config.json']?.verifiedBy).toBe('git-blob');
    hub.faults = { corrupt: true };
    const corrupt = downloadModel({ dataDir, model: 'pinned', dtype: 'q8', env: env(), registry: registry({ q8: unpinned }), trustServerHash: true, force: true, retryDelayMs: 10 });
    await expect(corrupt).rejects.toThrow(/does not match the hub's/);
    hub.faults = {};
  });

  it("refuses bytes that differ from the registry's sha256 or size, even when the hub vouches for them", async () => {
    const wrongSha = downloadModel({ dataDir, model: 'pinned', dtype: 'fp32', env: env(), registry: registry({ fp32: { sha256: 'f'.repeat(64), bytes: null } }), retryDelayMs: 10 });
    await expect(wrongSha).rejects.toThrow(/does not match the registry's ffff/);
    const wrongSize = downloadModel({ dataDir, model: 'pinned', dtype: 'fp32', env: env(), registry: registry({ fp32: { sha256: sha256(onnx), bytes: onnx.length + 1 } }), retryDelayMs: 10 });
    await expect(wrongSize).rejects.toThrow(new RegExp(`received ${onnx.length} bytes, the registry pins ${onnx.length + 1}`));
    await expect(wrongSize).rejects.toMatchObject({ code: 'failed' });
  });

  it('a plain download picks a pinned dtype when q8 has no pin', async () => {
    const result = await downloadModel({ dataDir, model: 'pinned', env: env(), registry: registry({ fp32: pinned(), q8: unpinned }), retryDelayMs: 10 });
    expect(result.dtype).toBe('fp32');
    const both = await downloadModel({ dataDir, model: 'pinned', env: env(), registry: registry({ fp32: pinned(), q8: pinned() }), retryDelayMs: 10 });
    expect(both.dtype).toBe(recommendedDtype('cpu'));
  });
});

describe('load-time check', () => {
  it("refuses to load a managed model whose file no longer hashes to its manifest's pin, before onnxruntime opens it", async () => {
    const result = await downloadModel({ dataDir, model: 'pinned', dtype: 'fp32', env: env(), registry: registry({ fp32: pinned() }), retryDelayMs: 10 });
    const opts = { preprocessVersion: 1, dtype: 'fp32' as const };
    expect((await readModelProvenance(result.dir, opts)).fileSha256).toBe(sha256(onnx));
    // Same size, one byte changed: the cheap size check passes, the hash does not.
    const tampered = Buffer.from(onnx);
    tampered[tampered.length >> 1] = (tampered[tampered.length >> 1] ?? 0) ^ 0xff;
    await writeFile(result.onnxFile, tampered);
    await expect(readModelProvenance(result.dir, opts)).rejects.toThrow(/onnx\/model\.onnx has sha256 [0-9a-f]{64}, but its manifest pins/);
    await expect(createEngine({ modelDir: result.dir, dtype: 'fp32', device: 'cpu', threads: 1 })).rejects.toMatchObject({
      code: 'invalid-request',
      message: expect.stringMatching(/manifest pins/),
    });
    await writeFile(result.onnxFile, onnx);
    const engine = await createEngine({ modelDir: result.dir, dtype: 'fp32', device: 'cpu', threads: 1 });
    expect(engine.provenance.fileSha256).toBe(sha256(onnx));
    await engine.close();
  });
});

describe('resources/models.json pins', () => {
  it('pins every model to a full commit, and the default download path (q8 on CPU, fp32 on GPU) of the default model', async () => {
    const reg = await loadRegistry(findRegistryFile());
    for (const m of reg.models) {
      expect(m.revision).toMatch(/^[0-9a-f]{40}$/);
      expect(m.verified['sha256']).toBeTruthy();
      // Every pin is a real one or explicitly absent; a size without a hash would check nothing useful.
      for (const f of Object.values(m.files)) if (f.bytes !== null) expect(f.sha256).not.toBeNull();
    }
    const def = reg.models.find((m) => m.id === reg.defaultId)!;
    expect(pinnedDtypes(def)).toEqual(expect.arrayContaining(['q8', 'fp32']));
    const count = reg.models.flatMap((m) => Object.values(m.files)).filter((f) => f.sha256).length;
    expect(count).toBe(7);
  });
});
