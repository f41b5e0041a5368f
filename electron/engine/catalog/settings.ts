// Key/value settings kept with the library (e.g. the chosen model, thresholds). Values are strings; JSON helpers
// for structured ones.
import type { DatabaseSync } from 'node:sqlite';

export class SettingsStore {
  constructor(private readonly db: DatabaseSync) {}

  get(key: string): string | null {
    const r = this.db.prepare('SELECT value FROM settings WHERE key = ?').get(key) as { value: string } | undefined;
    return r ? r.value : null;
  }

  set(key: string, value: string): void {
    this.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(key, value);
  }

  delete(key: string): void {
    this.db.prepare('DELETE FROM settings WHERE key = ?').run(key);
  }

  getJson<T>(key: string): T | null {
    const v = this.get(key);
    return v === null ? null : (JSON.parse(v) as T);
  }

  setJson(key: string, value: unknown): void {
    this.set(key, JSON.stringify(value));
  }

  all(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const r of this.db.prepare('SELECT key, value FROM settings ORDER BY key').all()) {
      const row = r as { key: string; value: string };
      out[row.key] = row.value;
    }
    return out;
  }
}
