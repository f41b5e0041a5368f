// The scanner's whole-library questions, asked in bulk: a rescan of 100k unchanged files is bound by per-call
// cost (a statement call through node:sqlite costs more than the index probes it runs: 100k single-path lookups
// took 1.9 s of CPU here, the same lookups 256 to a call 0.5 s).
//   lookupMany: FileStore.lookup for a batch of paths in one statement (json_each), same answer per path.
//   liveIdsUnder: ids of the rows under a root that are not missing, as plain numbers (for marking missing).
// lookupMany selects FileStore.lookup's columns (files.ts LOOKUP_COLUMNS), so the two answers cannot drift.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { LOOKUP_COLUMNS, pathRange, type FileLookup, type FileStatus, type FileStore } from './files.js';

/** A row of lookupMany, as an array (no keyed object per row): index in the batch, then LOOKUP_COLUMNS. */
type LookupRow = [
  index: number, id: number, size: number, mtimeMs: number, status: FileStatus, contentHash: string | null,
  error: string | null, format: string | null, hasThumb: number, hasEmbedding: number,
];

export class ScanLookup {
  private readonly manyStmt: StatementSync;
  private readonly liveIdsStmt: StatementSync;

  constructor(db: DatabaseSync, private readonly files: FileStore) {
    this.manyStmt = db.prepare(`
      SELECT j.key, ${LOOKUP_COLUMNS} FROM json_each(:paths) j JOIN files f ON f.path = j.value`);
    this.manyStmt.setReturnArrays(true);
    this.liveIdsStmt = db.prepare(`SELECT id FROM files WHERE path >= ? AND path < ? AND status != 'missing'`);
    this.liveIdsStmt.setReturnArrays(true);
  }

  /** The catalog's row for each path (null where it has none), in the order given. */
  lookupMany(paths: readonly string[], modelKey: string): (FileLookup | null)[] {
    // A lone surrogate (possible in a Windows file name) would not survive the JSON round trip unchanged: such a
    // path is sent as null (it matches nothing) and asked on its own (FileStore.lookup), bound as the writer binds it.
    const odd = paths.filter((p) => !p.isWellFormed());
    const asked = odd.length === 0 ? paths : paths.map((p) => (p.isWellFormed() ? p : null));
    const out: (FileLookup | null)[] = new Array<FileLookup | null>(paths.length).fill(null);
    if (paths.length > odd.length) {
      for (const r of this.manyStmt.all({ model: modelKey, paths: JSON.stringify(asked) }) as unknown as LookupRow[]) out[r[0]] = toLookup(r);
    }
    if (odd.length > 0) paths.forEach((p, i) => (out[i] ??= p.isWellFormed() ? null : this.files.lookup(p, modelKey)));
    return out;
  }

  /** Ids of rows strictly under `root` whose status is not 'missing', streamed (a million fit in no memory). */
  *liveIdsUnder(root: string, sep: string): Generator<number> {
    const { low, high } = pathRange(root, sep);
    for (const r of this.liveIdsStmt.iterate(low, high) as Iterable<[number]>) yield r[0];
  }
}

function toLookup(r: LookupRow): FileLookup {
  return {
    id: r[1],
    size: r[2],
    mtimeMs: r[3],
    status: r[4],
    contentHash: r[5],
    error: r[6],
    format: r[7],
    hasPixelThumb: r[8] === 1,
    hasEmbedding: r[9] === 1,
  };
}
