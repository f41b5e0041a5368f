import { cp, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { LookalikeError } from '../../../electron/engine/errors.js';
import { importModel } from '../../../electron/engine/models/importModel.js';
import { readManifest } from '../../../electron/engine/models/manifest.js';
import { importedModelDir, modelsRoot } from '../../../electron/engine/models/paths.js';
import { processorSha256, readModelProvenance } from '../../../electron/engine/models/provenance.js';
import { parseProcessorConfig } from '../../../electron/engine/preprocess/processorConfig.js';
import {
  listInstalled,
  NO_MODEL_MESSAGE,
  removeModel,
  resolveModelDir,
  resolveSelectedModel,
  selectModel,
} from '../../../electron/engine/models/selection.js';
import { tinyModelDir } from '../../helpers/models.js';
import { sha256 } from './fakeHub.js';

const PHOTO = path.resolve('test/fixtures/photos/originals/skimage_chelsea.jpg');
let tiny: string;
let work: string;
let dataDir: string;

beforeAll(async () => {
  tiny = await tinyModelDir();
});
beforeEach(async () => {
  work = await mkdtemp(path.join(tmpdir(), 'lookalike-import-'));
  dataDir = path.join(work, 'data');
});
afterEach(async () => rm(work, { recursive: true, force: true }));

/** A private copy of the tiny model that the test may damage or delete. */
async function sourceCopy(name = 'my-vit'): Promise<string> {
  const dir = path.join(work, name);
  await cp(tiny, dir, { recursive: true });
  return dir;
}

describe('importModel', () => {
  it('copies a valid folder, runs a real photo through it, records provenance, survives deleting the source', async () => {
    const src = await sourceCopy();
    const onnxSha = sha256(await readFile(path.join(src, 'onnx', 'model.onnx')));
    const result = await importModel({ dataDir, sourceDir: src, testImage: PHOTO });
    expect(result.id).toBe('imported/my-vit');
    expect(result.dir).toBe(importedModelDir(dataDir, 'my-vit'));
    expect(result.dtypes).toEqual(['fp32']);
    expect(result.smokeTests.fp32).toMatchObject({ output: 'pooler_output', inputShape: [1, 3, 224, 224] });
    expect(result.smokeTests.fp32?.dims).toEqual([1, 64]);

    const manifest = await readManifest(result.dir);
    expect(manifest).toMatchObject({ id: 'imported/my-vit', source: 'import', revision: null, importedFrom: src });
    expect(manifest?.files['onnx/model.onnx']?.sha256).toBe(onnxSha);

    await rm(src, { recursive: true });
    expect(await resolveModelDir(dataDir, {})).toBe(result.dir);
    expect(await readModelProvenance(result.dir, { preprocessVersion: 3 })).toEqual({
      id: 'imported/my-vit',
      revision: null,
      dtype: 'fp32',
      fileSha256: onnxSha,
      preprocessVersion: 3,
      processorSha256: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    // No staging folders left behind.
    expect((await readdir(path.join(modelsRoot(dataDir), 'imported'))).filter((n) => n.startsWith('.'))).toEqual([]);
  });

  it('refuses a second import under the same name unless asked to replace', async () => {
    const src = await sourceCopy();
    await importModel({ dataDir, sourceDir: src });
    await expect(importModel({ dataDir, sourceDir: src })).rejects.toThrow(/already imported/);
    await expect(importModel({ dataDir, sourceDir: src })).rejects.toMatchObject({ code: 'conflict' });
    await expect(importModel({ dataDir, sourceDir: src, replace: true })).resolves.toMatchObject({ id: 'imported/my-vit' });
  });

  it.each([
    ['a missing preprocessor_config.json', async (d: string) => rm(path.join(d, 'preprocessor_config.json')), /missing preprocessor_config\.json/],
    ['a config.json that is not JSON', async (d: string) => writeFile(path.join(d, 'config.json'), '{ nope'), /config\.json is not valid JSON/],
    ['no ONNX file', async (d: string) => rm(path.join(d, 'onnx'), { recursive: true }), /no ONNX model in .*expected onnx\/model\.onnx/],
  ])('rejects %s with a clear message and installs nothing', async (_what, damage, message) => {
    const src = await sourceCopy();
    await damage(src);
    const run = importModel({ dataDir, sourceDir: src });
    await expect(run).rejects.toThrow(LookalikeError);
    await expect(run).rejects.toThrow(message);
    await expect(run).rejects.toMatchObject({ code: 'invalid-request' });
    expect(await listInstalled(dataDir)).toEqual([]);
  });

  it('rejects an ONNX file that onnxruntime cannot load, leaving no staging folder', async () => {
    const src = await sourceCopy();
    const onnx = path.join(src, 'onnx', 'model.onnx');
    await writeFile(onnx, (await readFile(onnx)).subarray(0, 5000));
    const run = importModel({ dataDir, sourceDir: src });
    await expect(run).rejects.toThrow(LookalikeError);
    await expect(run).rejects.toThrow(/onnxruntime cannot load .*model\.onnx/);
    await expect(run).rejects.toMatchObject({ code: 'invalid-request' });
    expect(await readdir(path.join(modelsRoot(dataDir), 'imported'))).toEqual([]);
  });

  it('rejects a folder that does not exist', async () => {
    await expect(importModel({ dataDir, sourceDir: path.join(work, 'nope') })).rejects.toThrow(/not a folder/);
  });
});

describe('model selection', () => {
  it('says what to do when nothing is installed', async () => {
    await expect(resolveModelDir(dataDir, {})).rejects.toThrow(NO_MODEL_MESSAGE);
    await expect(resolveModelDir(dataDir, {})).rejects.toMatchObject({ code: 'no-model' });
  });

  it('honours LOOKALIKE_MODEL first, and reports a wrong path clearly', async () => {
    const resolved = await resolveSelectedModel(dataDir, { LOOKALIKE_MODEL: tiny });
    expect(resolved).toMatchObject({ dir: tiny, source: 'env', dtype: null });
    await expect(resolveModelDir(dataDir, { LOOKALIKE_MODEL: path.join(work, 'nope') })).rejects.toThrow(/not a folder/);
  });

  it('uses, switches and removes models', async () => {
    await importModel({ dataDir, sourceDir: await sourceCopy('first') });
    const second = await importModel({ dataDir, sourceDir: await sourceCopy('second') });
    expect((await resolveSelectedModel(dataDir, {})).id).toBe('imported/first'); // the first install is selected
    await selectModel(dataDir, 'second');
    expect(await resolveModelDir(dataDir, {})).toBe(second.dir);
    await expect(selectModel(dataDir, 'second', 'q8')).rejects.toThrow(/second \(q8\) is not installed; installed dtypes: fp32/);
    await expect(selectModel(dataDir, 'second', 'q8')).rejects.toMatchObject({ code: 'no-model' });
    expect(await removeModel(dataDir, 'imported/second')).toEqual([second.dir]);
    expect((await resolveSelectedModel(dataDir, {})).id).toBe('imported/first');
    await removeModel(dataDir, 'first');
    await expect(resolveModelDir(dataDir, {})).rejects.toThrow(NO_MODEL_MESSAGE);
  });
});

describe('readModelProvenance of an unmanaged folder', () => {
  it('hashes the ONNX file and names the model from config.json', async () => {
    const provenance = await readModelProvenance(tiny, { preprocessVersion: 1 });
    expect(provenance.fileSha256).toBe(sha256(await readFile(path.join(tiny, 'onnx', 'model.onnx'))));
    expect(provenance).toMatchObject({ id: 'generated/vit-tiny-seed-0', revision: null, dtype: 'fp32', preprocessVersion: 1 });
    await expect(readModelProvenance(tiny, { preprocessVersion: 1, dtype: 'q8' })).rejects.toThrow(/no q8 ONNX file/);
  });

  it('hashes the parsed processor config the same whether read from the folder or given by the engine', async () => {
    const parsed = parseProcessorConfig(JSON.parse(await readFile(path.join(tiny, 'preprocessor_config.json'), 'utf8')));
    const fromFolder = await readModelProvenance(tiny, { preprocessVersion: 1 });
    expect(fromFolder.processorSha256).toMatch(/^[0-9a-f]{64}$/);
    expect((await readModelProvenance(tiny, { preprocessVersion: 1, processor: parsed })).processorSha256).toBe(fromFolder.processorSha256);
    expect(processorSha256({ ...parsed, imageMean: [0.485, 0.456, 0.406] })).not.toBe(fromFolder.processorSha256);
  });
});
