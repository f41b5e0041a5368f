// Embeddings keyed by (content hash, model key): a moved file keeps its vector, and a new model, dtype or
// preprocessing gets a new key, so exactly the vectors it would change are computed again.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ModelDtype, ModelProvenance } from '../types.js';
import { blobToFloat32, float32ToBlob } from './blobs.js';
import { HalfVectorStore } from './halfVectors.js';

/**
 * Ends the key of vectors made with the fast preprocessing mode (the models table has no column for it), with the
 * fast rule's version: 2 since the intermediate went from 4× to 2.5× the model's side (shrinkOnLoad.ts), so fast
 * vectors of the two rules never mix and a library scanned fast is embedded again once, not compared across rules.
 */
const FAST_KEY_SUFFIX = ':fast2';

/**
 * Every field that changes the numbers is in the key: the weights (file sha256; the Hub revision is kept for
 * people reading it), the dtype, our preprocessing version and mode (exact or fast), the model's processor config (input size, crop,
 * resample, mean/std). The id keeps keys readable in `status`. The processor hash is cut to 16 hex digits (64
 * bits: configs of one set of weights never collide by chance) because every embedding row stores the key; the
 * models table keeps the full hash.
 */
export function modelKey(p: ModelProvenance): string {
  // Exact keys keep the form they had before the fast mode existed, so no exact vector is computed again.
  const mode = p.preprocessMode === 'fast' ? FAST_KEY_SUFFIX : '';
  return `${p.id}@${p.revision ?? 'local'}#${p.fileSha256}:${p.dtype}:pp${p.preprocessVersion}:proc${p.processorSha256.slice(0, 16)}${mode}`;
}


export interface ModelRecord {
  key: string;
  provenance: ModelProvenance;
  dim: number;
  createdAt: number;
}

export interface StoredEmbedding {
  /** Stable integer id (usable as a vector-index key and in `neighbors.ids`). */
  id: number;
  contentHash: string;
  vector: Float32Array;
}

interface ModelRow {
  key: string;
  model_id: string;
  revision: string | null;
  dtype: ModelDtype;
  file_sha256: string;
  preprocess_version: number;
  /** '' for models recorded before the catalog tracked it (migration 3). */
  processor_sha256: string;
  dim: number;
  created_at: number;
}

function toModel(r: ModelRow): ModelRecord {
  return {
    key: r.key,
    dim: r.dim,
    createdAt: r.created_at,
    provenance: {
      id: r.model_id,
      revision: r.revision,
      dtype: r.dtype,
      fileSha256: r.file_sha256,
      preprocessVersion: r.preprocess_version,
      processorSha256: r.processor_sha256,
      preprocessMode: r.key.endsWith(FAST_KEY_SUFFIX) ? 'fast' : 'exact',
    },
  };
}

/** A model's live rows without their vectors: ids ascending, each with its content hash. */
export interface LiveIds {
  ids: Uint32Array;
  hashes: string[];
}

export class EmbeddingStore {
  /** The same vectors as unit binary16 rows (what the duplicate finder loads). */
  readonly halves: HalfVectorStore;
  private readonly putStmt: StatementSync;
  private readonly hasStmt: StatementSync;
  private readonly getStmt: StatementSync;
  private readonly hashStmt: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    this.halves = new HalfVectorStore(db);
    this.putStmt = db.prepare(`
      INSERT INTO embeddings (content_hash, model_key, vector, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (content_hash, model_key) DO UPDATE SET vector = excluded.vector, created_at = excluded.created_at
      RETURNING id`);
    this.hasStmt = db.prepare('SELECT 1 FROM embeddings WHERE content_hash = ? AND model_key = ?');
    this.getStmt = db.prepare('SELECT id, vector FROM embeddings WHERE content_hash = ? AND model_key = ?');
    this.hashStmt = db.prepare('SELECT content_hash FROM embeddings WHERE id = ?');
  }

  /** Records the model (idempotent) and returns its key. */
  registerModel(provenance: ModelProvenance, dim: number, now = Date.now()): string {
    const key = modelKey(provenance);
    const existing = this.model(key);
    if (existing && existing.dim !== dim) {
      throw new Error(`model ${key} was stored with dim ${existing.dim}, now reports ${dim}`);
    }
    this.db
      .prepare(`INSERT INTO models (key, model_id, revision, dtype, file_sha256, preprocess_version, processor_sha256,
                                    dim, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING`)
      .run(key, provenance.id, provenance.revision, provenance.dtype, provenance.fileSha256,
        provenance.preprocessVersion, provenance.processorSha256, dim, now);
    return key;
  }

  model(key: string): ModelRecord | null {
    const r = this.db.prepare('SELECT * FROM models WHERE key = ?').get(key) as ModelRow | undefined;
    return r ? toModel(r) : null;
  }

  models(): ModelRecord[] {
    return (this.db.prepare('SELECT * FROM models ORDER BY created_at').all() as unknown as ModelRow[]).map(toModel);
  }

  put(contentHash: string, modelKey: string, vector: Float32Array, now = Date.now()): number {
    const row = this.putStmt.get(contentHash, modelKey, float32ToBlob(vector), now) as { id: number };
    this.halves.put(row.id, vector);
    return row.id;
  }

  has(contentHash: string, modelKey: string): boolean {
    return this.hasStmt.get(contentHash, modelKey) !== undefined;
  }

  get(contentHash: string, modelKey: string): StoredEmbedding | null {
    const r = this.getStmt.get(contentHash, modelKey) as { id: number; vector: Uint8Array } | undefined;
    return r ? { id: r.id, contentHash, vector: blobToFloat32(r.vector) } : null;
  }

  /**
   * Vectors of one model whose content still has a file that is not missing (what the duplicate finder searches),
   * streamed in id order.
   */
  *live(modelKey: string): Generator<StoredEmbedding> {
    const stmt = this.db.prepare(`
      SELECT e.id, e.content_hash, e.vector FROM embeddings e
      WHERE e.model_key = ? AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok')
      ORDER BY e.id`);
    for (const r of stmt.iterate(modelKey)) {
      const row = r as { id: number; content_hash: string; vector: Uint8Array };
      yield { id: row.id, contentHash: row.content_hash, vector: blobToFloat32(row.vector) };
    }
  }

  /**
   * What live() streams, less the vectors: read from the (model_key, content_hash) index alone, so a million rows
   * cost a few seconds where live() reads 3 GB.
   */
  liveIds(modelKey: string): LiveIds {
    const stmt = this.db.prepare(`
      SELECT e.id, e.content_hash FROM embeddings e
      WHERE e.model_key = ? AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok')
      ORDER BY e.id`);
    // Rows as arrays: a million objects with named keys are what the garbage collector spends its time on.
    stmt.setReturnArrays(true);
    const ids: number[] = [];
    const hashes: string[] = [];
    for (const r of stmt.iterate(modelKey)) {
      const [id, hash] = r as unknown as [number, string];
      ids.push(id), hashes.push(hash);
    }
    return { ids: Uint32Array.from(ids), hashes };
  }

  /**
   * A model's rows whose content passes `keep` (ids ascending), from the (model_key, id, content_hash) index alone:
   * liveIds for a caller that knows the live contents already, with no probe of the files table per row.
   */
  idsOf(modelKey: string, keep: (contentHash: string) => boolean): LiveIds {
    const stmt = this.db.prepare('SELECT id, content_hash FROM embeddings WHERE model_key = ? ORDER BY id');
    stmt.setReturnArrays(true);
    const ids: number[] = [];
    const hashes: string[] = [];
    for (const r of stmt.iterate(modelKey)) {
      const [id, hash] = r as unknown as [number, string];
      if (keep(hash)) ids.push(id), hashes.push(hash);
    }
    return { ids: Uint32Array.from(ids), hashes };
  }

  /** Ids of a model's vectors above `afterId` (those written since an index of the ids up to it was made). */
  idsAfter(modelKey: string, afterId: number): number[] {
    return (this.db.prepare('SELECT id FROM embeddings WHERE id > ? AND model_key = ? ORDER BY id').all(afterId, modelKey) as { id: number }[]).map((r) => r.id);
  }

  /** The content hash of an embedding id (null when there is no such row). */
  hashOf(id: number): string | null {
    const r = this.hashStmt.get(id) as { content_hash: string } | undefined;
    return r?.content_hash ?? null;
  }

  /** Whether a model has any vector (without counting them). */
  hasModel(modelKey: string): boolean {
    return this.db.prepare('SELECT 1 FROM embeddings WHERE model_key = ? LIMIT 1').get(modelKey) !== undefined;
  }

  /** How many vectors live() would stream (so a loader can size one buffer up front). */
  countLive(modelKey: string): number {
    const r = this.db.prepare(`
      SELECT COUNT(*) AS n FROM embeddings e
      WHERE e.model_key = ? AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok')`)
      .get(modelKey) as { n: number };
    return r.n;
  }

  countsByModel(): { modelKey: string; count: number }[] {
    return (this.db.prepare('SELECT model_key, COUNT(*) AS n FROM embeddings GROUP BY model_key ORDER BY model_key').all() as
      { model_key: string; n: number }[]).map((r) => ({ modelKey: r.model_key, count: r.n }));
  }

  /** Drops vectors no file (of any status) refers to any more; missing files keep theirs in case they come back. */
  deleteOrphans(): number {
    return Number(this.db
      .prepare('DELETE FROM embeddings WHERE NOT EXISTS (SELECT 1 FROM files f WHERE f.content_hash = embeddings.content_hash)')
      .run().changes);
  }
}
