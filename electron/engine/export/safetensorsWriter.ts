// .safetensors: a little-endian u64 header length, a JSON header (which the format lets us pad with trailing
// spaces), then the tensor bytes. One tensor, `embeddings`. The header is reserved with 21-digit placeholders for
// the row count and the end offset, and rewritten in the same space at the end.
import { padHeader, RESERVED_DIGITS, roundUp, valuesPerRow, type FeatureWriter, type WriterSpec } from './featureWriter.js';
import { RowEncoder } from './rowEncoding.js';
import type { ExportDtype, ManifestRow } from './types.js';

export const TENSOR_NAME = 'embeddings';
const LENGTH_BYTES = 8;
/** Keeps the data 64-byte aligned (the format asks for at least 8) so readers can map it as typed arrays. */
const ALIGN = 64;
const safetensorsDtype: Record<ExportDtype, string> = { float32: 'F32', float16: 'F16' };

function headerJson(
  dtype: ExportDtype,
  shape: readonly (number | string)[],
  dataBytes: number | string,
  metadata: Readonly<Record<string, string>>,
): string {
  // Numbers go in as raw text so the placeholder can be a 21-digit literal that no double could hold exactly.
  const entry = `{"dtype":"${safetensorsDtype[dtype]}","shape":[${shape.join(',')}],"data_offsets":[0,${dataBytes}]}`;
  return `{"__metadata__":${JSON.stringify(metadata)},"${TENSOR_NAME}":${entry}}`;
}

/** Bytes of the header JSON (padding included) for this row shape and metadata, whatever the row count. */
export function safetensorsHeaderBytes(
  dtype: ExportDtype,
  rowShape: readonly number[],
  metadata: Readonly<Record<string, string>>,
): number {
  const widest = Buffer.byteLength(headerJson(dtype, [RESERVED_DIGITS, ...rowShape], RESERVED_DIGITS, metadata));
  return roundUp(LENGTH_BYTES + widest, ALIGN) - LENGTH_BYTES;
}

export function safetensorsHeader(
  dtype: ExportDtype,
  shape: readonly number[],
  dataBytes: number,
  metadata: Readonly<Record<string, string>>,
  jsonBytes: number,
): Buffer {
  const length = Buffer.alloc(LENGTH_BYTES);
  length.writeBigUInt64LE(BigInt(jsonBytes));
  return Buffer.concat([length, padHeader(headerJson(dtype, shape, dataBytes, metadata), jsonBytes)]);
}

export class SafetensorsWriter implements FeatureWriter {
  private readonly encoder: RowEncoder;
  private readonly jsonBytes: number;

  constructor(private readonly spec: WriterSpec) {
    this.encoder = new RowEncoder(spec.dtype, valuesPerRow(spec.rowShape));
    this.jsonBytes = safetensorsHeaderBytes(spec.dtype, spec.rowShape, spec.metadata);
  }

  private header(rowCount: number): Buffer {
    const { dtype, rowShape, metadata } = this.spec;
    const dataBytes = rowCount * this.encoder.bytesPerRow;
    return safetensorsHeader(dtype, [rowCount, ...rowShape], dataBytes, metadata, this.jsonBytes);
  }

  async begin(): Promise<void> {
    await this.spec.file.append(this.header(0));
  }

  async append(_row: ManifestRow, values: Float32Array): Promise<void> {
    await this.spec.file.append(this.encoder.encode(values));
  }

  async finish(rowCount: number): Promise<void> {
    await this.spec.file.writeAt(0, this.header(rowCount));
  }
}
