// Generates deterministic ViT models in the Hugging Face ViTModel layout (config.json, preprocessor_config.json,
// onnx/model.onnx), so tests and benchmarks run on a real graph without downloading weights.
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { createHash, randomBytes } from 'node:crypto';
import { writeOnnxModel } from './onnx/model-writer.js';
import type { VitArchitecture, VitGraph } from './onnx/vit-graph.js';
import { buildVitGraph, parameterCount, tokenCount } from './onnx/vit-graph.js';
import { buildDescriptorGraph } from './onnx/descriptor-graph.js';
import { QUANTIZER_VERSION, quantizeOnnxFile } from './onnx/quantize.js';

export type { VitArchitecture } from './onnx/vit-graph.js';

/** `tiny` and `base` are random-weight ViTs (fidelity, parity, speed); `descriptor` sees (grouping, review, calibration). */
export type VitPreset = 'tiny' | 'base' | 'descriptor';

const COMMON = { imageSize: 224, patchSize: 16, numChannels: 3, layerNormEps: 1e-12 } as const;

export const VIT_PRESETS: Readonly<Record<VitPreset, VitArchitecture>> = {
  /** 197 tokens like the real model, but small enough to generate and run in milliseconds. */
  tiny: { ...COMMON, hiddenSize: 64, numLayers: 2, numHeads: 4, intermediateSize: 128 },
  /** ViT-B/16's shapes (~86M parameters), for benchmarks. */
  base: { ...COMMON, hiddenSize: 768, numLayers: 12, numHeads: 12, intermediateSize: 3072 },
  /** No encoder layers: a fixed colour-and-gradient descriptor behind ViT's I/O (onnx/descriptor-graph.ts). */
  descriptor: { ...COMMON, hiddenSize: 384, numLayers: 0, numHeads: 6, intermediateSize: 1536 },
};

function buildGraph(preset: VitPreset, seed: number): VitGraph {
  const arch = VIT_PRESETS[preset];
  return preset === 'descriptor' ? buildDescriptorGraph(arch, seed) : buildVitGraph(arch);
}

export const DEFAULT_SEED = 0;
/** transformers.js' file name for dtype q8 (electron/engine/models/registry.ts lists it). */
const Q8_FILE = 'model_quantized.onnx';
/**
 * Bump when the PRNG, the file writer or the JSON configs change what is written. Graph and weight-distribution
 * changes need no bump: they alter `graphFingerprint`, which caches compare too.
 */
export const GENERATOR_VERSION = 1;
/** Written beside config.json; HF loaders ignore it, our caches and provenance read it. */
export const GENERATOR_MANIFEST = 'generator.json';

export interface GeneratorManifest {
  generatorVersion: number;
  id: string;
  preset: VitPreset;
  seed: number;
  graphFingerprint: string;
  onnxSha256: string;
  /** Present when onnx/model_quantized.onnx (dtype q8) was written from model.onnx (onnx/quantize.ts). */
  q8?: { quantizerVersion: number; onnxSha256: string };
}

export interface GenerateVitOptions {
  preset: VitPreset;
  seed?: number;
  /** Also write onnx/model_quantized.onnx, dynamically int8-quantised from model.onnx. */
  q8?: boolean;
}

export interface GeneratedModelInfo {
  dir: string;
  /** Path of the ONNX file inside `dir`. */
  onnxPath: string;
  /** A name for provenance, e.g. `generated/vit-tiny-seed-0`. */
  id: string;
  preset: VitPreset;
  seed: number;
  architecture: VitArchitecture;
  tokens: number;
  parameterCount: number;
  onnxBytes: number;
  onnxSha256: string;
  /** Path of the q8 file inside `dir`, when asked for. */
  q8OnnxPath?: string;
  elapsedMs: number;
}

/** sha256 of a preset's graph and weight specs: a cache made from another graph is stale. */
export function graphFingerprint(preset: VitPreset, seed = DEFAULT_SEED): string {
  return fingerprintOf(buildGraph(preset, seed));
}

function fingerprintOf({ graph, initializers }: VitGraph): string {
  return createHash('sha256').update(JSON.stringify({ graph, initializers })).digest('hex');
}

export function isVitPreset(value: string): value is VitPreset {
  return Object.hasOwn(VIT_PRESETS, value);
}

/** config.json as transformers writes it for a ViTModel. */
function hfConfig(id: string, arch: VitArchitecture): Record<string, unknown> {
  return {
    _name_or_path: id,
    architectures: ['ViTModel'],
    attention_probs_dropout_prob: 0.0,
    encoder_stride: arch.patchSize,
    hidden_act: 'gelu',
    hidden_dropout_prob: 0.0,
    hidden_size: arch.hiddenSize,
    image_size: arch.imageSize,
    initializer_range: 0.02,
    intermediate_size: arch.intermediateSize,
    layer_norm_eps: arch.layerNormEps,
    model_type: 'vit',
    num_attention_heads: arch.numHeads,
    num_channels: arch.numChannels,
    num_hidden_layers: arch.numLayers,
    patch_size: arch.patchSize,
    qkv_bias: true,
    torch_dtype: 'float32',
  };
}

/** preprocessor_config.json as ViTImageProcessor.save_pretrained writes it for google/vit-base-patch16-224. */
function hfPreprocessorConfig(arch: VitArchitecture): Record<string, unknown> {
  return {
    do_convert_rgb: true,
    do_normalize: true,
    do_rescale: true,
    do_resize: true,
    image_mean: [0.5, 0.5, 0.5],
    image_processor_type: 'ViTImageProcessor',
    image_std: [0.5, 0.5, 0.5],
    resample: 2, // PIL bilinear
    rescale_factor: 1 / 255,
    size: { height: arch.imageSize, width: arch.imageSize },
  };
}

/**
 * Writes a model folder at `outDir`, which must not exist yet. Everything is written into a hidden sibling
 * folder first and renamed into place at the end, so a crashed run never leaves something that looks like a
 * model, and two processes racing for the same folder cannot mix their files (the loser's rename fails).
 */
export async function generateVitModel(outDir: string, opts: GenerateVitOptions): Promise<GeneratedModelInfo> {
  const started = performance.now();
  const { preset, seed = DEFAULT_SEED } = opts;
  if (!isVitPreset(preset)) throw new Error(`unknown preset "${String(preset)}" (expected tiny, base or descriptor)`);
  if (!Number.isSafeInteger(seed) || seed < 0) throw new Error(`seed must be a non-negative integer, got ${seed}`);
  const architecture = VIT_PRESETS[preset];
  const id = preset === 'descriptor' ? `generated/descriptor-seed-${seed}` : `generated/vit-${preset}-seed-${seed}`;
  const vit = buildGraph(preset, seed);

  const parent = dirname(outDir);
  await mkdir(parent, { recursive: true });
  const staging = join(parent, `.${basename(outDir)}.partial-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    await mkdir(join(staging, 'onnx'), { recursive: true });
    const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
    await writeFile(join(staging, 'config.json'), json(hfConfig(id, architecture)));
    await writeFile(join(staging, 'preprocessor_config.json'), json(hfPreprocessorConfig(architecture)));
    const written = await writeOnnxModel(join(staging, 'onnx', 'model.onnx'), vit, seed);
    const q8 = opts.q8
      ? await quantizeOnnxFile(join(staging, 'onnx', 'model.onnx'), join(staging, 'onnx', Q8_FILE))
      : null;
    const manifest: GeneratorManifest = {
      generatorVersion: GENERATOR_VERSION,
      id,
      preset,
      seed,
      graphFingerprint: fingerprintOf(vit),
      onnxSha256: written.sha256,
      ...(q8 ? { q8: { quantizerVersion: QUANTIZER_VERSION, onnxSha256: q8.sha256 } } : {}),
    };
    await writeFile(join(staging, GENERATOR_MANIFEST), json(manifest));
    await rename(staging, outDir).catch((error: unknown) => {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'EPERM') {
        throw new Error(`cannot generate a model into ${outDir}: it already exists`, { cause: error });
      }
      throw error;
    });
    return {
      dir: outDir,
      onnxPath: join(outDir, 'onnx', 'model.onnx'),
      id,
      preset,
      seed,
      architecture,
      tokens: tokenCount(architecture),
      parameterCount: parameterCount(vit.initializers),
      onnxBytes: written.bytes,
      onnxSha256: written.sha256,
      ...(q8 ? { q8OnnxPath: join(outDir, 'onnx', Q8_FILE) } : {}),
      elapsedMs: performance.now() - started,
    };
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
