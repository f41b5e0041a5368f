// The ONNX graph of a Hugging Face ViTModel (pre-LN encoder plus ViTPooler), built node by node. Weights are
// only described here (name, shape, distribution) so that a writer can materialise them one at a time.
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;

export interface VitArchitecture {
  imageSize: number;
  patchSize: number;
  numChannels: number;
  hiddenSize: number;
  numLayers: number;
  numHeads: number;
  intermediateSize: number;
  layerNormEps: number;
}

/** How an initializer's values are made: drawn from the seeded stream, or fixed. */
export type WeightFill =
  | { kind: 'normal'; mean: number; std: number }
  | { kind: 'float'; values: readonly number[] }
  | { kind: 'int64'; values: readonly number[] };

export interface InitializerSpec {
  name: string;
  dims: readonly number[];
  fill: WeightFill;
}

export interface VitGraph {
  graph: Onnx.IGraphProto;
  /** In the order their values must be drawn from the seeded stream. */
  initializers: InitializerSpec[];
}

export const BATCH_DIM = 'batch_size';
/** LayerNormalization arrived in opset 17; onnxruntime-node 1.30 and transformers.js 4 both run it. */
export const OPSET_VERSION = 17;

const AttributeType = onnx.AttributeProto.AttributeType;
type AttributeValue = number | readonly number[];

export function attribute(name: string, value: AttributeValue, asFloat = false): Onnx.IAttributeProto {
  if (typeof value !== 'number') return { name, type: AttributeType.INTS, ints: [...value] };
  return asFloat ? { name, type: AttributeType.FLOAT, f: value } : { name, type: AttributeType.INT, i: value };
}

export function tensorValueInfo(name: string, dims: readonly (number | string)[]): Onnx.IValueInfoProto {
  const dim = dims.map((d) => (typeof d === 'string' ? { dimParam: d } : { dimValue: d }));
  return { name, type: { tensorType: { elemType: onnx.TensorProto.DataType.FLOAT, shape: { dim } } } };
}

/** Collects nodes and initializer specs; every op output gets a unique name from a counter. */
export class GraphBuilder {
  readonly nodes: Onnx.INodeProto[] = [];
  readonly initializers: InitializerSpec[] = [];
  private readonly constants = new Map<string, string>();
  private counter = 0;

  op(opType: string, inputs: string[], attrs: Onnx.IAttributeProto[] = [], output?: string): string {
    const out = output ?? `${opType.toLowerCase()}_${this.counter}`;
    this.nodes.push({ name: `${opType}_${this.counter++}`, opType, input: inputs, output: [out], attribute: attrs });
    return out;
  }

  weight(name: string, dims: readonly number[], fill: WeightFill): string {
    this.initializers.push({ name, dims, fill });
    return name;
  }

  /** Shared constants (shapes, scalars), added once each. */
  constant(kind: 'float' | 'int64', values: readonly number[], dims: readonly number[]): string {
    const key = `${kind}:${dims.join('x')}:${values.join(',')}`;
    const existing = this.constants.get(key);
    if (existing) return existing;
    const name = `const_${kind}_${this.constants.size}`;
    this.constants.set(key, name);
    return this.weight(name, dims, { kind, values });
  }

  /** HF Linear, stored as MatMul by a [in, out] weight (the transpose of torch's) plus a bias, as optimum exports. */
  linear(prefix: string, x: string, inFeatures: number, outFeatures: number): string {
    const w = this.weight(`${prefix}.weight`, [inFeatures, outFeatures], normal(1 / Math.sqrt(inFeatures)));
    const b = this.weight(`${prefix}.bias`, [outFeatures], SMALL_BIAS);
    return this.op('Add', [this.op('MatMul', [x, w]), b]);
  }

  layerNorm(prefix: string, x: string, hidden: number, eps: number, output?: string): string {
    const gamma = this.weight(`${prefix}.weight`, [hidden], { kind: 'normal', mean: 1, std: 0.1 });
    const beta = this.weight(`${prefix}.bias`, [hidden], { kind: 'normal', mean: 0, std: 0.05 });
    const attrs = [attribute('axis', -1), attribute('epsilon', eps, true)];
    return this.op('LayerNormalization', [x, gamma, beta], attrs, output);
  }
}

const normal = (std: number): WeightFill => ({ kind: 'normal', mean: 0, std });
const SMALL_BIAS = normal(0.02);

export function tokenCount(arch: VitArchitecture): number {
  return (arch.imageSize / arch.patchSize) ** 2 + 1;
}

function selfAttention(g: GraphBuilder, prefix: string, x: string, arch: VitArchitecture): string {
  const { hiddenSize: hidden, numHeads: heads } = arch;
  const headDim = hidden / heads;
  const toHeads = g.constant('int64', [0, 0, heads, headDim], [4]);
  const split = (name: string, perm: number[]): string =>
    g.op('Transpose', [g.op('Reshape', [g.linear(`${prefix}.attention.${name}`, x, hidden, hidden), toHeads])], [
      attribute('perm', perm),
    ]);
  const q = split('query', [0, 2, 1, 3]); // [B, heads, T, headDim]
  const kT = split('key', [0, 2, 3, 1]); // [B, heads, headDim, T]
  const v = split('value', [0, 2, 1, 3]);
  const scale = g.constant('float', [Math.sqrt(headDim)], []);
  const scores = g.op('Div', [g.op('MatMul', [q, kT]), scale]);
  const probs = g.op('Softmax', [scores], [attribute('axis', -1)]);
  const context = g.op('Transpose', [g.op('MatMul', [probs, v])], [attribute('perm', [0, 2, 1, 3])]);
  const merged = g.op('Reshape', [context, g.constant('int64', [0, 0, hidden], [3])]);
  return g.linear(`${prefix}.output.dense`, merged, hidden, hidden);
}

/** Exact GELU, 0.5 * x * (1 + erf(x / sqrt 2)), as HF's "gelu" (not the tanh approximation). */
function gelu(g: GraphBuilder, x: string): string {
  const erf = g.op('Erf', [g.op('Div', [x, g.constant('float', [Math.SQRT2], [])])]);
  const onePlusErf = g.op('Add', [erf, g.constant('float', [1], [])]);
  return g.op('Mul', [g.op('Mul', [x, onePlusErf]), g.constant('float', [0.5], [])]);
}

function encoderLayer(g: GraphBuilder, index: number, x: string, arch: VitArchitecture): string {
  const prefix = `encoder.layer.${index}`;
  const { hiddenSize: hidden, intermediateSize: inter, layerNormEps: eps } = arch;
  const normed1 = g.layerNorm(`${prefix}.layernorm_before`, x, hidden, eps);
  const afterAttention = g.op('Add', [selfAttention(g, `${prefix}.attention`, normed1, arch), x]);
  const normed2 = g.layerNorm(`${prefix}.layernorm_after`, afterAttention, hidden, eps);
  const up = gelu(g, g.linear(`${prefix}.intermediate.dense`, normed2, hidden, inter));
  return g.op('Add', [g.linear(`${prefix}.output.dense`, up, inter, hidden), afterAttention]);
}

function embeddings(g: GraphBuilder, pixels: string, arch: VitArchitecture): string {
  const { hiddenSize: hidden, patchSize: patch, numChannels: channels } = arch;
  const tokens = tokenCount(arch);
  const projection = 'embeddings.patch_embeddings.projection';
  const fanIn = channels * patch * patch;
  const convW = g.weight(`${projection}.weight`, [hidden, channels, patch, patch], normal(1 / Math.sqrt(fanIn)));
  const convB = g.weight(`${projection}.bias`, [hidden], SMALL_BIAS);
  const patchAttrs = [attribute('kernel_shape', [patch, patch]), attribute('strides', [patch, patch])];
  const conv = g.op('Conv', [pixels, convW, convB], patchAttrs);
  const flat = g.op('Reshape', [conv, g.constant('int64', [0, hidden, tokens - 1], [3])]);
  const patches = g.op('Transpose', [flat], [attribute('perm', [0, 2, 1])]); // [B, patches, hidden]

  // The CLS token is one learned vector; Expand copies it to the runtime batch size.
  const cls = g.weight('embeddings.cls_token', [1, 1, hidden], normal(1));
  const batch = g.op('Shape', [pixels], [attribute('start', 0), attribute('end', 1)]);
  const clsShape = g.op('Concat', [batch, g.constant('int64', [1, hidden], [2])], [attribute('axis', 0)]);
  const clsBatch = g.op('Expand', [cls, clsShape]);
  const withCls = g.op('Concat', [clsBatch, patches], [attribute('axis', 1)]);
  // Smaller than the CLS token so the image content, not the position, dominates each patch token.
  const position = g.weight('embeddings.position_embeddings', [1, tokens, hidden], normal(0.2));
  return g.op('Add', [withCls, position]);
}

export function buildVitGraph(arch: VitArchitecture): VitGraph {
  if (arch.imageSize % arch.patchSize !== 0) throw new Error('imageSize must be a multiple of patchSize');
  if (arch.hiddenSize % arch.numHeads !== 0) throw new Error('hiddenSize must be a multiple of numHeads');
  const g = new GraphBuilder();
  let hidden = embeddings(g, 'pixel_values', arch);
  for (let i = 0; i < arch.numLayers; i++) hidden = encoderLayer(g, i, hidden, arch);
  const last = g.layerNorm('layernorm', hidden, arch.hiddenSize, arch.layerNormEps, 'last_hidden_state');
  // ViTPooler: dense + tanh on the first (CLS) token of the final-LN output.
  const first = g.op('Gather', [last, g.constant('int64', [0], [])], [attribute('axis', 1)]);
  g.op('Tanh', [g.linear('pooler.dense', first, arch.hiddenSize, arch.hiddenSize)], [], 'pooler_output');

  const { imageSize: size, numChannels: channels, hiddenSize } = arch;
  return {
    initializers: g.initializers,
    graph: {
      name: 'vit',
      node: g.nodes,
      input: [tensorValueInfo('pixel_values', [BATCH_DIM, channels, size, size])],
      output: [
        tensorValueInfo('last_hidden_state', [BATCH_DIM, tokenCount(arch), hiddenSize]),
        tensorValueInfo('pooler_output', [BATCH_DIM, hiddenSize]),
      ],
    },
  };
}

export function parameterCount(initializers: readonly InitializerSpec[]): number {
  return initializers
    .filter((spec) => spec.fill.kind === 'normal')
    .reduce((sum, spec) => sum + spec.dims.reduce((n, d) => n * d, 1), 0);
}
