// Streams a ModelProto to disk one initializer at a time. protobufjs can only encode a whole message in memory,
// which for ViT-B would hold every weight twice (~700 MB); instead the small parts are encoded with onnx-proto and
// each initializer is framed by hand, which works because a protobuf length prefix depends only on byte counts.
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
import { endianness } from 'node:os';
import onnxProto from 'onnx-proto';
import { SeededRandom } from './prng.js';
import type { InitializerSpec, VitGraph } from './vit-graph.js';
import { OPSET_VERSION } from './vit-graph.js';

const { onnx } = onnxProto;

// Field numbers and wire type 2 (length-delimited) from onnx.proto.
const MODEL_GRAPH_TAG = (7 << 3) | 2;
const GRAPH_INITIALIZER_TAG = (5 << 3) | 2;
const TENSOR_RAW_DATA_TAG = (9 << 3) | 2;
/** IR version 8 (ONNX 1.10+) is what onnx-proto describes; onnxruntime pairs it with opset 17 fine. */
const IR_VERSION = 8;

function varint(value: number): Buffer {
  const bytes: number[] = [];
  let rest = value;
  while (rest >= 0x80) {
    bytes.push((rest % 0x80) | 0x80);
    rest = Math.floor(rest / 0x80);
  }
  bytes.push(rest);
  return Buffer.from(bytes);
}

function elementCount(dims: readonly number[]): number {
  return dims.reduce((n, d) => n * d, 1);
}

/** An initializer as it will sit in the file: encoded header now, raw bytes produced when written. */
interface FramedInitializer {
  spec: InitializerSpec;
  prefix: Buffer;
  rawBytes: number;
}

function frameInitializer(spec: InitializerSpec): FramedInitializer {
  const isInt = spec.fill.kind === 'int64';
  const rawBytes = elementCount(spec.dims) * (isInt ? 8 : 4);
  const header = onnx.TensorProto.encode({
    name: spec.name,
    dims: [...spec.dims],
    dataType: isInt ? onnx.TensorProto.DataType.INT64 : onnx.TensorProto.DataType.FLOAT,
  }).finish();
  const rawField = Buffer.concat([Buffer.from([TENSOR_RAW_DATA_TAG]), varint(rawBytes)]);
  const tensorLength = header.length + rawField.length + rawBytes;
  const prefix = Buffer.concat([Buffer.from([GRAPH_INITIALIZER_TAG]), varint(tensorLength), header, rawField]);
  return { spec, prefix, rawBytes };
}

/** ONNX raw_data is little-endian; every platform Node ships on is too, but say so rather than corrupt silently. */
function littleEndianBytes(values: Float32Array | BigInt64Array): Buffer {
  if (endianness() !== 'LE') throw new Error('generating ONNX weights needs a little-endian machine');
  return Buffer.from(values.buffer, values.byteOffset, values.byteLength);
}

function materialise(spec: InitializerSpec, random: SeededRandom): Buffer {
  const fill = spec.fill;
  switch (fill.kind) {
    case 'normal':
      return littleEndianBytes(random.fillNormal(new Float32Array(elementCount(spec.dims)), fill.mean, fill.std));
    case 'float':
      return littleEndianBytes(Float32Array.from(fill.values));
    case 'int64':
      return littleEndianBytes(BigInt64Array.from(fill.values, (v) => BigInt(v)));
  }
}

export interface WrittenModel {
  bytes: number;
  sha256: string;
}

/** Writes `graph` with weights drawn from `seed`; the same inputs always give the same bytes. */
export async function writeOnnxModel(
  path: string,
  { graph, initializers }: VitGraph,
  seed: number,
): Promise<WrittenModel> {
  const head = onnx.ModelProto.encode({
    irVersion: IR_VERSION,
    producerName: 'lookalike-generator',
    opsetImport: [{ domain: '', version: OPSET_VERSION }],
  }).finish();
  const graphBody = onnx.GraphProto.encode(graph).finish();
  const framed = initializers.map(frameInitializer);
  const graphLength = framed.reduce((n, f) => n + f.prefix.length + f.rawBytes, graphBody.length);

  const random = new SeededRandom(seed);
  const hash = createHash('sha256');
  const file = await open(path, 'w');
  let bytes = 0;
  const write = async (chunk: Uint8Array): Promise<void> => {
    hash.update(chunk);
    bytes += chunk.length;
    await file.writeFile(chunk); // unlike write(), loops until the whole chunk is on disk
  };
  try {
    await write(head);
    await write(Buffer.concat([Buffer.from([MODEL_GRAPH_TAG]), varint(graphLength)]));
    await write(graphBody);
    for (const { spec, prefix } of framed) {
      await write(prefix);
      await write(materialise(spec, random));
    }
    await file.sync();
  } finally {
    await file.close();
  }
  return { bytes, sha256: hash.digest('hex') };
}
