// The journal records file operations (trash, move) before they run, so an undo or a crash recovery knows
// exactly what was done. payload is the operation's own JSON. A new entry is synced to disk before add() returns
// (synchronous = FULL): the catalog's WAL default (NORMAL) may lose the last commits in a power cut, and a lost
// `pending` entry would be a moved file that undo cannot find. Later updates (done, where the file went) keep
// NORMAL: losing one leaves the entry pending, which undo settles by looking where the file is. One FULL commit
// costs an fsync (2-6 ms an action on this project's test disk, against 0.3 ms), so only the one that matters pays.
import type { DatabaseSync } from 'node:sqlite';

export type JournalState = 'pending' | 'done' | 'undone' | 'failed';

export interface JournalEntry<P = unknown> {
  id: number;
  createdAt: number;
  updatedAt: number;
  kind: string;
  state: JournalState;
  payload: P;
}

interface JournalRow {
  id: number;
  created_at: number;
  updated_at: number;
  kind: string;
  state: JournalState;
  payload: string;
}

const toEntry = <P>(r: JournalRow): JournalEntry<P> => ({
  id: r.id,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
  kind: r.kind,
  state: r.state,
  payload: JSON.parse(r.payload) as P,
});

export class JournalStore {
  constructor(private readonly db: DatabaseSync) {}

  /**
   * Runs one write with the connection at synchronous = FULL, then back to its own level (the scanner's batches
   * keep NORMAL). Inside a transaction the level cannot change: the enclosing commit decides.
   */
  #durably<T>(write: () => T): T {
    if (this.db.isTransaction) return write();
    const level = (this.db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    this.db.exec('PRAGMA synchronous = FULL');
    try {
      return write();
    } finally {
      this.db.exec(`PRAGMA synchronous = ${Number(level)}`);
    }
  }

  add<P>(kind: string, payload: P, state: JournalState = 'pending', now = Date.now()): number {
    const r = this.#durably(() =>
      this.db
        .prepare('INSERT INTO journal (created_at, updated_at, kind, state, payload) VALUES (?, ?, ?, ?, ?) RETURNING id')
        .get(now, now, kind, state, JSON.stringify(payload)),
    ) as { id: number };
    return r.id;
  }

  setState(id: number, state: JournalState, now = Date.now()): void {
    const changes = this.db.prepare('UPDATE journal SET state = ?, updated_at = ? WHERE id = ?').run(state, now, id).changes;
    if (Number(changes) !== 1) throw new Error(`no journal entry ${id}`);
  }

  /** Replaces the payload (e.g. to record where a trashed file went). */
  setPayload<P>(id: number, payload: P, now = Date.now()): void {
    const changes = this.db.prepare('UPDATE journal SET payload = ?, updated_at = ? WHERE id = ?').run(JSON.stringify(payload), now, id).changes;
    if (Number(changes) !== 1) throw new Error(`no journal entry ${id}`);
  }

  get<P = unknown>(id: number): JournalEntry<P> | null {
    const r = this.db.prepare('SELECT * FROM journal WHERE id = ?').get(id) as JournalRow | undefined;
    return r ? toEntry<P>(r) : null;
  }

  /** Newest first. */
  list<P = unknown>(filter: { state?: JournalState; kind?: string; limit?: number } = {}): JournalEntry<P>[] {
    const rows = this.db
      .prepare(`SELECT * FROM journal WHERE (?1 IS NULL OR state = ?1) AND (?2 IS NULL OR kind = ?2)
                ORDER BY id DESC LIMIT ?3`)
      .all(filter.state ?? null, filter.kind ?? null, filter.limit ?? -1) as unknown as JournalRow[];
    return rows.map((r) => toEntry<P>(r));
  }
}
