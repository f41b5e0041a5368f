import { createHash } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { AutoModel, env as hfEnv, pipeline, RawImage, Tensor as HfTensor } from '@huggingface/transformers';
import onnxProto from 'onnx-proto';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateVitModel, VIT_PRESETS } from '../../../scripts/model-generator/generate.js';
import { buildVitGraph, parameterCount } from '../../../scripts/model-generator/onnx/vit-graph.js';
import { SeededRandom } from '../../../scripts/model-generator/onnx/prng.js';
import { tinyModelDir } from '../../helpers/models.js';

const { onnx } = onnxProto;
const TINY = VIT_PRESETS.tiny;
const PIXELS_PER_IMAGE = 3 * TINY.imageSize * TINY.imageSize;

function randomPixels(batch: number, seed: number): Float32Array {
  const random = new SeededRandom(seed);
  return Float32Array.from({ length: batch * PIXELS_PER_IMAGE }, () => random.nextUniform() * 2 - 1);
}

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

/** One image's slice of a batched output tensor. */
function itemOf(tensor: ort.Tensor, item: number): Float32Array {
  const size = tensor.dims.slice(1).reduce((n, d) => n * d, 1);
  return (tensor.data as Float32Array).subarray(item * size, (item + 1) * size);
}

async function runOrt(session: ort.InferenceSession, pixels: Float32Array, batch: number) {
  const feeds = { pixel_values: new ort.Tensor('float32', pixels, [batch, 3, TINY.imageSize, TINY.imageSize]) };
  const out = await session.run(feeds);
  return { last: out.last_hidden_state!, pooled: out.pooler_output! };
}

// ---- An independent reference forward pass: float64, naive loops, weights read back from the ONNX file. ----

interface ReferenceVariant {
  gelu: 'erf' | 'tanh';
  scaleScores: boolean;
  /** Head h owns dims [h*headDim, (h+1)*headDim) in HF; 'strided' is the classic wrong split. */
  headSplit: 'contiguous' | 'strided';
}
const HF_VARIANT: ReferenceVariant = { gelu: 'erf', scaleScores: true, headSplit: 'contiguous' };

type Weights = Map<string, Float64Array>;

function readWeights(modelBytes: Uint8Array): Weights {
  const model = onnx.ModelProto.decode(modelBytes);
  const weights: Weights = new Map();
  for (const { name, dataType, rawData } of model.graph?.initializer ?? []) {
    if (dataType !== onnx.TensorProto.DataType.FLOAT || !name || !rawData) continue;
    // ONNX raw_data is little-endian float32; a DataView reads it whatever the view's alignment.
    const raw = new DataView(rawData.buffer, rawData.byteOffset, rawData.byteLength);
    weights.set(name, Float64Array.from({ length: raw.byteLength / 4 }, (_, i) => raw.getFloat32(i * 4, true)));
  }
  return weights;
}

/** Abramowitz-Stegun-class rational approximation (Numerical Recipes erfc), |error| < 1.2e-7. */
function erf(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly = -z * z - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 +
    t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const erfc = t * Math.exp(poly);
  return x >= 0 ? 1 - erfc : erfc - 1;
}

const gelu = (x: number, kind: ReferenceVariant['gelu']): number =>
  kind === 'erf'
    ? 0.5 * x * (1 + erf(x / Math.SQRT2))
    : 0.5 * x * (1 + Math.tanh(Math.sqrt(2 / Math.PI) * (x + 0.044715 * x ** 3)));

function referenceForward(w: Weights, pixels: Float32Array, variant: ReferenceVariant) {
  const get = (name: string): Float64Array => w.get(name) ?? expect.fail(`missing initializer ${name}`);
  const { hiddenSize: H, patchSize: P, imageSize: S, numHeads: heads, intermediateSize: I, layerNormEps: eps } = TINY;
  const grid = S / P;
  const T = grid * grid + 1;
  const headDim = H / heads;
  const linear = (x: Float64Array[], prefix: string, inF: number, outF: number): Float64Array[] => {
    const W = get(`${prefix}.weight`); // [in, out]
    const b = get(`${prefix}.bias`);
    return x.map((row) => Float64Array.from({ length: outF }, (_, o) => {
      let sum = b[o]!;
      for (let i = 0; i < inF; i++) sum += row[i]! * W[i * outF + o]!;
      return sum;
    }));
  };
  const layerNorm = (x: Float64Array[], prefix: string): Float64Array[] => {
    const gamma = get(`${prefix}.weight`);
    const beta = get(`${prefix}.bias`);
    return x.map((row) => {
      const mean = row.reduce((s, v) => s + v, 0) / H;
      const variance = row.reduce((s, v) => s + (v - mean) ** 2, 0) / H;
      return row.map((v, i) => ((v - mean) / Math.sqrt(variance + eps)) * gamma[i]! + beta[i]!);
    });
  };
  const dimOf = (head: number, d: number): number =>
    variant.headSplit === 'contiguous' ? head * headDim + d : d * heads + head;
  let meanMaxProbability = 0;

  const convW = get('embeddings.patch_embeddings.projection.weight');
  const convB = get('embeddings.patch_embeddings.projection.bias');
  const cls = get('embeddings.cls_token');
  const pos = get('embeddings.position_embeddings');
  let x: Float64Array[] = [Float64Array.from(cls)];
  for (let p = 0; p < T - 1; p++) {
    const top = Math.floor(p / grid) * P;
    const left = (p % grid) * P;
    x.push(Float64Array.from({ length: H }, (_, o) => {
      let sum = convB[o]!;
      for (let c = 0; c < 3; c++)
        for (let ky = 0; ky < P; ky++)
          for (let kx = 0; kx < P; kx++)
            sum += convW[((o * 3 + c) * P + ky) * P + kx]! * pixels[(c * S + top + ky) * S + left + kx]!;
      return sum;
    }));
  }
  x = x.map((row, t) => row.map((v, i) => v + pos[t * H + i]!));

  for (let layer = 0; layer < TINY.numLayers; layer++) {
    const prefix = `encoder.layer.${layer}`;
    const normed = layerNorm(x, `${prefix}.layernorm_before`);
    const [q, k, v] = ['query', 'key', 'value'].map((n) => linear(normed, `${prefix}.attention.attention.${n}`, H, H));
    const context = Array.from({ length: T }, () => new Float64Array(H));
    for (let h = 0; h < heads; h++) {
      for (let i = 0; i < T; i++) {
        const scores = Float64Array.from({ length: T }, (_, j) => {
          let dot = 0;
          for (let d = 0; d < headDim; d++) dot += q![i]![dimOf(h, d)]! * k![j]![dimOf(h, d)]!;
          return variant.scaleScores ? dot / Math.sqrt(headDim) : dot;
        });
        const top = Math.max(...scores);
        const exps = scores.map((s) => Math.exp(s - top));
        const total = exps.reduce((s, e) => s + e, 0);
        meanMaxProbability += 1 / total / (TINY.numLayers * heads * T);
        for (let j = 0; j < T; j++)
          for (let d = 0; d < headDim; d++) context[i]![dimOf(h, d)]! += (exps[j]! / total) * v![j]![dimOf(h, d)]!;
      }
    }
    const attended = linear(context, `${prefix}.attention.output.dense`, H, H);
    x = x.map((row, t) => row.map((val, i) => val + attended[t]![i]!));
    const up = linear(layerNorm(x, `${prefix}.layernorm_after`), `${prefix}.intermediate.dense`, H, I);
    const down = linear(up.map((row) => row.map((val) => gelu(val, variant.gelu))), `${prefix}.output.dense`, I, H);
    x = x.map((row, t) => row.map((val, i) => val + down[t]![i]!));
  }
  const last = layerNorm(x, 'layernorm');
  const pooled = linear([last[0]!], 'pooler.dense', H, H)[0]!.map(Math.tanh);
  return { last: last.flatMap((row) => [...row]), pooled: [...pooled], meanMaxProbability };
}

// ---- Tests ----

describe('generateVitModel', () => {
  let scratch: string;
  beforeAll(async () => {
    scratch = await mkdtemp(join(tmpdir(), 'lookalike-generate-'));
  });
  afterAll(async () => {
    await rm(scratch, { recursive: true, force: true });
  });

  it('writes byte-identical models for a seed and different ones for another seed', async () => {
    const a = await generateVitModel(join(scratch, 'a'), { preset: 'tiny', seed: 7 });
    const b = await generateVitModel(join(scratch, 'b'), { preset: 'tiny', seed: 7 });
    const c = await generateVitModel(join(scratch, 'c'), { preset: 'tiny', seed: 8 });
    const [bytesA, bytesB, bytesC] = await Promise.all([a, b, c].map((info) => readFile(info.onnxPath)));
    expect(bytesA!.equals(bytesB!)).toBe(true);
    expect(bytesA!.equals(bytesC!)).toBe(false);
    expect(bytesA!.length).toBe(a.onnxBytes);
    expect(createHash('sha256').update(bytesA!).digest('hex')).toBe(a.onnxSha256);
    expect(a.onnxSha256).not.toBe(c.onnxSha256);
    // Only the three finished folders remain: no staging folder is left behind.
    expect((await readdir(scratch)).sort()).toEqual(['a', 'b', 'c']);
  });

  it('writes the HF ViTModel config and ViTImageProcessor preprocessing config', async () => {
    const info = await generateVitModel(join(scratch, 'configs'), { preset: 'tiny' });
    const config = JSON.parse(await readFile(join(info.dir, 'config.json'), 'utf8'));
    expect(config).toMatchObject({
      model_type: 'vit', architectures: ['ViTModel'], hidden_size: 64, num_hidden_layers: 2, num_attention_heads: 4,
      intermediate_size: 128, hidden_act: 'gelu', layer_norm_eps: 1e-12, image_size: 224, patch_size: 16,
      num_channels: 3, qkv_bias: true,
    });
    const processor = JSON.parse(await readFile(join(info.dir, 'preprocessor_config.json'), 'utf8'));
    expect(processor).toMatchObject({
      image_processor_type: 'ViTImageProcessor', do_resize: true, size: { height: 224, width: 224 }, resample: 2,
      do_rescale: true, rescale_factor: 1 / 255, do_normalize: true, image_mean: [0.5, 0.5, 0.5],
      image_std: [0.5, 0.5, 0.5], do_convert_rgb: true,
    });
    expect(info).toMatchObject({ preset: 'tiny', seed: 0, tokens: 197, parameterCount: 133_120 });
  });

  it('refuses to overwrite an existing folder or to take a bad seed, and leaves nothing behind', async () => {
    const dir = join(scratch, 'taken');
    const first = await generateVitModel(dir, { preset: 'tiny', seed: 1 });
    await expect(generateVitModel(dir, { preset: 'tiny', seed: 2 })).rejects.toThrow(/already exists/);
    expect((await readFile(first.onnxPath)).length).toBe(first.onnxBytes);
    await expect(generateVitModel(join(scratch, 'bad'), { preset: 'tiny', seed: -1 })).rejects.toThrow(/seed/);
    const leftovers = (await readdir(scratch)).filter((name) => name.includes('partial') || name === 'bad');
    expect(leftovers).toEqual([]);
  });

  it('gives the base preset exactly ViT-B/16 parameter count (HF ViTModel with pooler)', () => {
    expect(parameterCount(buildVitGraph(VIT_PRESETS.base).initializers)).toBe(86_389_248);
  });
});

describe('the generated tiny model', () => {
  let modelDir: string;
  let session: ort.InferenceSession;
  beforeAll(async () => {
    modelDir = await tinyModelDir();
    session = await ort.InferenceSession.create(join(modelDir, 'onnx', 'model.onnx'));
  });
  afterAll(async () => {
    await session?.release();
  });

  it('has the HF ViTModel inputs and outputs with a symbolic batch dimension', () => {
    expect(session.inputNames).toEqual(['pixel_values']);
    expect(session.outputNames).toEqual(['last_hidden_state', 'pooler_output']);
    const input = session.inputMetadata[0];
    expect(input?.isTensor && input.shape).toEqual(['batch_size', 3, 224, 224]);
  });

  it('runs batches of 1, 2 and 3, and each image is independent of its batch', async () => {
    const pixels = randomPixels(3, 11);
    const outputs = await Promise.all(
      [1, 2, 3].map((n) => runOrt(session, pixels.subarray(0, n * PIXELS_PER_IMAGE), n)),
    );
    outputs.forEach(({ last, pooled }, i) => {
      expect(last.dims).toEqual([i + 1, 197, 64]);
      expect(pooled.dims).toEqual([i + 1, 64]);
    });
    expect(maxAbsDiff(itemOf(outputs[0]!.pooled, 0), itemOf(outputs[2]!.pooled, 0))).toBeLessThan(1e-5);
  });

  it('matches an independent float64 reference forward pass within 1e-4', async () => {
    const weights = readWeights(await readFile(join(modelDir, 'onnx', 'model.onnx')));
    const pixels = randomPixels(2, 5);
    const { last, pooled } = await runOrt(session, pixels, 2);
    for (let item = 0; item < 2; item++) {
      const image = pixels.subarray(item * PIXELS_PER_IMAGE, (item + 1) * PIXELS_PER_IMAGE);
      const reference = referenceForward(weights, image, HF_VARIANT);
      expect(maxAbsDiff(itemOf(last, item), reference.last)).toBeLessThan(1e-4);
      expect(maxAbsDiff(itemOf(pooled, item), reference.pooled)).toBeLessThan(1e-4);
      // Attention well away from uniform (1/197 ≈ 0.005; ~0.045 here), so a wrong softmax scale or head split shows.
      expect(reference.meanMaxProbability).toBeGreaterThan(0.03);
    }
  });

  it('differs clearly from plausible wrong graphs, so the 1e-4 match above means something', async () => {
    const weights = readWeights(await readFile(join(modelDir, 'onnx', 'model.onnx')));
    const pixels = randomPixels(1, 5);
    const { last } = await runOrt(session, pixels, 1);
    const wrongs: ReferenceVariant[] = [
      { ...HF_VARIANT, gelu: 'tanh' },
      { ...HF_VARIANT, scaleScores: false },
      { ...HF_VARIANT, headSplit: 'strided' },
    ];
    for (const wrong of wrongs) {
      // The closest, tanh GELU, is ~1e-3 away; ours matches to ~2e-6.
      expect(maxAbsDiff(itemOf(last, 0), referenceForward(weights, pixels, wrong).last)).toBeGreaterThan(5e-4);
    }
  });
});

describe('transformers.js on the generated tiny model', () => {
  let modelDir: string;
  beforeAll(async () => {
    modelDir = await tinyModelDir();
    hfEnv.allowRemoteModels = false;
    hfEnv.allowLocalModels = true;
    hfEnv.localModelPath = `${dirname(modelDir)}/`;
  });

  it('loads it offline with AutoModel and returns our outputs for the same pixel_values', async () => {
    const session = await ort.InferenceSession.create(join(modelDir, 'onnx', 'model.onnx'));
    const model = await AutoModel.from_pretrained(basename(modelDir), { dtype: 'fp32', local_files_only: true });
    try {
      const pixels = randomPixels(2, 3);
      const ours = await runOrt(session, pixels, 2);
      const theirs = await model({ pixel_values: new HfTensor('float32', pixels, [2, 3, 224, 224]) });
      expect(theirs.last_hidden_state.dims).toEqual([2, 197, 64]);
      expect(maxAbsDiff(theirs.last_hidden_state.data, ours.last.data as Float32Array)).toBeLessThan(1e-4);
      expect(maxAbsDiff(theirs.pooler_output.data, ours.pooled.data as Float32Array)).toBeLessThan(1e-4);
    } finally {
      await model.dispose();
      await session.release();
    }
  });

  it('runs it in the image-feature-extraction pipeline, pooled and unpooled, as our session does', async () => {
    const session = await ort.InferenceSession.create(join(modelDir, 'onnx', 'model.onnx'));
    const extractor = await pipeline('image-feature-extraction', basename(modelDir), {
      dtype: 'fp32',
      local_files_only: true,
    });
    try {
      const random = new SeededRandom(9);
      const rgb = Uint8ClampedArray.from({ length: 300 * 200 * 3 }, () => random.nextUint32() & 0xff);
      const image = new RawImage(rgb, 300, 200, 3);
      const unpooled = await extractor(image);
      const pooled = await extractor(image, { pool: true });
      expect(unpooled.dims).toEqual([1, 197, 64]);
      expect(pooled.dims).toEqual([1, 64]);
      const { pixel_values } = await extractor.processor(image);
      const ours = await runOrt(session, pixel_values.data as Float32Array, 1);
      expect(maxAbsDiff(unpooled.data as Float32Array, ours.last.data as Float32Array)).toBeLessThan(1e-4);
      expect(maxAbsDiff(pooled.data as Float32Array, ours.pooled.data as Float32Array)).toBeLessThan(1e-4);
    } finally {
      await extractor.dispose();
      await session.release();
    }
  });
});
