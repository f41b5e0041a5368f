// Typed arrays <-> SQLite BLOBs. Always little-endian, so a catalog copied between machines reads the same.
import os from 'node:os';

const littleEndian = os.endianness() === 'LE';

function swapped32(bytes: Uint8Array): Uint8Array {
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 4) {
    out[i] = bytes[i + 3]!;
    out[i + 1] = bytes[i + 2]!;
    out[i + 2] = bytes[i + 1]!;
    out[i + 3] = bytes[i]!;
  }
  return out;
}

function toBlob(view: Float32Array | Uint32Array): Uint8Array {
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  return littleEndian ? bytes : swapped32(bytes);
}

function fromBlob(blob: Uint8Array): ArrayBuffer {
  if (blob.byteLength % 4 !== 0) throw new Error(`blob of ${blob.byteLength} bytes is not a 32-bit array`);
  // Copy: SQLite's buffer may be unaligned for a Float32Array view and is reused by the driver.
  const bytes = littleEndian ? blob.slice() : swapped32(blob);
  return bytes.buffer as ArrayBuffer;
}

export const float32ToBlob = (v: Float32Array): Uint8Array => toBlob(v);
export const blobToFloat32 = (b: Uint8Array): Float32Array => new Float32Array(fromBlob(b));
export const uint32ToBlob = (v: Uint32Array): Uint8Array => toBlob(v);
export const blobToUint32 = (b: Uint8Array): Uint32Array => new Uint32Array(fromBlob(b));
