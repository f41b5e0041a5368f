import { readFile, mkdtemp, rm, stat, symlink, writeFile, mkdir, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LookalikeError } from '../../../electron/engine/errors.js';
import { downloadModel } from '../../../electron/engine/models/download.js';
import type { DownloadProgress } from '../../../electron/engine/models/httpFile.js';
import { readManifest } from '../../../electron/engine/models/manifest.js';
import { hubModelDir } from '../../../electron/engine/models/paths.js';
import type { Registry, RegistryModel } from '../../../electron/engine/models/registry.js';
import { readSelected, resolveSelectedModel } from '../../../electron/engine/models/selection.js';
import { tinyModelDir } from '../../helpers/models.js';
import { FakeHub, sha256, type FakeRepo } from './fakeHub.js';

const COMMIT = 'a'.repeat(40);
const REPO = 'test-org/tiny-vit';

/** The tiny model as a registry entry; its ONNX file pinned to the served bytes unless `pin` says otherwise. */
function registryFor(revision = 'main', pin: { sha256?: string | null; bytes?: number | null } = {}): Registry {
  const model: RegistryModel = {
    id: REPO,
    aliases: ['tiny'],
    repo: REPO,
    revision,
    modelType: 'vit',
    output: 'pooler_output',
    hiddenShape: [1, 197, 64],
    embeddingDim: 64,
    license: 'mit',
    description: 'generated test model',
    configFiles: ['config.json', 'preprocessor_config.json'],
    files: {
      fp32: {
        path: 'onnx/model.onnx',
        approxBytes: 1,
        bytes: pin.bytes === undefined ? onnxBytes().length : pin.bytes,
        sha256: pin.sha256 === undefined ? sha256(onnxBytes()) : pin.sha256,
      },
    },
    verified: {},
  };
  return { defaultId: REPO, models: [model] };
}

let repo: FakeRepo;
let hub: FakeHub;
let endpoint: string;
let dataDir: string;
const env = (): NodeJS.ProcessEnv => ({ HF_ENDPOINT: endpoint });
const onnxDest = (): string => path.join(hubModelDir(dataDir, REPO, 'main'), 'onnx', 'model.onnx');
const fast = { retryDelayMs: 10 };

beforeAll(async () => {
  const tiny = await tinyModelDir();
  repo = {
    commit: COMMIT,
    files: {
      'config.json': await readFile(path.join(tiny, 'config.json')),
      'preprocessor_config.json': await readFile(path.join(tiny, 'preprocessor_config.json')),
      'onnx/model.onnx': await readFile(path.join(tiny, 'onnx', 'model.onnx')),
    },
  };
  hub = new FakeHub({ [REPO]: repo });
  endpoint = await hub.start();
});

afterAll(async () => hub.stop());

beforeEach(async () => {
  dataDir = await mkdtemp(path.join(tmpdir(), 'lookalike-dl-'));
  hub.faults = {};
  hub.log.length = 0;
});

afterEach(async () => rm(dataDir, { recursive: true, force: true }));

const onnxBytes = (): Buffer => repo.files['onnx/model.onnx']!;

describe('downloadModel', () => {
  it('follows the 302 to the CDN, verifies, records the commit and selects the model', async () => {
    const progress: DownloadProgress[] = [];
    const result = await downloadModel(
      { dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast },
      { onProgress: (p) => progress.push(p) },
    );
    expect(result.downloaded).toBe(true);
    expect(result.revision).toBe(COMMIT);
    expect(sha256(await readFile(onnxDest()))).toBe(sha256(onnxBytes()));
    expect(hub.log.map((r) => r.path)).toContain(`/cdn/${sha256(onnxBytes())}`);
    // Files after the first are fetched at the pinned commit, not the moving branch.
    expect(hub.log.some((r) => r.path.includes(`/resolve/${COMMIT}/onnx/model.onnx`))).toBe(true);

    const manifest = await readManifest(result.dir);
    expect(manifest?.revision).toBe(COMMIT);
    expect(manifest?.files['onnx/model.onnx']).toEqual({ size: onnxBytes().length, sha256: sha256(onnxBytes()), verifiedBy: 'registry-pin' });
    expect(manifest?.files['config.json']?.verifiedBy).toBe('git-blob');
    expect(await readSelected(dataDir)).toEqual({ id: REPO, dtype: 'fp32' });
    expect((await resolveSelectedModel(dataDir, {})).dir).toBe(result.dir);

    const last = progress.filter((p) => p.file === 'onnx/model.onnx').at(-1);
    expect(last).toMatchObject({ bytes: onnxBytes().length, totalBytes: onnxBytes().length });
    expect(await readdir(path.dirname(onnxDest()))).toEqual(['model.onnx']); // no .part left behind
  });

  it('follows an absolute Location too', async () => {
    hub.faults = { absoluteTo: endpoint.replace('127.0.0.1', 'localhost') };
    await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    expect(sha256(await readFile(onnxDest()))).toBe(sha256(onnxBytes()));
  });

  it('resumes with a Range request after the server drops the connection mid-file', async () => {
    hub.faults = { dropAfterBytes: 100_000, dropCount: 1 };
    await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    const cdn = hub.log.filter((r) => r.path.startsWith('/cdn/'));
    expect(cdn.map((r) => r.range)).toEqual([null, 'bytes=100000-']);
    expect(sha256(await readFile(onnxDest()))).toBe(sha256(onnxBytes()));
  });

  it('starts over cleanly when the server ignores Range and answers 200', async () => {
    hub.faults = { dropAfterBytes: 50_000, dropCount: 1, ignoreRange: true };
    await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    expect(hub.log.filter((r) => r.path.startsWith('/cdn/')).at(-1)?.range).toBe('bytes=50000-');
    expect(sha256(await readFile(onnxDest()))).toBe(sha256(onnxBytes()));
  });

  it('rejects a corrupted body by sha256 and leaves neither the file nor a part nor a manifest', async () => {
    hub.faults = { corrupt: true };
    const run = downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    await expect(run).rejects.toThrow(LookalikeError);
    await expect(run).rejects.toThrow(/sha256 .* does not match the hub's/);
    await expect(run).rejects.toMatchObject({ code: 'failed' });
    const dir = path.dirname(onnxDest());
    expect(await readdir(dir)).toEqual([]);
    expect(await readManifest(hubModelDir(dataDir, REPO, 'main'))).toBeNull();
    await expect(resolveSelectedModel(dataDir, {})).rejects.toThrow(/No model installed/);
  });

  it('reports a 404 clearly', async () => {
    const registry = registryFor();
    registry.models[0]!.files.fp32!.path = 'onnx/missing.onnx';
    const run = downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry, ...fast });
    await expect(run).rejects.toThrow(/onnx\/missing\.onnx not found \(404\)/);
    await expect(run).rejects.toMatchObject({ code: 'failed' });
  });

  it('cancels a slow download on abort, keeps the part, and resumes from it on the next run', async () => {
    hub.faults = { slowChunkMs: 5 };
    const controller = new AbortController();
    const run = downloadModel(
      { dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast },
      {
        signal: controller.signal,
        onProgress: (p) => {
          if (p.file === 'onnx/model.onnx' && p.bytes >= 20_000) controller.abort();
        },
      },
    );
    await expect(run).rejects.toThrow(LookalikeError);
    await expect(run).rejects.toThrow(/cancelled; \d+ bytes kept/);
    await expect(run).rejects.toMatchObject({ code: 'cancelled' });
    const kept = (await stat(`${onnxDest()}.part`)).size;
    expect(kept).toBeGreaterThanOrEqual(20_000);
    await expect(stat(onnxDest())).rejects.toThrow();

    hub.faults = {};
    hub.log.length = 0;
    await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    expect(hub.log.find((r) => r.path.startsWith('/cdn/'))?.range).toBe(`bytes=${kept}-`);
    expect(sha256(await readFile(onnxDest()))).toBe(sha256(onnxBytes()));
  });

  it('refuses a plain-http endpoint that is not loopback', async () => {
    const insecureEndpoint = downloadModel({
      dataDir,
      model: 'tiny',
      env: { HF_ENDPOINT: 'http://hub.example.com' },
      dtype: 'fp32',
      registry: registryFor(),
    });
    await expect(insecureEndpoint).rejects.toThrow(LookalikeError);
    await expect(insecureEndpoint).rejects.toMatchObject({ code: 'forbidden' });
    hub.faults = { absoluteTo: 'http://cdn.example.com' };
    const insecureRedirect = downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    await expect(insecureRedirect).rejects.toThrow(/only https:\/\/ is allowed/);
    await expect(insecureRedirect).rejects.toMatchObject({ code: 'forbidden' });
  });

  it('offline: explains what is missing, and uses what is installed without touching the network', async () => {
    const offline = { ...env(), HF_HUB_OFFLINE: '1' };
    const run = downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: offline, registry: registryFor() });
    await expect(run).rejects.toThrow(LookalikeError);
    await expect(run).rejects.toThrow(/offline: test-org\/tiny-vit \(fp32\) is not installed/);
    await expect(run).rejects.toMatchObject({ code: 'unavailable' });
    expect(hub.log).toEqual([]);

    await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    hub.log.length = 0;
    const again = await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: offline, registry: registryFor() });
    expect(again.downloaded).toBe(false);
    expect(hub.log).toEqual([]);
  });

  it('a truncated installed file is noticed and fetched again', async () => {
    await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    await writeFile(onnxDest(), onnxBytes().subarray(0, 1000));
    await expect(resolveSelectedModel(dataDir, {})).rejects.toThrow(/incomplete or damaged .* expected/);
    const again = await downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    expect(again.downloaded).toBe(true);
    expect(sha256(await readFile(onnxDest()))).toBe(sha256(onnxBytes()));
  });

  it('disk full while writing: a clear error, no final file (simulated with /dev/full)', async () => {
    const dir = path.dirname(onnxDest());
    await mkdir(dir, { recursive: true });
    await symlink('/dev/full', `${onnxDest()}.part`);
    await writeFile(`${onnxDest()}.part.json`, JSON.stringify({ etag: null, size: null }));
    const run = downloadModel({ dataDir, model: 'tiny', dtype: 'fp32', env: env(), registry: registryFor(), ...fast });
    await expect(run).rejects.toThrow(/no space left on the disk while saving onnx\/model\.onnx/);
    await expect(run).rejects.toMatchObject({ code: 'failed' });
    await expect(stat(onnxDest())).rejects.toThrow();
    expect(await readManifest(hubModelDir(dataDir, REPO, 'main'))).toBeNull();
  });
});
