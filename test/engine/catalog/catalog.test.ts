import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  Catalog,
  defaultCatalogPath,
  migrate,
  migrations,
  modelKey,
  schemaVersion,
  type ContentMetadata,
} from '../../../electron/engine/catalog/index.js';
import { isLookalikeError } from '../../../electron/engine/errors.js';
import { loadLibraryFiles } from '../../../electron/engine/library/catalogView.js';
import type { ModelProvenance } from '../../../electron/engine/types.js';

const provenance: ModelProvenance = { id: 'generated/tiny', revision: null, dtype: 'fp32', fileSha256: 'ab'.repeat(32), preprocessVersion: 1,
  processorSha256: 'ef'.repeat(32) };
const meta = (hash: string): ContentMetadata => ({
  contentHash: hash, width: 40, height: 30, format: 'jpeg', takenAt: '2006-10-01T12:00:46', cameraMake: 'NIKON CORPORATION',
  cameraModel: 'NIKON D50', orientation: 1, pixelHash: `px-${hash}`, pixelThumb: null,
});

let dir: string;
let catalog: Catalog;
beforeEach(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-catalog-'));
  catalog = Catalog.open(path.join(dir, 'sub', 'catalog.db'));
});
afterEach(() => {
  catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('schema', () => {
  it('creates the file in WAL mode at the newest version, and reopening changes nothing', () => {
    expect(schemaVersion(catalog.db)).toBe(migrations.length);
    expect((catalog.db.prepare('PRAGMA journal_mode').get() as { journal_mode: string }).journal_mode).toBe('wal');
    catalog.files.upsert({ path: '/p/a.jpg', size: 1, mtimeMs: 2, status: 'ok', meta: meta('h1') });
    catalog.close();
    catalog = Catalog.open(path.join(dir, 'sub', 'catalog.db'));
    expect(catalog.files.get('/p/a.jpg')?.cameraModel).toBe('NIKON D50');
  });

  it('refuses a catalog written by a newer schema instead of guessing', () => {
    const file = path.join(dir, 'newer.db');
    const db = new DatabaseSync(file);
    db.exec(`PRAGMA user_version = ${migrations.length + 1}`);
    db.close();
    let error: unknown;
    try {
      Catalog.open(file).close();
    } catch (err) {
      error = err;
    }
    expect(isLookalikeError(error, 'unavailable')).toBe(true);
    expect((error as Error).message).toBe(
      `catalog schema version ${migrations.length + 1} is newer than this build understands (${migrations.length}); update Lookalike`,
    );
  });

  it('migrates a version-1 catalog in place: old rows keep their data, lack a thumbnail and a processor hash', () => {
    const file = path.join(dir, 'v1.db');
    const db = new DatabaseSync(file);
    migrate(db, migrations.slice(0, 1));
    db.prepare(`INSERT INTO files (path, size, mtime_ms, content_hash, width, height, orientation, pixel_hash, status, updated_at)
                VALUES ('/p/old.jpg', 10, 1.5, 'h-old', 40, 30, 6, 'px-old', 'ok', 0)`).run();
    db.prepare(`INSERT INTO models (key, model_id, revision, dtype, file_sha256, preprocess_version, dim, created_at)
                VALUES ('old-key', 'generated/tiny', NULL, 'fp32', ?, 1, 4, 0)`).run('ab'.repeat(32));
    db.close();
    const upgraded = Catalog.open(file);
    try {
      expect(schemaVersion(upgraded.db)).toBe(migrations.length);
      expect(upgraded.files.get('/p/old.jpg')).toMatchObject({ contentHash: 'h-old', orientation: 6, pixelHash: 'px-old', pixelThumb: null });
      expect(upgraded.files.lookup('/p/old.jpg', 'old-key')?.hasPixelThumb).toBe(false);
      expect(upgraded.embeddings.model('old-key')?.provenance.processorSha256).toBe('');
      // The new key differs from every key written before the processor hash existed.
      expect(modelKey(provenance)).toMatch(/:procefefefefefefefef$/);
    } finally {
      upgraded.close();
    }
  });

  it('migrates a version-3 catalog in place: every row kept, files indexed by (content hash, status)', () => {
    const file = path.join(dir, 'v3.db');
    const db = new DatabaseSync(file);
    migrate(db, migrations.slice(0, 3));
    const insert = db.prepare(`INSERT INTO files (path, size, mtime_ms, content_hash, status, updated_at) VALUES (?, 1, 1, ?, ?, 0)`);
    insert.run('/p/a.jpg', 'h-a', 'ok');
    insert.run('/p/a-copy.jpg', 'h-a', 'missing');
    insert.run('/p/b.jpg', 'h-b', 'failed');
    db.close();
    const upgraded = Catalog.open(file);
    try {
      expect(schemaVersion(upgraded.db)).toBe(migrations.length);
      expect(upgraded.files.byContentHash('h-a').map((f) => [f.path, f.status])).toEqual([['/p/a-copy.jpg', 'missing'], ['/p/a.jpg', 'ok']]);
      expect(upgraded.files.counts()).toEqual({ ok: 1, failed: 1, missing: 1 });
      const indexes = (upgraded.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'files'`).all() as
        { name: string }[]).map((r) => r.name);
      expect(indexes).toContain('files_content_hash_status');
      expect(indexes).not.toContain('files_content_hash');
    } finally {
      upgraded.close();
    }
  });

  it('rolls back a failing migration step and says which one failed', () => {
    const file = path.join(dir, 'broken.db');
    const db = new DatabaseSync(file);
    try {
      migrate(db);
      const broken = [...migrations, { name: 'broken step', sql: 'CREATE TABLE files (x)' }];
      let error: unknown;
      try {
        migrate(db, broken);
      } catch (err) {
        error = err;
      }
      expect(isLookalikeError(error, 'unavailable')).toBe(true);
      expect((error as Error).message).toBe(`migration ${broken.length} (broken step) failed: table files already exists`);
      expect(schemaVersion(db)).toBe(migrations.length);
    } finally {
      db.close();
    }
  });

  it('has every table the duplicate finder needs', () => {
    const tables = (catalog.db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[]).map((r) => r.name);
    expect(tables).toEqual(expect.arrayContaining(['files', 'embeddings', 'models', 'roots', 'not_duplicate', 'neighbors', 'journal', 'settings', 'scans']));
  });
});

describe('files', () => {
  it('keeps the row id when a path is updated, and stores failures with their reason', () => {
    const id = catalog.files.upsert({ path: '/p/a.jpg', size: 10, mtimeMs: 1.5, status: 'ok', meta: meta('h1') });
    const again = catalog.files.upsert({ path: '/p/a.jpg', size: 11, mtimeMs: 2.25, status: 'failed', error: 'truncated JPEG' });
    expect(again).toBe(id);
    const rec = catalog.files.get('/p/a.jpg')!;
    expect(rec).toMatchObject({ size: 11, mtimeMs: 2.25, status: 'failed', error: 'truncated JPEG', width: null, contentHash: null });
    expect(catalog.files.counts()).toEqual({ ok: 0, failed: 1, missing: 0 });
  });

  it('round-trips a fractional mtime exactly (unchanged detection compares with ===)', () => {
    const mtimeMs = 1732752000123.4567;
    catalog.files.upsert({ path: '/p/a.jpg', size: 10, mtimeMs, status: 'ok', meta: meta('h1') });
    expect(catalog.files.lookup('/p/a.jpg', 'k')?.mtimeMs).toBe(mtimeMs);
  });

  it('lists rows under a folder without matching a sibling that shares the prefix', () => {
    for (const p of ['/p/a/1.jpg', '/p/a/b/2.jpg', '/p/ab/3.jpg', '/p/a0.jpg']) {
      catalog.files.upsert({ path: p, size: 1, mtimeMs: 1, status: 'ok', meta: meta(p) });
    }
    expect([...catalog.files.underRoot('/p/a', '/')].map((r) => r.path)).toEqual(['/p/a/1.jpg', '/p/a/b/2.jpg']);
  });
});

describe('embeddings', () => {
  it('stores float32 vectors exactly and reports them per model key', () => {
    const key = catalog.embeddings.registerModel(provenance, 4);
    const v = new Float32Array([0.1, -2.5, 3e-8, 1e30]);
    catalog.files.upsert({ path: '/p/a.jpg', size: 1, mtimeMs: 1, status: 'ok', meta: meta('h1') });
    const id = catalog.embeddings.put('h1', key, v);
    const got = catalog.embeddings.get('h1', key)!;
    expect(got.id).toBe(id);
    expect(Array.from(got.vector)).toEqual(Array.from(v));
    expect(catalog.files.lookup('/p/a.jpg', key)?.hasEmbedding).toBe(true);
    expect([...catalog.embeddings.live(key)].map((e) => e.contentHash)).toEqual(['h1']);
  });

  it('gives a new key to a new weights file, dtype or preprocessing version, and keeps the key for a moved folder', () => {
    const base = modelKey(provenance);
    expect(modelKey({ ...provenance, fileSha256: 'cd'.repeat(32) })).not.toBe(base);
    expect(modelKey({ ...provenance, dtype: 'fp16' })).not.toBe(base);
    expect(modelKey({ ...provenance, preprocessVersion: 2 })).not.toBe(base);
    expect(modelKey({ ...provenance, processorSha256: '01'.repeat(32) })).not.toBe(base);
    expect(modelKey({ ...provenance })).toBe(base);
    const key = catalog.embeddings.registerModel(provenance, 4);
    catalog.files.upsert({ path: '/p/a.jpg', size: 1, mtimeMs: 1, status: 'ok', meta: meta('h1') });
    catalog.embeddings.put('h1', key, new Float32Array(4));
    const next = catalog.embeddings.registerModel({ ...provenance, preprocessVersion: 2 }, 4);
    expect(catalog.files.lookup('/p/a.jpg', next)?.hasEmbedding).toBe(false);
    expect(catalog.embeddings.model(next)?.provenance.preprocessVersion).toBe(2);
  });

  it('refuses a model that changes its dimension under the same key', () => {
    catalog.embeddings.registerModel(provenance, 4);
    expect(() => catalog.embeddings.registerModel(provenance, 8)).toThrow(/dim/);
  });
});

describe('duplicate-finder state', () => {
  it('stores not-duplicate pairs once, whichever order they are given in', () => {
    catalog.notDuplicates.add('zz', 'aa');
    catalog.notDuplicates.add('aa', 'zz');
    expect(catalog.notDuplicates.has('aa', 'zz')).toBe(true);
    expect(catalog.notDuplicates.has('zz', 'aa')).toBe(true);
    expect([...catalog.notDuplicates.allPairs()]).toEqual(['aa|zz']);
    expect(() => catalog.db.prepare(`INSERT INTO not_duplicate VALUES ('b', 'a', 0)`).run()).toThrow(/CHECK/);
  });

  it('round-trips neighbour lists and roots with their reference flag', () => {
    const key = catalog.embeddings.registerModel(provenance, 4);
    catalog.neighbors.put('h1', key, { ids: new Uint32Array([7, 3, 4_000_000_000]), scores: new Float32Array([0.99, 0.5, -0.25]) });
    const got = catalog.neighbors.get('h1', key)!;
    expect(Array.from(got.ids)).toEqual([7, 3, 4_000_000_000]);
    expect(Array.from(got.scores)).toEqual([Math.fround(0.99), 0.5, -0.25]);
    catalog.roots.add('/photos', true);
    catalog.roots.add('/photos');
    expect(catalog.roots.list()).toMatchObject([{ path: '/photos', isReference: true }]);
  });

  it('reads every stored neighbour list of one model in one pass, and no other model\'s', () => {
    const key = catalog.embeddings.registerModel(provenance, 4);
    const other = catalog.embeddings.registerModel({ ...provenance, dtype: 'fp16' }, 4);
    catalog.neighbors.put('h1', key, { ids: new Uint32Array([2]), scores: new Float32Array([0.75]) });
    catalog.neighbors.put('h2', key, { ids: new Uint32Array([1, 3]), scores: new Float32Array([0.75, 0.5]) });
    catalog.neighbors.put('h1', other, { ids: new Uint32Array([9]), scores: new Float32Array([0.25]) });
    const all = new Map([...catalog.neighbors.allForModel(key)].map(([h, l]) => [h, [Array.from(l.ids), Array.from(l.scores)]]));
    expect(all).toEqual(new Map([['h1', [[2], [0.75]]], ['h2', [[1, 3], [0.75, 0.5]]]]));
  });

  it('loads pixel thumbnails only where a size is shared across orientation tags', () => {
    const thumb = new Uint8Array(3072).fill(7);
    const put = (p: string, hash: string, width: number, orientation: number) =>
      catalog.files.upsert({ path: p, size: 1, mtimeMs: 1, status: 'ok', meta: { ...meta(hash), width, orientation, pixelThumb: thumb } });
    put('/p/upright.jpg', 'h1', 40, 1);
    put('/p/rotated.jpg', 'h2', 40, 6);
    put('/p/other-size.jpg', 'h3', 50, 1);
    put('/p/other-size-copy.jpg', 'h4', 50, 1);
    const loaded = loadLibraryFiles(catalog);
    expect(loaded.filter((f) => f.pixelThumb).map((f) => f.path).sort()).toEqual(['/p/rotated.jpg', '/p/upright.jpg']);
    // Every file's fingerprint, computed from its thumbnail where the row had none.
    expect(loaded.every((f) => f.perceptualPrint?.length === 18)).toBe(true);
    expect(Array.from(catalog.files.get('/p/rotated.jpg')!.pixelThumb!)).toEqual(Array.from(thumb));
    expect(catalog.files.metadataFor('h2')?.pixelThumb?.length).toBe(3072);
    // A rescan that finds no thumbnail for a changed file drops the old one.
    catalog.files.upsert({ path: '/p/rotated.jpg', size: 2, mtimeMs: 2, status: 'ok', meta: { ...meta('h5'), pixelThumb: null } });
    expect(catalog.files.get('/p/rotated.jpg')!.pixelThumb).toBeNull();
    expect(catalog.files.lookup('/p/rotated.jpg', 'none')?.hasPixelThumb).toBe(false);
  });

  it('migrates pixel thumbnails out of the files table (version 9 → 10), every row and thumbnail kept', () => {
    const file = path.join(dir, 'v9.db');
    const db = new DatabaseSync(file);
    migrate(db, migrations.slice(0, 9));
    const insert = db.prepare(`INSERT INTO files (path, size, mtime_ms, content_hash, width, height, pixel_hash, pixel_thumb, status, updated_at)
                               VALUES (?, 1, 1, ?, 40, 30, ?, ?, 'ok', 0)`);
    insert.run('/p/with.jpg', 'h-a', 'px-a', new Uint8Array(3072).fill(9));
    insert.run('/p/without.jpg', 'h-b', 'px-b', null);
    db.close();
    const upgraded = Catalog.open(file);
    try {
      expect(schemaVersion(upgraded.db)).toBe(migrations.length);
      const columns = (upgraded.db.prepare('PRAGMA table_info(files)').all() as { name: string }[]).map((c) => c.name);
      expect(columns).not.toContain('pixel_thumb');
      expect(Array.from(upgraded.files.get('/p/with.jpg')!.pixelThumb!)).toEqual(Array.from(new Uint8Array(3072).fill(9)));
      expect(upgraded.files.get('/p/without.jpg')).toMatchObject({ contentHash: 'h-b', pixelThumb: null });
      expect(upgraded.files.lookup('/p/with.jpg', 'k')?.hasPixelThumb).toBe(true);
      expect(upgraded.files.lookup('/p/without.jpg', 'k')?.hasPixelThumb).toBe(false);
    } finally {
      upgraded.close();
    }
  });

  it('records journal entries through their states, with JSON payloads', () => {
    const id = catalog.journal.add('trash', { paths: ['/p/a.jpg'] });
    expect(catalog.journal.get(id)).toMatchObject({ state: 'pending', payload: { paths: ['/p/a.jpg'] } });
    catalog.journal.setState(id, 'done');
    expect(catalog.journal.list({ state: 'done' }).map((e) => e.id)).toEqual([id]);
    expect(() => catalog.db.prepare(`UPDATE journal SET state = 'weird' WHERE id = ?`).run(id)).toThrow(/CHECK/);
    catalog.settings.setJson('threshold', { near: 0.92 });
    expect(catalog.settings.getJson('threshold')).toEqual({ near: 0.92 });
  });

  it('rolls back a failed transaction completely', () => {
    expect(() => catalog.transaction(() => {
      catalog.settings.set('a', '1');
      catalog.transaction(() => catalog.settings.set('b', '2'));
      throw new Error('boom');
    })).toThrow('boom');
    expect(catalog.settings.all()).toEqual({});
  });
});

describe('scans', () => {
  it('treats a running scan whose process is gone as interrupted, and a live one as running', () => {
    const live = catalog.scans.start({ roots: ['/a'] });
    expect(catalog.scans.interrupted()).toBeNull();
    // A real process that has exited: its pid is free.
    const gone = spawnSync(process.execPath, ['-e', '0']).pid!;
    const dead = catalog.scans.start({ roots: ['/b'] });
    catalog.db.prepare('UPDATE scans SET pid = ? WHERE id = ?').run(gone, dead);
    expect(catalog.scans.interrupted()?.id).toBe(dead);
    expect(catalog.scans.markDeadInterrupted().map((s) => s.id)).toEqual([dead]);
    expect(catalog.scans.get(live)?.state).toBe('running');
    catalog.scans.finish(live, 'done', {});
    // Still to pick up: the scan that finished started before the one that died.
    expect(catalog.scans.interrupted()?.id).toBe(dead);
    catalog.scans.finish(catalog.scans.start({ roots: ['/b'] }), 'done', {});
    expect(catalog.scans.interrupted()).toBeNull();
  });
});

describe('defaultCatalogPath', () => {
  it('follows XDG_DATA_HOME, else ~/.local/share', () => {
    expect(defaultCatalogPath({ XDG_DATA_HOME: '/x/data', HOME: '/home/u' })).toBe('/x/data/lookalike/catalog.db');
    expect(defaultCatalogPath({ HOME: '/home/u' })).toBe('/home/u/.local/share/lookalike/catalog.db');
    expect(defaultCatalogPath({ XDG_DATA_HOME: 'relative', HOME: '/home/u' })).toBe('/home/u/.local/share/lookalike/catalog.db');
  });
});
