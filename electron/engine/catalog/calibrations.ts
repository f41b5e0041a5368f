// Per-model calibrations (library/calibration.ts decides what they hold): the run's parameters while it runs, the
// result once done, and every measured edit cosine so a stopped run picks up where it was.
import type { DatabaseSync } from 'node:sqlite';

export interface CalibrationRecord<P = unknown, R = unknown> {
  modelKey: string;
  state: 'running' | 'done';
  params: P;
  result: R | null;
  updatedAt: number;
}

export interface EditCosine {
  contentHash: string;
  edit: string;
  cosine: number;
}

interface Row {
  model_key: string;
  state: 'running' | 'done';
  params: string;
  result: string | null;
  updated_at: number;
}

export class CalibrationStore {
  constructor(private readonly db: DatabaseSync) {}

  get<P, R>(modelKey: string): CalibrationRecord<P, R> | null {
    const r = this.db.prepare('SELECT * FROM calibrations WHERE model_key = ?').get(modelKey) as Row | undefined;
    if (!r) return null;
    return { modelKey: r.model_key, state: r.state, params: JSON.parse(r.params) as P, result: r.result === null ? null : (JSON.parse(r.result) as R), updatedAt: r.updated_at };
  }

  /** A new run for the model: any earlier calibration and its edits are replaced. */
  begin(modelKey: string, params: unknown, now = Date.now()): void {
    this.db.prepare('DELETE FROM calibrations WHERE model_key = ?').run(modelKey);
    this.db.prepare(`INSERT INTO calibrations (model_key, state, params, result, updated_at) VALUES (?, 'running', ?, NULL, ?)`).run(modelKey, JSON.stringify(params), now);
  }

  finish(modelKey: string, result: unknown, now = Date.now()): void {
    this.db.prepare(`UPDATE calibrations SET state = 'done', result = ?, updated_at = ? WHERE model_key = ?`).run(JSON.stringify(result), now, modelKey);
  }

  addEdits(modelKey: string, edits: readonly EditCosine[]): void {
    const put = this.db.prepare('INSERT OR REPLACE INTO calibration_edits (model_key, content_hash, edit, cosine) VALUES (?, ?, ?, ?)');
    for (const e of edits) put.run(modelKey, e.contentHash, e.edit, e.cosine);
  }

  edits(modelKey: string): EditCosine[] {
    const rows = this.db.prepare('SELECT content_hash, edit, cosine FROM calibration_edits WHERE model_key = ?').all(modelKey) as { content_hash: string; edit: string; cosine: number }[];
    return rows.map((r) => ({ contentHash: r.content_hash, edit: r.edit, cosine: r.cosine }));
  }

  /** Models with a finished calibration. */
  doneKeys(): string[] {
    return (this.db.prepare(`SELECT model_key FROM calibrations WHERE state = 'done'`).all() as { model_key: string }[]).map((r) => r.model_key);
  }
}
