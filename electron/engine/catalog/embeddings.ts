// Embeddings keyed by (content hash, model key): a moved file keeps its vector, and a new model, dtype or
// preprocessing gets a new key, so exactly the vectors it would change are computed again.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import type { ModelDtype, ModelProvenance } from '../types.js';
import { blobToFloat32, float32ToBlob } from './blobs.js';

/**
 * Every field that changes the numbers is in the key: the weights (file sha256; the Hub revision is kept for
 * people reading it), the dtype, our preprocessing version and the model's processor config (input size, crop,
 * resample, mean/std). The id keeps keys readable in `status`. The processor hash is cut to 16 hex digits (64
 * bits: configs of one set of weights never collide by chance) because every embedding row stores the key; the
 * models table keeps the full hash.
 */
export function modelKey(p: ModelProvenance): string {
  return `${p.id}@${p.revision ?? 'local'}#${p.fileSha256}:${p.dtype}:pp${p.preprocessVersion}:proc${p.processorSha256.slice(0, 16)}`;
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
    },
  };
}

export class EmbeddingStore {
  private readonly putStmt: StatementSync;
  private readonly hasStmt: StatementSync;
  private readonly getStmt: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    this.putStmt = db.prepare(`
      INSERT INTO embeddings (content_hash, model_key, vector, created_at) VALUES (?, ?, ?, ?)
      ON CONFLICT (content_hash, model_key) DO UPDATE SET vector = excluded.vector, created_at = excluded.created_at
      RETURNING id`);
    this.hasStmt = db.prepare('SELECT 1 FROM embeddings WHERE content_hash = ? AND model_key = ?');
    this.getStmt = db.prepare('SELECT id, vector FROM embeddings WHERE content_hash = ? AND model_key = ?');
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
