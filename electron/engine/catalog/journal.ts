// The journal records file operations (trash, move) before they run, so an undo or a crash recovery knows
// exactly what was done. payload is the operation's own JSON.
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

  add<P>(kind: string, payload: P, state: JournalState = 'pending', now = Date.now()): number {
    const r = this.db
      .prepare('INSERT INTO journal (created_at, updated_at, kind, state, payload) VALUES (?, ?, ?, ?, ?) RETURNING id')
      .get(now, now, kind, state, JSON.stringify(payload)) as { id: number };
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
