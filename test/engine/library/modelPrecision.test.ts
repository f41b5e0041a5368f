// The precision choice through the app's engine process API (the contract's EngineApi over the Library), on a
// registry model with fp32 and q8 files served by a local fake hub: what listModels offers and why, choosing q8
// downloads its file and the engine reloads with it, the next scan embeds the photos once more under a key of
// their own (q8 and fp32 vectors never mix), switching back reuses the fp32 vectors, and the choice is the data
// folder's (the CLI reads the same selection). An imported folder without a q8 file says why q8 is not offered.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openLibrary, type Library, type LibraryEvent } from '../../../electron/engine/library/index.js';
import { createEngineApi } from '../../../electron/engineProcess/api.js';
import type { EngineApi, JobDone, ModelInfo } from '../../../electron/shared/contract.js';
import { requestSchemas } from '../../../electron/shared/contract.js';
import { PRECISION_MODEL_ID, startPrecisionHub, type PrecisionHub } from '../../helpers/precisionHub.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let photos: string;
let dataDir: string;
let hub: PrecisionHub;
let library: Library;
let api: EngineApi;
const done = new Map<string, JobDone>();
const waiters = new Map<string, (d: JobDone) => void>();

function onEvent(event: LibraryEvent): void {
  if (event.type !== 'jobDone') return;
  done.set(event.done.jobId, event.done);
  waiters.get(event.done.jobId)?.(event.done);
}
const finished = (jobId: string): Promise<JobDone> => new Promise((resolve) => (done.has(jobId) ? resolve(done.get(jobId)!) : waiters.set(jobId, resolve)));

async function scanned(): Promise<{ embedded: number }> {
  const d = await finished((await api.startScan({ roots: [photos] })).jobId);
  if (!d.ok || d.kind !== 'scan') throw new Error(`scan failed: ${JSON.stringify(d)}`);
  return d.result;
}
const theModel = async (): Promise<ModelInfo> => (await api.listModels(undefined)).find((m) => m.id === PRECISION_MODEL_ID)!;
const keys = () => library.catalogStatus().embeddings.map((e) => e.modelKey);

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-precision-'));
  photos = path.join(tmp, 'Photos');
  dataDir = path.join(tmp, 'data');
  await mkdir(photos);
  await copyFile(fixture('originals/skimage_chelsea.jpg'), path.join(photos, 'chelsea.jpg'));
  await copyFile(fixture('originals/skimage_coffee.jpg'), path.join(photos, 'coffee.jpg'));
  hub = await startPrecisionHub(tmp);
  library = await openLibrary({ dataDir, env: { ...hub.env, XDG_DATA_HOME: path.join(tmp, 'xdg') }, engine: { device: 'cpu', threads: 1 }, onEvent });
  api = createEngineApi(library);
}, 120_000);
afterAll(async () => {
  await library?.close();
  await hub?.stop();
  await rm(tmp, { recursive: true, force: true });
});

describe('choosing a model precision (engine process API)', () => {
  it('lists each precision with what it takes: a pinned download, or the reason it is not offered', async () => {
    const m = await theModel();
    expect(m).toMatchObject({ installed: false, selected: false, dtype: null });
    expect(m.precisions.map((p) => [p.dtype, p.installed, p.downloadBytes])).toEqual([
      ['fp32', false, hub.bytes.fp32],
      ['q8', false, hub.bytes.q8],
      ['fp16', false, null],
    ]);
    expect(m.precisions.map((p) => p.unavailable)).toEqual([null, null, expect.stringMatching(/pins no checksum for its onnx\/model_fp16\.onnx/)]);
  });

  it('downloads fp32 first; choosing q8 downloads its file, reloads on it and re-embeds the photos once under their own key', async () => {
    const first = await finished((await api.downloadModel({ id: PRECISION_MODEL_ID, dtype: 'fp32' })).jobId);
    expect(first.ok).toBe(true);
    expect(await api.getStatus(undefined)).toMatchObject({ engineState: 'ready', modelId: PRECISION_MODEL_ID, dtype: 'fp32', device: 'cpu' });
    expect(await scanned()).toMatchObject({ embedded: 2 });
    expect(keys()).toEqual([expect.stringContaining(':fp32:')]);

    const q8 = await finished((await api.downloadModel({ id: PRECISION_MODEL_ID, dtype: 'q8', use: true })).jobId);
    expect(q8.ok).toBe(true);
    expect(hub.hub.log.some((r) => r.path.endsWith('/onnx/model_quantized.onnx'))).toBe(true);
    expect(await api.getStatus(undefined)).toMatchObject({ engineState: 'ready', dtype: 'q8' });
    const m = await theModel();
    expect(m).toMatchObject({ selected: true, dtype: 'q8' });
    expect(m.precisions.filter((p) => p.installed).map((p) => p.dtype)).toEqual(['fp32', 'q8']);
    // The selection is the data folder's, where `lookalike scan` reads it too.
    expect(JSON.parse(await readFile(path.join(dataDir, 'models', 'selected.json'), 'utf8'))).toEqual({ id: PRECISION_MODEL_ID, dtype: 'q8' });

    expect(await scanned()).toMatchObject({ embedded: 2 });
    const both = library.catalogStatus().embeddings;
    expect(both.map((e) => e.count)).toEqual([2, 2]);
    const [a, b] = both.map((e) => e.modelKey);
    expect(a).not.toBe(b);
    expect([a, b].filter((k) => k!.includes(':q8:'))).toHaveLength(1);
  });

  it('switches back to an installed precision at once, reusing its vectors; refuses one that is not installed', async () => {
    expect(await api.useModel({ id: PRECISION_MODEL_ID, dtype: 'fp32' })).toMatchObject({ engineState: 'ready', dtype: 'fp32' });
    expect(await scanned()).toMatchObject({ embedded: 0 });
    await expect(api.useModel({ id: PRECISION_MODEL_ID, dtype: 'fp16' })).rejects.toMatchObject({ code: 'no-model', message: expect.stringMatching(/installed dtypes: fp32, q8/) });
    expect((await api.getStatus(undefined)).dtype).toBe('fp32');
    // The contract refuses a precision it does not know before any handler runs.
    expect(requestSchemas.useModel.safeParse({ id: PRECISION_MODEL_ID, dtype: 'int4' }).success).toBe(false);
    expect(requestSchemas.downloadModel.safeParse({ id: PRECISION_MODEL_ID, dtype: 'q8', use: true }).success).toBe(true);
  });

  it('an imported folder without a q8 file offers no q8, and says why', async () => {
    const imported = await api.importModel({ path: await tinyModelDir(), name: 'plain' });
    expect(imported.precisions).toEqual([
      { dtype: 'fp32', installed: true, downloadBytes: null, unavailable: null },
      { dtype: 'q8', installed: false, downloadBytes: null, unavailable: expect.stringMatching(/imported folder has no onnx\/model_quantized\.onnx/) },
    ]);
  });
});
