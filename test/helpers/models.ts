// Generated test models, made once per checkout into .cache/models/<preset>-<seed>/ and reused. Vitest runs
// files in parallel workers, so two may ask at once: generateVitModel renames a finished folder into place
// atomically, and the loser of that race simply uses the winner's folder.
import { readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { GeneratorManifest, VitPreset } from '../../scripts/model-generator/generate.js';
import {
  DEFAULT_SEED,
  GENERATOR_MANIFEST,
  GENERATOR_VERSION,
  generateVitModel,
  graphFingerprint,
} from '../../scripts/model-generator/generate.js';
import { QUANTIZER_VERSION } from '../../scripts/model-generator/onnx/quantize.js';

export const MODEL_CACHE_DIR = fileURLToPath(new URL('../../.cache/models/', import.meta.url));

async function readManifest(dir: string): Promise<GeneratorManifest | null> {
  try {
    return JSON.parse(await readFile(join(dir, GENERATOR_MANIFEST), 'utf8')) as GeneratorManifest;
  } catch {
    return null;
  }
}

const isCurrent = (manifest: GeneratorManifest | null, preset: VitPreset, seed: number, q8: boolean): boolean =>
  manifest?.generatorVersion === GENERATOR_VERSION &&
  manifest.graphFingerprint === graphFingerprint(preset, seed) &&
  (!q8 || manifest.q8?.quantizerVersion === QUANTIZER_VERSION);

/**
 * The folder of a generated model (config.json, preprocessor_config.json, onnx/model.onnx). With `q8` it is
 * another folder that also holds onnx/model_quantized.onnx, so the plain folders keep exactly one dtype.
 */
export async function cachedModelDir(preset: VitPreset, seed = DEFAULT_SEED, q8 = false): Promise<string> {
  const dir = join(MODEL_CACHE_DIR, `${preset}-${seed}${q8 ? '-q8' : ''}`);
  const manifest = await readManifest(dir);
  if (isCurrent(manifest, preset, seed, q8)) return dir;
  if (manifest) {
    // Made by another generator version or graph: move it aside first so no reader ever sees a half-deleted folder.
    const stale = `${dir}.stale-${process.pid}-${Date.now()}`;
    await rename(dir, stale).then(() => rm(stale, { recursive: true, force: true }), () => undefined);
  }
  try {
    await generateVitModel(dir, { preset, seed, q8 });
  } catch (error) {
    if (!isCurrent(await readManifest(dir), preset, seed, q8)) throw error;
  }
  return dir;
}

export const tinyModelDir = (seed = DEFAULT_SEED): Promise<string> => cachedModelDir('tiny', seed);
export const baseModelDir = (seed = DEFAULT_SEED): Promise<string> => cachedModelDir('base', seed);
/** The model that sees (a fixed colour-and-gradient descriptor): for grouping, review, calibration and screenshots. */
export const descriptorModelDir = (seed = DEFAULT_SEED): Promise<string> => cachedModelDir('descriptor', seed);
