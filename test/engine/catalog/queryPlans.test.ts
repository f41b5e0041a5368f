// The plans SQLite picks for the catalog's statements that run once per row or over the whole library. A
// correlated subquery or the inner loop of a join that reads a whole table (a SCAN, or a SEARCH by a column
// nearly every row shares, like status = 'ok') makes the statement O(n²): that is how `lookalike dupes` on a 100k
// library took 553 s in live(). Each statement is caught as it runs through the catalog's own API (its SQL, as
// SQLite has it), so a statement added to a store method is checked too.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync, StatementSync } from 'node:sqlite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { seedHash as H, seedLibrary, seedVector, type SeededLibrary } from '../../support/catalogSeed.js';

interface PlanRow {
  id: number;
  parent: number;
  detail: string;
}

/** SQL of every statement run while `fn` runs (get/all/run/iterate on any StatementSync). */
function statementsRunBy(fn: () => void): string[] {
  const seen = new Set<string>();
  const methods = ['get', 'all', 'run', 'iterate'] as const;
  const proto = StatementSync.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const originals = methods.map((m) => proto[m]!);
  methods.forEach((m, i) => {
    proto[m] = function (this: StatementSync, ...args: unknown[]) {
      seen.add(this.sourceSQL);
      return originals[i]!.apply(this, args);
    };
  });
  try {
    fn();
  } finally {
    methods.forEach((m, i) => (proto[m] = originals[i]!));
  }
  return [...seen];
}

const planOf = (db: DatabaseSync, sql: string): PlanRow[] => db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as unknown as PlanRow[];

/** A probe that finds a handful of rows: by a key, a content hash, a path, a pair. */
const SELECTIVE = /\((?:[^)]*\b)?(?:rowid|id|key|path|content_hash|hash_a|pixel_hash)=\?/;
const isLoop = (r: PlanRow): boolean => /^(SCAN|SEARCH) /.test(r.detail);
/** A loop that may visit most of a table: a SCAN, or a SEARCH only by a column most rows share (status, model). */
/** The caller's own list of ids (`IN (SELECT value FROM json_each(?))`): a loop over the input, not over a table. */
const INPUT_LIST = /^SCAN json_each VIRTUAL TABLE/;
const readsMostOfTable = (r: PlanRow): boolean => isLoop(r) && !SELECTIVE.test(r.detail) && !INPUT_LIST.test(r.detail);

interface PlanVerdict {
  /** Loops run once per outer row (correlated subquery, inner side of a join) that read most of a table. */
  quadratic: string[];
  /** Top-level loops that read most of a table: fine only when reading the library is the statement's point. */
  wholeTable: string[];
}

function judgePlan(plan: readonly PlanRow[]): PlanVerdict {
  const byId = new Map(plan.map((r) => [r.id, r]));
  const ancestors = (r: PlanRow): PlanRow[] => {
    const out: PlanRow[] = [];
    for (let p = byId.get(r.parent); p; p = byId.get(p.parent)) out.push(p);
    return out;
  };
  const verdict: PlanVerdict = { quadratic: [], wholeTable: [] };
  plan.forEach((r, i) => {
    if (!readsMostOfTable(r)) return;
    const correlated = ancestors(r).some((a) => a.detail.startsWith('CORRELATED '));
    // Plan rows come in loop order: an earlier loop with the same parent is an outer loop of a join.
    const innerOfJoin = plan.slice(0, i).some((o) => o.parent === r.parent && isLoop(o));
    (correlated || innerOfJoin ? verdict.quadratic : verdict.wholeTable).push(r.detail);
  });
  return verdict;
}

interface Case {
  name: string;
  run: (c: Catalog, s: SeededLibrary) => void;
  /** Why reading (most of) a table once is the point of the statement; absent: it must read only a few rows. */
  wholeTable?: string;
}

const drain = (it: Iterable<unknown>): void => {
  for (const _ of it);
};

const cases: Case[] = [
  { name: 'embeddings.live', run: (c, s) => drain(c.embeddings.live(s.modelKey)), wholeTable: 'streams every vector of the model: what the duplicate finder searches' },
  { name: 'embeddings.put', run: (c, s) => c.embeddings.put(H(1), s.modelKey, seedVector(1, 8)) },
  { name: 'embeddings.has', run: (c, s) => c.embeddings.has(H(2), s.modelKey) },
  { name: 'embeddings.get', run: (c, s) => c.embeddings.get(H(3), s.modelKey) },
  { name: 'embeddings.liveIds', run: (c, s) => c.embeddings.liveIds(s.modelKey), wholeTable: 'every live id and hash of the model, from an index (what the duplicate finder loads)' },
  { name: 'embeddings.idsOf', run: (c, s) => c.embeddings.idsOf(s.modelKey, () => true), wholeTable: 'every id and hash of the model, from an index (the library filters them by the files it loaded)' },
  { name: 'embeddings.idsAfter', run: (c, s) => c.embeddings.idsAfter(s.modelKey, 2900), wholeTable: 'an id range of one model (the vectors written since the saved index): the plan reads only that range' },
  { name: 'embeddings.hashOf', run: (c) => c.embeddings.hashOf(5) },
  { name: 'embeddings.hasModel', run: (c, s) => c.embeddings.hasModel(s.otherModelKey), wholeTable: 'LIMIT 1: stops at the first vector of the model' },
  { name: 'embeddings.halves.row', run: (c) => c.embeddings.halves.row(6, 8) },
  { name: 'embeddings.halves.readInto', run: (c, s) => { const { ids } = c.embeddings.liveIds(s.modelKey); c.embeddings.halves.readInto(ids, new Uint16Array(ids.length * 8), 8, false); }, wholeTable: 'every half row of the model, in one pass by id' },
  { name: 'embeddings.countsByModel', run: (c) => c.embeddings.countsByModel(), wholeTable: 'counts every vector, per model (status)' },
  { name: 'embeddings.deleteOrphans', run: (c) => c.embeddings.deleteOrphans(), wholeTable: 'checks every vector once; each check is one index probe' },
  { name: 'files.upsert', run: (c) => c.files.upsert({ path: '/photos/000/5.jpg', size: 1, mtimeMs: 2, status: 'failed', error: 'x' }) },
  { name: 'files.lookup (per path, with has-embedding)', run: (c, s) => c.files.lookup('/photos/000/4.jpg', s.modelKey) },
  { name: 'files.get (by path)', run: (c) => c.files.get('/photos/000/4.jpg') },
  { name: 'files.metadataFor (by content hash)', run: (c) => c.files.metadataFor(H(6)) },
  { name: 'files.byContentHash', run: (c) => c.files.byContentHash(H(17)) },
  { name: 'files.markMissing', run: (c) => c.files.markMissing([7, 8]) },
  { name: 'files.underRoot', run: (c) => drain(c.files.underRoot('/photos/001', '/')), wholeTable: 'the rows under one folder, by a path range (the whole library for a root)' },
  { name: 'files.withStatus', run: (c) => drain(c.files.withStatus('ok')), wholeTable: 'streams every file with a status (most of the library for ok)' },
  { name: 'files.forGrouping', run: (c) => drain(c.files.forGrouping()), wholeTable: 'streams every ok file, less its thumbnail: what the library loads to group' },
  { name: 'files.thumbs.of (by file id)', run: (c) => drain(c.files.thumbs.of([1, 2, 3])) },
  { name: 'files.forGroupingByIds (a kept page)', run: (c) => drain(c.files.forGroupingByIds([1, 2, 3])) },
  { name: 'snapshots: stamp, current, put', run: (c) => (c.snapshots.put('k', c.snapshots.stamp()!, new Uint8Array(16)), c.snapshots.current('k')), wholeTable: 'the prune after a put reads the kept groupings table, which never holds more than 5 rows (their keys, not their bodies)' },
  { name: 'files.thumbs.set', run: (c) => (c.files.thumbs.set(4, new Uint8Array(3072)), c.files.thumbs.set(5, null)) },
  { name: 'files.counts', run: (c) => c.files.counts(), wholeTable: 'counts every file, per status' },
  { name: 'neighbors.put', run: (c, s) => c.neighbors.put(H(9), s.modelKey, { ids: Uint32Array.of(1), scores: Float32Array.of(0.5) }) },
  { name: 'neighbors.get', run: (c, s) => c.neighbors.get(H(10), s.modelKey) },
  { name: 'neighbors.allForModel', run: (c, s) => drain(c.neighbors.allForModel(s.modelKey)), wholeTable: 'loads every stored list of the model at once' },
  { name: 'neighbors.clear (one model)', run: (c, s) => c.neighbors.clear(s.otherModelKey), wholeTable: 'drops every stored list of a model' },
  { name: 'notDuplicates.add', run: (c) => c.notDuplicates.add(H(11), H(12)) },
  { name: 'notDuplicates.has', run: (c) => c.notDuplicates.has(H(101), H(100)) },
  { name: 'notDuplicates.remove', run: (c) => c.notDuplicates.remove(H(11), H(12)) },
  { name: 'notDuplicates.allPairs', run: (c) => c.notDuplicates.allPairs(), wholeTable: 'every pair, loaded once for grouping' },
];

let dir: string;
let catalog: Catalog;
let seeded: SeededLibrary;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-plans-'));
  catalog = Catalog.open(path.join(dir, 'catalog.db'));
  seeded = seedLibrary(catalog, { contents: 3000 });
});
afterAll(() => {
  catalog.close();
  rmSync(dir, { recursive: true, force: true });
});

describe.each([
  // ANALYZE first so sqlite_stat1 exists; `ANALYZE sqlite_schema` makes the connection re-read the statistics.
  { stats: 'without statistics', prepare: (db: DatabaseSync) => db.exec('ANALYZE; DELETE FROM sqlite_stat1; ANALYZE sqlite_schema') },
  { stats: 'after ANALYZE', prepare: (db: DatabaseSync) => db.exec('ANALYZE') },
])('catalog query plans, $stats', ({ stats, prepare }) => {
  beforeAll(() => {
    prepare(catalog.db);
    const statRows = (catalog.db.prepare('SELECT COUNT(*) AS n FROM sqlite_stat1').get() as { n: number }).n;
    expect(statRows > 0).toBe(stats === 'after ANALYZE');
  });

  it.each(cases)('$name', ({ run, wholeTable }) => {
    const sqls = statementsRunBy(() => run(catalog, seeded));
    expect(sqls.length).toBeGreaterThan(0);
    for (const sql of sqls) {
      const plan = planOf(catalog.db, sql);
      const verdict = judgePlan(plan);
      const shown = `${sql.replace(/\s+/g, ' ').trim()}\n${plan.map((r) => `  ${r.detail}`).join('\n')}`;
      expect(verdict.quadratic, shown).toEqual([]);
      if (!wholeTable) expect(verdict.wholeTable, shown).toEqual([]);
    }
  });
});

describe('the plan check itself', () => {
  // What users' catalogs had: migration 1's three files indexes, in that order (on a tie SQLite's choice depends
  // on it), and no statistics (nothing ran ANALYZE). With statistics SQLite avoids files_status on its own; the
  // composite index makes the plan right either way.
  it('flags the O(n²) live() plan of the schema before the (content_hash, status) index', () => {
    const file = path.join(dir, 'old-index.db');
    const old = Catalog.open(file);
    const s = seedLibrary(old, { contents: 500 });
    const [sql] = statementsRunBy(() => drain(old.embeddings.live(s.modelKey)));
    old.close();
    const db = new DatabaseSync(file);
    try {
      db.exec(`DROP INDEX files_content_hash_status; DROP INDEX files_pixel_hash; DROP INDEX files_status;
               CREATE INDEX files_content_hash ON files (content_hash);
               CREATE INDEX files_pixel_hash ON files (pixel_hash);
               CREATE INDEX files_status ON files (status);
               DROP TABLE IF EXISTS sqlite_stat1`);
      db.close();
      const reopened = new DatabaseSync(file);
      try {
        expect(judgePlan(planOf(reopened, sql!)).quadratic).toEqual([expect.stringMatching(/files_status \(status=\?\)/)]);
      } finally {
        reopened.close();
      }
    } finally {
      if (db.isOpen) db.close();
    }
  });
});

describe('live() at 20k contents', () => {
  it('returns exactly the model’s vectors whose content has an ok file, in id order', () => {
    const file = path.join(dir, 'live-20k.db');
    const big = Catalog.open(file);
    try {
      const s = seedLibrary(big, { contents: 20_000, dim: 4 });
      const rows = [...big.embeddings.live(s.modelKey)];
      expect(rows.length).toBe(s.live.size);
      expect(new Set(rows.map((r) => r.contentHash))).toEqual(s.live);
      expect(rows.every((r, i) => i === 0 || r.id > rows[i - 1]!.id)).toBe(true);
      const sample = rows[1234]!;
      expect([...sample.vector]).toEqual([...seedVector(Number.parseInt(sample.contentHash.slice(7), 16), 4)]);
      // Neither another model's vectors nor ones whose files all went missing or failed.
      expect(s.live.size).toBe(18_000);
    } finally {
      big.close();
    }
  });
});
