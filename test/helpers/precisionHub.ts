// A registry model with both precisions on a local fake hub, for the precision choice's tests: the generated tiny
// ViT's fp32 file and its dynamic-int8 q8 file (scripts/model-generator --q8), both pinned by size and sha256 in
// a registry file of their own (LOOKALIKE_MODEL_REGISTRY), plus an fp16 entry with no pin (never offered).
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { FakeHub, sha256 } from '../engine/models/fakeHub.js';
import { cachedModelDir } from './models.js';

export const PRECISION_MODEL_ID = 'test-org/tiny-vit-q8';
const COMMIT = 'c'.repeat(40);

export interface PrecisionHub {
  hub: FakeHub;
  /** HF_ENDPOINT and LOOKALIKE_MODEL_REGISTRY for the process under test. */
  env: { HF_ENDPOINT: string; LOOKALIKE_MODEL_REGISTRY: string };
  /** The sizes the registry states for each file. */
  bytes: { fp32: number; q8: number };
  stop(): Promise<void>;
}

/** Starts the hub and writes `<dir>/models.json` naming it. */
export async function startPrecisionHub(dir: string): Promise<PrecisionHub> {
  const model = await cachedModelDir('tiny', undefined, true);
  const read = (rel: string) => readFile(path.join(model, rel));
  const fp32 = await read('onnx/model.onnx');
  const q8 = await read('onnx/model_quantized.onnx');
  const hub = new FakeHub({
    [PRECISION_MODEL_ID]: {
      commit: COMMIT,
      files: {
        'config.json': await read('config.json'),
        'preprocessor_config.json': await read('preprocessor_config.json'),
        'onnx/model.onnx': fp32,
        'onnx/model_quantized.onnx': q8,
      },
    },
  });
  const endpoint = await hub.start();
  const pin = (b: Buffer) => ({ approxBytes: b.length, bytes: b.length, sha256: sha256(b) });
  const registry = {
    schema: 1,
    default: PRECISION_MODEL_ID,
    models: [
      {
        id: PRECISION_MODEL_ID, aliases: ['tiny-q8'], repo: PRECISION_MODEL_ID, revision: COMMIT, modelType: 'vit',
        output: 'pooler_output', hiddenShape: [1, 197, 64], embeddingDim: 64, license: 'mit',
        description: 'generated tiny ViT with a q8 file', configFiles: ['config.json', 'preprocessor_config.json'],
        files: {
          fp32: { path: 'onnx/model.onnx', ...pin(fp32) },
          q8: { path: 'onnx/model_quantized.onnx', ...pin(q8) },
          fp16: { path: 'onnx/model_fp16.onnx', approxBytes: 1000, bytes: null, sha256: null },
        },
        verified: {},
      },
    ],
  };
  const file = path.join(dir, 'models.json');
  await writeFile(file, JSON.stringify(registry));
  return { hub, env: { HF_ENDPOINT: endpoint, LOOKALIKE_MODEL_REGISTRY: file }, bytes: { fp32: fp32.length, q8: q8.length }, stop: () => hub.stop() };
}
