// Dynamic int8 quantisation of an ONNX model, written as onnxruntime's `quantize_dynamic` writes it (the graph
// behind transformers.js' model_quantized.onnx): every MatMul by a 2-D float weight becomes
//   DynamicQuantizeLinear(x) → MatMulInteger(x_q, W_q, x_zp) → Cast → Mul(·, x_scale · W_scale)
// with W stored as int8, symmetric, one scale per output column. Only standard ONNX ops are written; onnxruntime's
// CPU optimiser ('extended') fuses each chain (and the bias Add after it) into MatMulIntegerToFloat or
// DynamicQuantizeMatMul. Activation-by-activation MatMuls (attention scores) and Conv stay float, as there.
// There is no onnxruntime Python package on Debian and no pip here, so this is ours: small, and bench-only.
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import type { onnx as Onnx } from 'onnx-proto';

const { onnx } = onnxProto;
const DataType = onnx.TensorProto.DataType;

/** Bump when what the quantiser writes changes: cached quantised models compare it. */
export const QUANTIZER_VERSION = 2;

export interface QuantizeResult {
  bytes: number;
  sha256: string;
  /** MatMul nodes now integer (the model's linear layers). */
  quantizedMatMuls: number;
  /** Distinct activations quantised (Q, K and V share their input's). */
  quantizedActivations: number;
}

/** A float tensor's values, whether stored as raw_data (any alignment) or float_data. */
function floatValues(tensor: Onnx.ITensorProto): Float32Array {
  if (tensor.rawData && tensor.rawData.length > 0) {
    if (endianness() !== 'LE') throw new Error('quantising ONNX weights needs a little-endian machine');
    const copy = new Uint8Array(tensor.rawData); // copies, so the view below is aligned
    return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  }
  return Float32Array.from(tensor.floatData ?? []);
}

/** int64 fields decode as numbers, or as Long objects when the `long` package is installed. */
const toNumber = (d: number | { toNumber(): number }): number => (typeof d === 'number' ? d : d.toNumber());

interface QuantizedWeight {
  values: Int8Array;
  scales: Float32Array;
}

/**
 * Weights use 7 bits (|q| ≤ 63), as onnxruntime's quantize_dynamic(reduce_range=True): on x86 without VNNI
 * (AVX2 only) the u8×s8 kernels add pairs of products in int16 (vpmaddubsw), which saturates with full-range
 * weights. Measured on such a machine with the tiny model: pooled cosine vs fp32 0.9897 with 8 bits, see the
 * quantize test for 7 bits; the same file must work on every CPU a user has.
 */
export const WEIGHT_LEVELS = 63;

/** Symmetric per output column of a [K, N] row-major weight: q = round(w / s), s = max|w| / WEIGHT_LEVELS. */
export function quantizeColumns(weight: Float32Array, rows: number, cols: number): QuantizedWeight {
  const scales = new Float32Array(cols);
  for (let k = 0; k < rows; k++) {
    const row = k * cols;
    for (let n = 0; n < cols; n++) scales[n] = Math.max(scales[n]!, Math.abs(weight[row + n]!));
  }
  for (let n = 0; n < cols; n++) scales[n] = scales[n]! > 0 ? scales[n]! / WEIGHT_LEVELS : 1;
  const values = new Int8Array(rows * cols);
  for (let k = 0; k < rows; k++) {
    const row = k * cols;
    for (let n = 0; n < cols; n++) {
      values[row + n] = Math.max(-WEIGHT_LEVELS, Math.min(WEIGHT_LEVELS, Math.round(weight[row + n]! / scales[n]!)));
    }
  }
  return { values, scales };
}

const rawTensor = (name: string, dims: number[], dataType: number, data: ArrayBufferView): Onnx.ITensorProto => ({
  name,
  dims,
  dataType,
  rawData: new Uint8Array(data.buffer, data.byteOffset, data.byteLength),
});

function isQuantizable(node: Onnx.INodeProto, weights: ReadonlyMap<string, Onnx.ITensorProto>): boolean {
  if (node.opType !== 'MatMul' || (node.domain ?? '') !== '') return false;
  const w = weights.get(node.input?.[1] ?? '');
  return w !== undefined && w.dataType === DataType.FLOAT && w.dims?.length === 2;
}

/** Rewrites the graph's nodes and initializers in place; returns the counts. */
function quantizeGraph(graph: Onnx.IGraphProto): { matMuls: number; activations: number } {
  const weights = new Map((graph.initializer ?? []).map((t) => [t.name ?? '', t]));
  const uses = new Map<string, number>();
  for (const node of graph.node ?? []) for (const input of node.input ?? []) uses.set(input, (uses.get(input) ?? 0) + 1);

  const nodes: Onnx.INodeProto[] = [];
  const added: Onnx.ITensorProto[] = [];
  const dropped = new Set<string>();
  const quantizedInputs = new Set<string>();
  let matMuls = 0;
  for (const node of graph.node ?? []) {
    if (!isQuantizable(node, weights)) {
      nodes.push(node);
      continue;
    }
    const [x, wName] = node.input as [string, string];
    const out = node.output![0]!;
    const w = weights.get(wName)!;
    const [rows, cols] = w.dims!.map(toNumber) as [number, number];
    if (!quantizedInputs.has(x)) {
      quantizedInputs.add(x); // once per activation, before its first quantised consumer
      nodes.push({ name: `${x}_QuantizeLinear`, opType: 'DynamicQuantizeLinear', input: [x], output: [`${x}_quantized`, `${x}_scale`, `${x}_zero_point`] });
    }
    if (!weights.has(`${wName}_quantized`)) {
      const q = quantizeColumns(floatValues(w), rows, cols);
      added.push(rawTensor(`${wName}_quantized`, [rows, cols], DataType.INT8, q.values));
      added.push(rawTensor(`${wName}_scale`, [cols], DataType.FLOAT, q.scales));
      weights.set(`${wName}_quantized`, added[added.length - 2]!);
    }
    if ((uses.set(wName, uses.get(wName)! - 1).get(wName) ?? 0) === 0) dropped.add(wName);
    const name = node.name ?? out;
    nodes.push(
      { name: `${name}_quant`, opType: 'MatMulInteger', input: [`${x}_quantized`, `${wName}_quantized`, `${x}_zero_point`], output: [`${out}_int32`] },
      { name: `${name}_cast`, opType: 'Cast', input: [`${out}_int32`], output: [`${out}_float`], attribute: [{ name: 'to', type: onnx.AttributeProto.AttributeType.INT, i: DataType.FLOAT }] },
      { name: `${name}_scales`, opType: 'Mul', input: [`${x}_scale`, `${wName}_scale`], output: [`${out}_scale`] },
      { name: `${name}_rescale`, opType: 'Mul', input: [`${out}_float`, `${out}_scale`], output: [out] },
    );
    matMuls++;
  }
  graph.node = nodes;
  graph.initializer = [...(graph.initializer ?? []).filter((t) => !dropped.has(t.name ?? '')), ...added];
  return { matMuls, activations: quantizedInputs.size };
}

/** Reads an fp32 ONNX file, writes its dynamically quantised twin; the same input always gives the same bytes. */
export async function quantizeOnnxFile(inPath: string, outPath: string): Promise<QuantizeResult> {
  const model = onnx.ModelProto.decode(await readFile(inPath));
  if (!model.graph) throw new Error(`${inPath} has no graph`);
  const counts = quantizeGraph(model.graph);
  if (counts.matMuls === 0) throw new Error(`${inPath} has no MatMul by a float weight to quantise`);
  model.producerName = `${model.producerName || 'unknown'}+lookalike-quantize`;
  const bytes = onnx.ModelProto.encode(model).finish();
  await writeFile(outPath, bytes);
  return {
    bytes: bytes.length,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    quantizedMatMuls: counts.matMuls,
    quantizedActivations: counts.activations,
  };
}
