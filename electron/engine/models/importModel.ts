// Imports a local Hugging Face-layout ONNX export (config.json, preprocessor_config.json, onnx/model*.onnx).
// The folder is COPIED into the data folder rather than referenced, so moving or deleting the source later
// cannot break the app, and the files are hashed while copying. The copy is staged in a hidden folder, smoke
// tested in onnxruntime, given its manifest, and only then renamed into place.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { modelDtypes } from '../../shared/values.js';
import { LookalikeError } from '../errors.js';
import type { JobOptions, ModelDtype } from '../types.js';
import type { DownloadProgress } from './httpFile.js';
import { writeManifest, type ModelManifest } from './manifest.js';
import { importedModelDir, isInside } from './paths.js';
import { ONNX_FILE_CANDIDATES, pickDefaultDtype } from './registry.js';
import { readSelected, writeSelected } from './selection.js';
import { smokeTestModel, type SmokeTestResult } from './smokeTest.js';

export interface ImportModelParams {
  dataDir: string;
  sourceDir: string;
  /** Folder name under `models/imported/`; default: the source folder's name. */
  name?: string;
  /** A photo for the smoke test; default: a generated gradient. */
  testImage?: string;
  /** Replace an earlier import of the same name. */
  replace?: boolean;
}

export interface ImportModelResult {
  id: string;
  dir: string;
  dtypes: ModelDtype[];
  files: ModelManifest['files'];
  smokeTests: Partial<Record<ModelDtype, SmokeTestResult>>;
}

/** The folder offered for import is not a model we accept (code `invalid-request`). */
const importError = (message: string): LookalikeError => new LookalikeError('invalid-request', message);

type Json = Record<string, unknown>;

async function readJsonObject(file: string, what: string): Promise<Json> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw importError(`missing ${what}: ${file}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    throw importError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw importError(`${file} must hold a JSON object`);
  return value as Json;
}

const isFile = (file: string): Promise<boolean> => stat(file).then((s) => s.isFile(), () => false);

/** Checks the layout and returns the relative paths to copy, the ONNX file per dtype, and both configs. */
export async function inspectModelFolder(sourceDir: string): Promise<{
  config: Json;
  processor: Json;
  onnxByDtype: Partial<Record<ModelDtype, string>>;
  files: string[];
}> {
  const src = path.resolve(sourceDir);
  if (!(await stat(src).then((s) => s.isDirectory(), () => false))) throw importError(`not a folder: ${src}`);
  const config = await readJsonObject(path.join(src, 'config.json'), 'config.json');
  if (typeof config['model_type'] !== 'string') throw importError(`${path.join(src, 'config.json')} has no "model_type"`);
  const processor = await readJsonObject(path.join(src, 'preprocessor_config.json'), 'preprocessor_config.json');

  const onnxByDtype: Partial<Record<ModelDtype, string>> = {};
  for (const dtype of modelDtypes) {
    for (const rel of ONNX_FILE_CANDIDATES[dtype]) {
      if (await isFile(path.join(src, rel))) {
        onnxByDtype[dtype] = rel;
        break;
      }
    }
  }
  const onnxFiles = Object.values(onnxByDtype);
  if (onnxFiles.length === 0) {
    const expected = modelDtypes.map((d) => `${ONNX_FILE_CANDIDATES[d].join(' or ')} (${d})`).join(', ');
    throw importError(`no ONNX model in ${path.join(src, 'onnx')}: expected ${expected}`);
  }
  // Models over 2 GB keep their weights beside the graph (model.onnx_data); they must travel with it.
  const onnxDir = await readdir(path.join(src, 'onnx')).catch(() => [] as string[]);
  const externalData = onnxDir
    .filter((name) => onnxFiles.some((rel) => name.startsWith(`${path.basename(rel)}_data`) || name.startsWith(`${path.basename(rel)}.data`)))
    .map((name) => `onnx/${name}`);
  return { config, processor, onnxByDtype, files: ['config.json', 'preprocessor_config.json', ...onnxFiles, ...externalData] };
}

export async function importModel(
  params: ImportModelParams,
  { signal, onProgress }: JobOptions<DownloadProgress> = {},
): Promise<ImportModelResult> {
  const src = path.resolve(params.sourceDir);
  const inspected = await inspectModelFolder(src);
  const name = (params.name ?? path.basename(src)).replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'model';
  const id = `imported/${name}`;
  const dest = importedModelDir(params.dataDir, name);
  if (isInside(dest, src)) throw new LookalikeError('conflict', `${src} is already the installed copy of ${id}`);
  if ((await stat(dest).catch(() => null)) && !params.replace) {
    throw new LookalikeError(
      'conflict',
      `a model named ${id} is already imported; remove it first (\`lookalike models remove ${id}\`) or choose another name`,
    );
  }

  const staging = path.join(path.dirname(dest), `.staging-${name}-${randomBytes(4).toString('hex')}`);
  try {
    const files: ModelManifest['files'] = {};
    for (const rel of inspected.files) {
      files[rel] = await copyHashed(path.join(src, rel), path.join(staging, rel), rel, signal, onProgress);
    }
    const smokeTests: Partial<Record<ModelDtype, SmokeTestResult>> = {};
    for (const [dtype, rel] of Object.entries(inspected.onnxByDtype) as [ModelDtype, string][]) {
      signal?.throwIfAborted();
      smokeTests[dtype] = await smokeTestModel(path.join(staging, rel), inspected.config, inspected.processor, params.testImage);
    }
    const dtypes = modelDtypes.filter((d) => inspected.onnxByDtype[d]);
    await writeManifest(staging, {
      schema: 1,
      id,
      source: 'import',
      repo: null,
      requestedRevision: null,
      revision: null,
      importedFrom: src,
      files,
      dtypes: inspected.onnxByDtype,
      output: smokeTests[pickDefaultDtype(dtypes)]?.output ?? null,
      updatedAt: new Date().toISOString(),
    });
    if (params.replace) await rm(dest, { recursive: true, force: true });
    await rename(staging, dest);
    if ((await readSelected(params.dataDir)) === null) {
      await writeSelected(params.dataDir, { id, dtype: pickDefaultDtype(dtypes) });
    }
    return { id, dir: dest, dtypes, files, smokeTests };
  } catch (err) {
    await rm(staging, { recursive: true, force: true });
    throw err;
  }
}

async function copyHashed(
  from: string,
  to: string,
  label: string,
  signal: AbortSignal | undefined,
  onProgress: ((p: DownloadProgress) => void) | undefined,
): Promise<{ size: number; sha256: string }> {
  await mkdir(path.dirname(to), { recursive: true });
  const totalBytes = (await stat(from)).size;
  const hash = createHash('sha256');
  const started = performance.now();
  let bytes = 0;
  const report = (): void => {
    const seconds = (performance.now() - started) / 1000;
    const rate = seconds > 0 ? bytes / seconds : 0;
    onProgress?.({ file: label, bytes, totalBytes, rate, etaSeconds: rate > 0 ? (totalBytes - bytes) / rate : null });
  };
  await pipeline(
    createReadStream(from),
    async function* (source: AsyncIterable<Buffer>) {
      for await (const chunk of source) {
        hash.update(chunk);
        bytes += chunk.length;
        yield chunk;
      }
    },
    createWriteStream(to, { flags: 'wx' }),
    { signal },
  );
  report();
  return { size: bytes, sha256: hash.digest('hex') };
}
