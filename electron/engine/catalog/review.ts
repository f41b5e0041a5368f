// State the duplicate finder keeps: which roots are reference copies, which pairs a person said are not
// duplicates, and stored top-k neighbour lists.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LookalikeError } from '../errors.js';
import os from 'node:os';
import { blobToFloat32, blobToUint32, float32ToBlob, uint32ToBlob } from './blobs.js';

const LITTLE_ENDIAN = os.endianness() === 'LE';

/**
 * A little-endian 32-bit blob as a typed array, with no copy where the driver gave the blob a buffer of its own
 * (node:sqlite does, one per value): a million lists are otherwise two million copies to collect.
 */
function ownedView<T extends Uint32Array | Float32Array>(blob: Uint8Array, make: (buffer: ArrayBuffer) => T, copy: (b: Uint8Array) => T): T {
  const own = LITTLE_ENDIAN && blob.byteOffset === 0 && blob.buffer.byteLength === blob.byteLength && blob.byteLength % 4 === 0;
  return own ? make(blob.buffer as ArrayBuffer) : copy(blob);
}

export interface RootRecord {
  path: string;
  /** Files under a reference root are kept as originals and never proposed for deletion. */
  isReference: boolean;
  addedAt: number;
}

export class RootStore {
  constructor(private readonly db: DatabaseSync) {}

  /** Adds a root; an existing root keeps its reference flag unless one is given. */
  add(path: string, isReference?: boolean, now = Date.now()): void {
    this.db
      .prepare(`INSERT INTO roots (path, is_reference, added_at) VALUES (?, ?, ?)
                ON CONFLICT (path) DO UPDATE SET is_reference = COALESCE(?, is_reference)`)
      .run(path, isReference ? 1 : 0, now, isReference === undefined ? null : isReference ? 1 : 0);
  }

  setReference(path: string, isReference: boolean): boolean {
    return Number(this.db.prepare('UPDATE roots SET is_reference = ? WHERE path = ?').run(isReference ? 1 : 0, path).changes) > 0;
  }

  remove(path: string): boolean {
    return Number(this.db.prepare('DELETE FROM roots WHERE path = ?').run(path).changes) > 0;
  }

  list(): RootRecord[] {
    return (this.db.prepare('SELECT path, is_reference, added_at FROM roots ORDER BY path').all() as
      { path: string; is_reference: number; added_at: number }[]).map((r) => ({
      path: r.path,
      isReference: r.is_reference === 1,
      addedAt: r.added_at,
    }));
  }
}

/** The pair in stored order (hash_a < hash_b), so (a, b) and (b, a) are one fact. */
export function orderedPair(a: string, b: string): [string, string] {
  if (a === b) throw new LookalikeError('invalid-request', 'a file content cannot be "not a duplicate" of itself');
  return a < b ? [a, b] : [b, a];
}

export class NotDuplicateStore {
  constructor(private readonly db: DatabaseSync) {}

  add(hashA: string, hashB: string, now = Date.now()): void {
    const [a, b] = orderedPair(hashA, hashB);
    this.db.prepare('INSERT INTO not_duplicate (hash_a, hash_b, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(a, b, now);
  }

  remove(hashA: string, hashB: string): boolean {
    const [a, b] = orderedPair(hashA, hashB);
    return Number(this.db.prepare('DELETE FROM not_duplicate WHERE hash_a = ? AND hash_b = ?').run(a, b).changes) > 0;
  }

  has(hashA: string, hashB: string): boolean {
    if (hashA === hashB) return false;
    const [a, b] = orderedPair(hashA, hashB);
    return this.db.prepare('SELECT 1 FROM not_duplicate WHERE hash_a = ? AND hash_b = ?').get(a, b) !== undefined;
  }

  /** Every pair, as "a|b" keys in stored order, for fast lookups while grouping. */
  allPairs(): Set<string> {
    const out = new Set<string>();
    for (const r of this.db.prepare('SELECT hash_a, hash_b FROM not_duplicate').iterate()) {
      const row = r as { hash_a: string; hash_b: string };
      out.add(`${row.hash_a}|${row.hash_b}`);
    }
    return out;
  }
}

export interface NeighborList {
  /** embeddings.id of each neighbour, nearest first. */
  ids: Uint32Array;
  scores: Float32Array;
}

export class NeighborStore {
  // Prepared once: a full store writes a list per photo, a million statements compiled each time added minutes.
  private readonly putStmt: StatementSync;
  private readonly getStmt: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    this.putStmt = db.prepare(`INSERT INTO neighbors (content_hash, model_key, ids, scores, created_at) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (content_hash, model_key) DO UPDATE SET ids = excluded.ids, scores = excluded.scores,
                created_at = excluded.created_at`);
    this.getStmt = db.prepare('SELECT ids, scores FROM neighbors WHERE content_hash = ? AND model_key = ?');
  }

  put(contentHash: string, modelKey: string, list: NeighborList, now = Date.now()): void {
    if (list.ids.length !== list.scores.length) throw new Error('neighbour ids and scores differ in length');
    this.putStmt.run(contentHash, modelKey, uint32ToBlob(list.ids), float32ToBlob(list.scores), now);
  }

  get(contentHash: string, modelKey: string): NeighborList | null {
    const r = this.getStmt.get(contentHash, modelKey) as
      | { ids: Uint8Array; scores: Uint8Array }
      | undefined;
    return r ? { ids: blobToUint32(r.ids), scores: blobToFloat32(r.scores) } : null;
  }

  /** Every stored list of one model, in one query (the finder loads a whole library's lists at once). */
  *allForModel(modelKey: string): Generator<[contentHash: string, list: NeighborList]> {
    const stmt = this.db.prepare('SELECT content_hash, ids, scores FROM neighbors WHERE model_key = ?');
    // Rows as arrays: a million keyed objects cost more in garbage collection than the query itself.
    stmt.setReturnArrays(true);
    for (const r of stmt.iterate(modelKey)) {
      const [hash, ids, scores] = r as unknown as [string, Uint8Array, Uint8Array];
      yield [hash, { ids: ownedView(ids, (b) => new Uint32Array(b), blobToUint32), scores: ownedView(scores, (b) => new Float32Array(b), blobToFloat32) }];
    }
  }

  /** Stored lists go stale when the library changes; the finder clears them before recomputing. */
  clear(modelKey?: string): number {
    const stmt = modelKey === undefined
      ? this.db.prepare('DELETE FROM neighbors')
      : this.db.prepare('DELETE FROM neighbors WHERE model_key = ?');
    return Number((modelKey === undefined ? stmt.run() : stmt.run(modelKey)).changes);
  }
}
