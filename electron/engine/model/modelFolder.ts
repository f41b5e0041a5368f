// A model is a folder in the Hugging Face layout: config.json, preprocessor_config.json and onnx/model*.onnx.
// Any HF ONNX export of ViT, DINOv2 or CLIP-vision drops in; transformers.js' dtype suffixes pick the file.
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { modelDtypes } from '../../shared/values.js';
import { LookalikeError } from '../errors.js';
import { ONNX_FILE_CANDIDATES } from '../models/registry.js';
import { parseProcessorConfig } from '../preprocess/processorConfig.js';
import type { ModelDtype, ProcessorConfig } from '../types.js';

export interface ModelFolder {
  dir: string;
  /** `_name_or_path` from config.json, else the folder's name. */
  name: string;
  modelType: string;
  config: Record<string, unknown>;
  processor: ProcessorConfig;
  dtype: ModelDtype;
  onnxPath: string;
}

/** A folder that is not a usable model: the user's request names the wrong thing. */
const folderError = (message: string, cause?: unknown): LookalikeError => new LookalikeError('invalid-request', message, { cause });

async function readJson(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw folderError(`missing ${path.basename(file)} in ${path.dirname(file)}`);
  }
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new Error('not an object');
    return value as Record<string, unknown>;
  } catch (err) {
    throw folderError(`${file} is not valid JSON: ${(err as Error).message}`);
  }
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

/** Dtypes whose ONNX file exists in the folder. */
export async function availableDtypes(dir: string): Promise<ModelDtype[]> {
  const found: ModelDtype[] = [];
  for (const dtype of modelDtypes) {
    for (const rel of ONNX_FILE_CANDIDATES[dtype]) {
      if (await isFile(path.join(dir, rel))) {
        found.push(dtype);
        break;
      }
    }
  }
  return found;
}

export async function loadModelFolder(dir: string, dtype: ModelDtype = 'fp32'): Promise<ModelFolder> {
  const abs = path.resolve(dir);
  try {
    if (!(await stat(abs)).isDirectory()) throw new Error();
  } catch {
    throw folderError(`model folder not found: ${abs}`);
  }
  const config = await readJson(path.join(abs, 'config.json'));
  const processorJson = await readJson(path.join(abs, 'preprocessor_config.json'));
  let processor: ProcessorConfig;
  try {
    processor = parseProcessorConfig(processorJson);
  } catch (err) {
    throw folderError(`bad preprocessor_config.json in ${abs}: ${(err as Error).message}`, err);
  }
  let onnxPath: string | undefined;
  for (const rel of ONNX_FILE_CANDIDATES[dtype]) {
    const candidate = path.join(abs, rel);
    if (await isFile(candidate)) {
      onnxPath = candidate;
      break;
    }
  }
  if (!onnxPath) {
    const have = await availableDtypes(abs);
    throw folderError(
      `no ${dtype} ONNX file (${ONNX_FILE_CANDIDATES[dtype].join(' or ')}) in ${abs}` +
        (have.length ? `; available dtypes: ${have.join(', ')}` : ''),
    );
  }
  const nameOrPath = config['_name_or_path'];
  return {
    dir: abs,
    name: typeof nameOrPath === 'string' && nameOrPath ? nameOrPath : path.basename(abs),
    modelType: typeof config['model_type'] === 'string' ? config['model_type'] : 'unknown',
    config,
    processor,
    dtype,
    onnxPath,
  };
}
