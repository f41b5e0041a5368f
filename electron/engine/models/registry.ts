// The registry of known models (resources/models.json): which hub repo, which pinned revision, which file per
// dtype. Parsed with zod so a hand-edited registry fails loudly at load, not halfway through a download.
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { modelDtypes } from '../../shared/values.js';
import { LookalikeError } from '../errors.js';
import type { ModelDtype } from '../types.js';

/** The dtype list of shared/values.ts, under the name the model manager's callers know. */
export const MODEL_DTYPES: readonly ModelDtype[] = modelDtypes;

/** transformers.js' file names per dtype; CLIP's vision tower ships as vision_model*.onnx. */
export const ONNX_FILE_CANDIDATES: Readonly<Record<ModelDtype, readonly string[]>> = {
  fp32: ['onnx/model.onnx', 'onnx/vision_model.onnx'],
  q8: ['onnx/model_quantized.onnx', 'onnx/vision_model_quantized.onnx'],
  fp16: ['onnx/model_fp16.onnx', 'onnx/vision_model_fp16.onnx'],
};

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/, 'a sha256 is 64 lower-case hex digits');

const registryFileSchema = z.object({
  path: z.string().regex(/^onnx\/[A-Za-z0-9._-]+\.onnx$/),
  approxBytes: z.number().int().positive(),
  /** The exact size, where a hub page states it (an LFS pointer's `size`); null when only a rounded one was found. */
  bytes: z.number().int().positive().nullable(),
  /** null: no pin was found, and the downloader refuses the file unless the user trusts the server's hash. */
  sha256: sha256Hex.nullable(),
});

const registryModelSchema = z.object({
  id: z.string().min(1),
  aliases: z.array(z.string().min(1)).default([]),
  repo: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/),
  // A full commit, never a branch: a branch moves, and with it what the pins describe.
  revision: z.string().regex(/^[0-9a-f]{40}$/, 'revision must be a full 40-hex commit'),
  modelType: z.string(),
  output: z.enum(['pooler_output', 'image_embeds', 'last_hidden_state']),
  hiddenShape: z.array(z.number().int().positive()),
  embeddingDim: z.number().int().positive(),
  license: z.string(),
  description: z.string(),
  configFiles: z.array(z.string()),
  files: z.object({
    fp32: registryFileSchema.optional(),
    q8: registryFileSchema.optional(),
    fp16: registryFileSchema.optional(),
  }),
  verified: z.record(z.string(), z.string()),
});

const registrySchema = z.object({
  schema: z.literal(1),
  default: z.string(),
  models: z.array(registryModelSchema).min(1),
});

export type RegistryModel = z.infer<typeof registryModelSchema>;
export type RegistryFile = z.infer<typeof registryFileSchema>;
export interface Registry {
  defaultId: string;
  models: RegistryModel[];
}

/** resources/models.json, found by walking up from this module (works from the sources and from dist/). */
export function findRegistryFile(start = path.dirname(fileURLToPath(import.meta.url))): string {
  let dir = start;
  for (let i = 0; i < 6; i++) {
    const candidate = path.join(dir, 'resources', 'models.json');
    if (existsSync(candidate)) return candidate;
    dir = path.dirname(dir);
  }
  throw new Error(`cannot find resources/models.json above ${start}; pass the registry path explicitly`);
}

/**
 * The registry a process uses: `LOOKALIKE_MODEL_REGISTRY` (a registry file with its own pins: a mirror's, or a
 * test's fake hub) else resources/models.json. The app and the CLI both read it from the environment they run in.
 */
export function registryFileFor(env: NodeJS.ProcessEnv): string {
  return env['LOOKALIKE_MODEL_REGISTRY']?.trim() || findRegistryFile();
}

export async function loadRegistry(file: string = findRegistryFile()): Promise<Registry> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(file, 'utf8'));
  } catch (err) {
    throw new Error(`cannot read the model registry ${file}: ${(err as Error).message}`);
  }
  const parsed = registrySchema.safeParse(raw);
  if (!parsed.success) throw new Error(`invalid model registry ${file}: ${z.prettifyError(parsed.error)}`);
  const registry = { defaultId: parsed.data.default, models: parsed.data.models };
  findModel(registry, registry.defaultId); // the default must exist
  return registry;
}

/** Looks a model up by id or alias, case-insensitively. */
export function findModel(registry: Registry, idOrAlias: string): RegistryModel {
  const key = idOrAlias.toLowerCase();
  const found = registry.models.find(
    (m) => m.id.toLowerCase() === key || m.aliases.some((a) => a.toLowerCase() === key),
  );
  if (!found) {
    const known = registry.models.map((m) => [m.id, ...m.aliases].join(' | ')).join('\n  ');
    throw new LookalikeError('not-found', `unknown model "${idOrAlias}". Known models:\n  ${known}`);
  }
  return found;
}

export function registryFile(model: RegistryModel, dtype: ModelDtype): RegistryFile {
  const file = model.files[dtype];
  if (!file) {
    const have = modelDtypes.filter((d) => model.files[d]).join(', ');
    throw new LookalikeError('not-found', `${model.id} has no ${dtype} file; available dtypes: ${have}`);
  }
  return file;
}

/**
 * The dtype to offer by default. On CPU the 8-bit quantised file is about four times smaller and faster, at a
 * small cost in accuracy; GPUs run fp32 (or fp16) natively, so quantisation buys little there.
 */
export function recommendedDtype(device: 'cpu' | 'gpu'): ModelDtype {
  return device === 'cpu' ? 'q8' : 'fp32';
}

/**
 * The dtype a folder holding several opens in when nobody chose one: full precision, else the small q8 file,
 * else fp16 (fp32 when there is none at all, so the error names the usual file).
 */
export function pickDefaultDtype(dtypes: readonly ModelDtype[]): ModelDtype {
  return (['fp32', 'q8', 'fp16'] as const).find((d) => dtypes.includes(d)) ?? 'fp32';
}

/** The dtypes whose file the registry pins a sha256 for, in the order a default download prefers them. */
export function pinnedDtypes(model: RegistryModel): ModelDtype[] {
  return (['q8', 'fp16', 'fp32'] as const).filter((d) => model.files[d]?.sha256);
}

export function isModelDtype(value: string): value is ModelDtype {
  return (modelDtypes as readonly string[]).includes(value);
}
