// The vectors as the duplicate finder holds them (migration 7): unit rows rounded to binary16, one small row per
// embedding id. Loading a million of them is a copy of 1.5 GB of blobs, where the float32 blobs would be 3 GB
// read and converted in JavaScript (~70 s at 1M). A catalog from before migration 7 has none: the rows a load
// finds missing are made from the float32 blob once and written back (when the catalog is writable).
import os from 'node:os';
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { toUnitHalf } from '../similarity/embeddingMatrix.js';
import { blobToFloat32 } from './blobs.js';

const littleEndian = os.endianness() === 'LE';

/** Halves of a row as stored bytes (little-endian). */
function halfBlob(bits: Uint16Array): Uint8Array {
  const bytes = new Uint8Array(bits.buffer, bits.byteOffset, bits.byteLength);
  if (littleEndian) return bytes;
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i += 2) (out[i] = bytes[i + 1]!), (out[i + 1] = bytes[i]!);
  return out;
}

/** Rows filled per write transaction while backfilling an old catalog. */
const FILL_BATCH = 10_000;

export class HalfVectorStore {
  private readonly putStmt: StatementSync;
  private readonly floatStmt: StatementSync;
  private readonly oneStmt: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    this.putStmt = db.prepare('INSERT OR REPLACE INTO embedding_halves (id, bits) VALUES (?, ?)');
    this.floatStmt = db.prepare('SELECT vector FROM embeddings WHERE id = ?');
    this.oneStmt = db.prepare('SELECT bits FROM embedding_halves WHERE id = ?');
  }

  /** Stores the half row of embedding `id` (called with every put of a vector). */
  put(id: number, vector: Float32Array): void {
    const bits = new Uint16Array(vector.length);
    toUnitHalf(vector, bits, 0, new Float32Array(vector.length));
    this.putStmt.run(id, halfBlob(bits));
  }

  /** The half row of one embedding (made from its float32 vector when missing), or null when no such id. */
  row(id: number, dim: number): Uint16Array | null {
    const out = new Uint16Array(dim);
    const r = this.oneStmt.get(id) as { bits: Uint8Array } | undefined;
    if (r && r.bits.byteLength === dim * 2) return this.copyInto(out, 0, r.bits), out;
    const f = this.floatStmt.get(id) as { vector: Uint8Array } | undefined;
    if (!f) return null;
    toUnitHalf(blobToFloat32(f.vector), out, 0, new Float32Array(dim));
    return out;
  }

  /**
   * The half rows of many embeddings in one statement (SQLite walks the ids in order, no call per row: at 100k
   * rows under load, 52k point queries took 7.9 s). Ids with no half row are made from their float32 blob, as row() does.
   */
  rows(ids: Iterable<number>, dim: number): Map<number, Uint16Array> {
    const wanted = [...new Set(ids)].sort((a, b) => a - b);
    const out = new Map<number, Uint16Array>();
    const stmt = this.db.prepare('SELECT id, bits FROM embedding_halves WHERE id IN (SELECT value FROM json_each(?)) ORDER BY id');
    stmt.setReturnArrays(true);
    for (const r of stmt.iterate(JSON.stringify(wanted))) {
      const [id, blob] = r as unknown as [number, Uint8Array];
      if (blob.byteLength !== dim * 2) continue;
      const row = new Uint16Array(dim);
      this.copyInto(row, 0, blob);
      out.set(id, row);
    }
    for (const id of wanted) {
      if (out.has(id)) continue;
      const row = this.row(id, dim);
      if (row) out.set(id, row);
    }
    return out;
  }

  /**
   * Row r of `bits` (rows × dim) ← the half row of ids[r]. `ids` must ascend (live ids do), so one pass over the
   * table in id order serves them. Returns how many rows were missing and made from float32 blobs.
   */
  readInto(ids: Uint32Array, bits: Uint16Array, dim: number, writable: boolean): number {
    const done = new Uint8Array(ids.length);
    if (ids.length > 0) {
      const stmt = this.db.prepare('SELECT id, bits FROM embedding_halves WHERE id BETWEEN ? AND ? ORDER BY id');
      let r = 0;
      for (const row of stmt.iterate(ids[0]!, ids[ids.length - 1]!)) {
        const { id, bits: blob } = row as { id: number; bits: Uint8Array };
        while (r < ids.length && ids[r]! < id) r++;
        if (r === ids.length) break;
        if (ids[r] !== id || blob.byteLength !== dim * 2) continue;
        this.copyInto(bits, r * dim, blob);
        done[r] = 1;
      }
    }
    const missing: number[] = [];
    done.forEach((d, r) => d || missing.push(r));
    this.fill(ids, missing, bits, dim, writable);
    return missing.length;
  }

  private copyInto(bits: Uint16Array, offset: number, blob: Uint8Array): void {
    const dst = new Uint8Array(bits.buffer, bits.byteOffset + offset * 2, blob.byteLength);
    dst.set(blob);
    if (!littleEndian) for (let i = 0; i < dst.length; i += 2) [dst[i], dst[i + 1]] = [dst[i + 1]!, dst[i]!];
  }

  /** Missing rows from their float32 blobs, written back in batches so the next load is a plain copy. */
  private fill(ids: Uint32Array, rows: readonly number[], bits: Uint16Array, dim: number, writable: boolean): void {
    const scratch = new Float32Array(dim);
    let write = writable && !this.db.isTransaction;
    for (let start = 0; start < rows.length; start += FILL_BATCH) {
      const batch = rows.slice(start, start + FILL_BATCH).filter((r) => {
        const f = this.floatStmt.get(ids[r]!) as { vector: Uint8Array } | undefined;
        if (f) toUnitHalf(blobToFloat32(f.vector), bits, r * dim, scratch);
        return f !== undefined;
      });
      if (write) write = this.writeBack(ids, batch, bits, dim);
    }
  }

  /** Best effort: a busy or read-only catalog keeps working from the float32 blobs (false: stop trying). */
  private writeBack(ids: Uint32Array, rows: readonly number[], bits: Uint16Array, dim: number): boolean {
    try {
      this.db.exec('BEGIN IMMEDIATE');
      for (const r of rows) this.putStmt.run(ids[r]!, halfBlob(bits.subarray(r * dim, (r + 1) * dim)));
      this.db.exec('COMMIT');
      return true;
    } catch {
      if (this.db.isTransaction) this.db.exec('ROLLBACK');
      return false;
    }
  }
}
