// Migration 7's half-precision vectors: a catalog from before it keeps every row and gets its halves made from
// the float32 blobs on the first load (then read as they are), new vectors write theirs, and the library loads
// ids and hashes without reading a vector (from an index, as the query plan shows).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterAll, describe, expect, it } from 'vitest';
import { Catalog, migrate, migrations, schemaVersion } from '../../../electron/engine/catalog/index.js';
import { float32ToBlob } from '../../../electron/engine/catalog/blobs.js';
import { loadEmbeddings } from '../../../electron/engine/library/catalogView.js';
import { HALF } from '../../../electron/engine/similarity/half.js';
import { dotRows } from '../../../electron/engine/similarity/embeddingMatrix.js';
import { seedLibrary, seedVector } from '../../support/catalogSeed.js';
import { cosineSimilarity } from '../../../electron/engine/vectors.js';

const dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-halves-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const halfCount = (c: Catalog): number => (c.db.prepare('SELECT COUNT(*) AS n FROM embedding_halves').get() as { n: number }).n;

/** Cosine of two float32 vectors (the reference the halves must agree with). */

describe('half-precision vectors (migration 7)', () => {
  it('keeps every row of a version-6 catalog and fills its halves from the float32 blobs on first load', () => {
    const file = path.join(dir, 'v6.db');
    const db = new DatabaseSync(file, { enableForeignKeyConstraints: true });
    migrate(db, migrations.slice(0, 6));
    db.prepare(`INSERT INTO models (key, model_id, revision, dtype, file_sha256, preprocess_version, processor_sha256, dim, created_at)
                VALUES ('m', 'generated/seed', NULL, 'fp32', 'cd', 1, '', 16, 0)`).run();
    const file_ = db.prepare(`INSERT INTO files (path, size, mtime_ms, content_hash, status, updated_at) VALUES (?, 1, 1, ?, 'ok', 0)`);
    const emb = db.prepare(`INSERT INTO embeddings (content_hash, model_key, vector, created_at) VALUES (?, 'm', ?, 0)`);
    for (let i = 0; i < 40; i++) file_.run(`/p/${i}.jpg`, `h${i}`), emb.run(`h${i}`, float32ToBlob(seedVector(i, 16)));
    db.close();

    const upgraded = Catalog.open(file);
    try {
      expect(schemaVersion(upgraded.db)).toBe(migrations.length);
      expect(upgraded.embeddings.countsByModel()).toEqual([{ modelKey: 'm', count: 40 }]);
      expect(halfCount(upgraded)).toBe(0);
      const lib = loadEmbeddings(upgraded, 'm');
      expect(lib.rows).toBe(40);
      expect(lib.hasMatrix()).toBe(false);
      // Without the matrix: two rows read from the catalog (and the old blobs, since no halves exist yet).
      const [r3, r7] = [lib.rowOfHash.get('h3')!, lib.rowOfHash.get('h7')!];
      expect(lib.rowCosine(r3, r7)).toBeCloseTo(cosineSimilarity(seedVector(3, 16), seedVector(7, 16)), 2);
      const m = lib.matrix;
      expect(halfCount(upgraded)).toBe(40);
      for (let r = 0; r < m.rows; r++) {
        let norm = 0;
        for (let d = 0; d < m.dim; d++) norm += HALF[('bits' in m ? m.bits[r * m.dim + d] : 0)!]! ** 2;
        expect(norm).toBeLessThanOrEqual(1);
        expect(norm).toBeGreaterThan(0.99);
      }
      expect(dotRows(m, r3, r7)).toBeCloseTo(cosineSimilarity(seedVector(3, 16), seedVector(7, 16)), 2);
      // The next load copies the stored halves: the same bits.
      const again = loadEmbeddings(upgraded, 'm').matrix;
      expect('bits' in again && 'bits' in m && Buffer.from(again.bits.buffer).equals(Buffer.from(m.bits.buffer))).toBe(true);
    } finally {
      upgraded.close();
    }
  });

  it('writes the halves with every new vector, drops them with it, and loads ids from an index alone', () => {
    const catalog = Catalog.open(path.join(dir, 'new.db'));
    try {
      const s = seedLibrary(catalog, { contents: 600, dim: 8 });
      const total = catalog.embeddings.countsByModel().reduce((n, c) => n + c.count, 0);
      expect(halfCount(catalog)).toBe(total);
      const live = catalog.embeddings.liveIds(s.modelKey);
      expect(new Set(live.hashes)).toEqual(s.live);
      expect([...live.ids].every((id, i) => i === 0 || id > live.ids[i - 1]!)).toBe(true);
      const sql = `SELECT e.id, e.content_hash FROM embeddings e WHERE e.model_key = ? AND EXISTS (SELECT 1 FROM files f WHERE f.content_hash = e.content_hash AND f.status = 'ok') ORDER BY e.id`;
      const plan = (catalog.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((r) => r.detail);
      expect(plan[0]).toMatch(/USING COVERING INDEX embeddings_model_hash/);
      expect(plan.join('\n')).not.toMatch(/TEMP B-TREE/);
      const removed = catalog.embeddings.deleteOrphans();
      expect(removed).toBeGreaterThan(0);
      expect(halfCount(catalog)).toBe(total - removed);
    } finally {
      catalog.close();
    }
  });
});
