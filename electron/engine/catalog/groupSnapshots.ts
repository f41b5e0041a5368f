// What a duplicate grouping was made from, and the grouping itself, kept in the catalog: the app opened on a
// million photos shows its first page from the last grouping (one row read) instead of reloading every file,
// vector and neighbour list. Migration 11 adds a change counter that triggers bump on every write grouping
// depends on, so a kept grouping is used only while nothing it was made from has changed since.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

/** Columns of `files` a grouping reads; a rescan that rewrites a row with the same values changes nothing. */
const FILE_COLUMNS = ['path', 'size', 'mtime_ms', 'content_hash', 'width', 'height', 'format', 'taken_at', 'camera_make', 'camera_model', 'orientation', 'pixel_hash', 'status'];
/** Tables whose every row change can change a grouping (the perceptual print is derived from the thumbnail). */
const WHOLE_TABLES = ['embeddings', 'neighbors', 'roots', 'not_duplicate'];

const bump = 'UPDATE catalog_changes SET n = n + 1 WHERE id = 1;';

/** Migration 11: the counter, its triggers and the kept groupings (shipped: a change to the lists above is a new migration). */
export function groupSnapshotSchema(): string {
  const changed = FILE_COLUMNS.map((c) => `OLD.${c} IS NOT NEW.${c}`).join(' OR ');
  const triggers = [
    `CREATE TRIGGER files_added_changes AFTER INSERT ON files BEGIN ${bump} END;`,
    `CREATE TRIGGER files_removed_changes AFTER DELETE ON files BEGIN ${bump} END;`,
    `CREATE TRIGGER files_updated_changes AFTER UPDATE ON files WHEN ${changed} BEGIN ${bump} END;`,
    // The scanner writes a file's thumbnail again with its row: only different pixels are a change.
    `CREATE TRIGGER file_thumbs_insert_changes AFTER INSERT ON file_thumbs BEGIN ${bump} END;`,
    `CREATE TRIGGER file_thumbs_delete_changes AFTER DELETE ON file_thumbs BEGIN ${bump} END;`,
    `CREATE TRIGGER file_thumbs_update_changes AFTER UPDATE ON file_thumbs WHEN OLD.file_id IS NOT NEW.file_id OR OLD.thumb IS NOT NEW.thumb BEGIN ${bump} END;`,
    ...WHOLE_TABLES.flatMap((t) => ['INSERT', 'UPDATE', 'DELETE'].map((op) => `CREATE TRIGGER ${t}_${op.toLowerCase()}_changes AFTER ${op} ON ${t} BEGIN ${bump} END;`)),
  ];
  return `
    CREATE TABLE catalog_changes (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
    INSERT INTO catalog_changes (id, n) VALUES (1, 0);
    CREATE TABLE group_snapshots (
      key         TEXT    PRIMARY KEY,
      stamp       INTEGER NOT NULL,
      created_at  INTEGER NOT NULL,
      body        BLOB    NOT NULL
    ) WITHOUT ROWID;
    ${triggers.join('\n    ')}
  `;
}

/** Groupings kept: a few slider positions (each a few MB at a million photos). */
const KEPT = 4;

interface Statements {
  restamp: StatementSync;
  stamp: StatementSync;
  get: StatementSync;
  put: StatementSync;
  prune: StatementSync;
}

export class GroupSnapshotStore {
  #stmts: Statements | null | undefined;

  constructor(private readonly db: DatabaseSync) {}

  /** Prepared on first use; null for a catalog opened read-only before migration 11 (nothing is kept then). */
  #statements(): Statements | null {
    if (this.#stmts !== undefined) return this.#stmts;
    try {
      this.#stmts = {
        stamp: this.db.prepare('SELECT n FROM catalog_changes WHERE id = 1'),
        restamp: this.db.prepare('UPDATE group_snapshots SET stamp = ?, created_at = ? WHERE key = ?'),
        get: this.db.prepare('SELECT stamp, body FROM group_snapshots WHERE key = ?'),
        put: this.db.prepare(`INSERT INTO group_snapshots (key, stamp, created_at, body) VALUES (?, ?, ?, ?)
          ON CONFLICT (key) DO UPDATE SET stamp = excluded.stamp, created_at = excluded.created_at, body = excluded.body`),
        prune: this.db.prepare(`DELETE FROM group_snapshots WHERE key NOT IN
          (SELECT key FROM group_snapshots ORDER BY created_at DESC, key LIMIT ${KEPT})`),
      };
    } catch {
      this.#stmts = null;
    }
    return this.#stmts;
  }

  /** The change counter now (null without migration 11): equal to a snapshot's stamp while nothing it was made from changed. */
  stamp(): number | null {
    const r = this.#statements()?.stamp.get() as { n: number | bigint } | undefined;
    return r ? Number(r.n) : null;
  }

  /** The grouping kept under this key, when it is still current. */
  current(key: string): Uint8Array | null {
    const r = this.#statements()?.get.get(key) as { stamp: number; body: Uint8Array } | undefined;
    return r && r.stamp === this.stamp() ? r.body : null;
  }

  /** The grouping kept under this key is the catalog at `stamp` too (a resolve and its undo changed nothing it holds). */
  restamp(key: string, stamp: number, now = Date.now()): void {
    this.#statements()?.restamp.run(stamp, now, key);
  }

  /** Keeps a grouping made from the catalog as it was at `stamp` (a later change makes it stale at once). */
  put(key: string, stamp: number, body: Uint8Array, now = Date.now()): void {
    const s = this.#statements();
    if (!s) return;
    s.put.run(key, stamp, now, body);
    s.prune.run();
  }
}
