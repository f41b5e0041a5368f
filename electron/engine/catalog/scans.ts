// Scan bookkeeping. A scan writes a 'running' row and beats a heartbeat while it works; a row still 'running'
// whose process is gone (or whose heartbeat stopped) is a scan that was killed or crashed.
import os from 'node:os';
import type { DatabaseSync } from 'node:sqlite';

export type ScanState = 'running' | 'done' | 'cancelled' | 'interrupted' | 'failed';

export interface ScanRecord<P = unknown, C = unknown> {
  id: number;
  startedAt: number;
  finishedAt: number | null;
  heartbeatAt: number;
  state: ScanState;
  pid: number;
  host: string;
  params: P;
  counts: C;
  error: string | null;
}

interface ScanRow {
  id: number;
  started_at: number;
  finished_at: number | null;
  heartbeat_at: number;
  state: ScanState;
  pid: number;
  host: string;
  params: string;
  counts: string;
  error: string | null;
}

/** A live scan beats at least this often; one silent for longer is treated as dead. */
export const HEARTBEAT_MS = 15_000;
const STALE_AFTER_MS = 8 * HEARTBEAT_MS;

const toRecord = <P, C>(r: ScanRow): ScanRecord<P, C> => ({
  id: r.id,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  heartbeatAt: r.heartbeat_at,
  state: r.state,
  pid: r.pid,
  host: r.host,
  params: JSON.parse(r.params) as P,
  counts: JSON.parse(r.counts) as C,
  error: r.error,
});

function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: it exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export class ScanStore {
  constructor(private readonly db: DatabaseSync) {}

  start(params: unknown, now = Date.now()): number {
    const r = this.db
      .prepare(`INSERT INTO scans (started_at, heartbeat_at, state, pid, host, params) VALUES (?, ?, 'running', ?, ?, ?) RETURNING id`)
      .get(now, now, process.pid, os.hostname(), JSON.stringify(params)) as { id: number };
    return r.id;
  }

  /** Saves progress so far and proves the scan is alive. */
  beat(id: number, counts: unknown, now = Date.now()): void {
    this.db.prepare('UPDATE scans SET heartbeat_at = ?, counts = ? WHERE id = ?').run(now, JSON.stringify(counts), id);
  }

  finish(id: number, state: Exclude<ScanState, 'running'>, counts: unknown, error: string | null = null, now = Date.now()): void {
    this.db
      .prepare('UPDATE scans SET state = ?, finished_at = ?, heartbeat_at = ?, counts = ?, error = ? WHERE id = ?')
      .run(state, now, now, JSON.stringify(counts), error, id);
  }

  get<P = unknown, C = unknown>(id: number): ScanRecord<P, C> | null {
    const r = this.db.prepare('SELECT * FROM scans WHERE id = ?').get(id) as ScanRow | undefined;
    return r ? toRecord<P, C>(r) : null;
  }

  latest<P = unknown, C = unknown>(): ScanRecord<P, C> | null {
    const r = this.db.prepare('SELECT * FROM scans ORDER BY id DESC LIMIT 1').get() as ScanRow | undefined;
    return r ? toRecord<P, C>(r) : null;
  }

  /** Latest scan that ran to the end. */
  lastFinished<P = unknown, C = unknown>(): ScanRecord<P, C> | null {
    const r = this.db.prepare(`SELECT * FROM scans WHERE state = 'done' ORDER BY id DESC LIMIT 1`).get() as ScanRow | undefined;
    return r ? toRecord<P, C>(r) : null;
  }

  isDead(scan: Pick<ScanRecord, 'state' | 'pid' | 'host' | 'heartbeatAt'>, now = Date.now()): boolean {
    if (scan.state !== 'running') return false;
    if (now - scan.heartbeatAt > STALE_AFTER_MS) return true;
    return scan.host === os.hostname() && scan.pid !== process.pid && !processExists(scan.pid);
  }

  /** Rows still 'running' with no live process behind them, newest first. */
  dead<P = unknown, C = unknown>(now = Date.now()): ScanRecord<P, C>[] {
    const rows = this.db.prepare(`SELECT * FROM scans WHERE state = 'running' ORDER BY id DESC`).all() as unknown as ScanRow[];
    return rows.map((r) => toRecord<P, C>(r)).filter((s) => this.isDead(s, now));
  }

  /** Marks dead 'running' rows 'interrupted' and returns them. */
  markDeadInterrupted<P = unknown, C = unknown>(now = Date.now()): ScanRecord<P, C>[] {
    const dead = this.dead<P, C>(now);
    const stmt = this.db.prepare(`UPDATE scans SET state = 'interrupted' WHERE id = ? AND state = 'running'`);
    for (const s of dead) stmt.run(s.id);
    return dead.map((s) => ({ ...s, state: 'interrupted' as const }));
  }

  /**
   * The scan a new start should pick up: the newest that was killed or crashed, unless a scan finished after it.
   * Includes rows still marked 'running' whose process is gone.
   */
  interrupted<P = unknown, C = unknown>(now = Date.now()): ScanRecord<P, C> | null {
    const rows = this.db
      .prepare(`SELECT * FROM scans WHERE id > COALESCE((SELECT MAX(id) FROM scans WHERE state = 'done'), 0)
                AND state IN ('running', 'interrupted') ORDER BY id DESC`)
      .all() as unknown as ScanRow[];
    for (const r of rows) {
      const s = toRecord<P, C>(r);
      if (s.state === 'interrupted' || this.isDead(s, now)) return s;
    }
    return null;
  }
}
