// Human-readable numbers for the UI. Pure functions: the views and tests share them.

// Sizes read the same in the CLI, the app and the engine's reasons: one implementation, in the value lists.
export { formatBytes } from '../../../electron/shared/values.js';

/** Seconds → "42 s", "3 min 05 s", "1 h 02 min"; null (no rate yet) → "estimating…". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return 'estimating…';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const minutes = Math.floor(s / 60);
  if (minutes < 60) return `${minutes} min ${String(s % 60).padStart(2, '0')} s`;
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}

export function formatRate(perSecond: number, unit = 'files'): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return `— ${unit}/s`;
  return `${perSecond >= 10 ? Math.round(perSecond) : perSecond.toFixed(1)} ${unit}/s`;
}

export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A 0–100 score with one decimal, as the engine rounds it. */
export function formatScore(score: number): string {
  return score.toFixed(1);
}

export function formatCosine(cosine: number): string {
  return cosine.toFixed(4);
}

/** ms since epoch or ISO string → "2024-05-01 14:03" (locale-neutral so screenshots and tests are stable). */
export function formatDate(value: number | string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Last path segment, for either separator (paths come from any OS). */
export function baseName(path: string): string {
  const trimmed = path.replace(/[\\/]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return cut === -1 ? trimmed : trimmed.slice(cut + 1);
}

export function dirName(path: string): string {
  const cut = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return cut <= 0 ? path.slice(0, cut + 1) : path.slice(0, cut);
}

/** Folder equality up to trailing separators (a dialog may return `/a/b/`). */
export function sameFolder(a: string, b: string): boolean {
  const trim = (p: string) => (p.length > 1 ? p.replace(/[\\/]+$/, '') : p);
  return trim(a) === trim(b);
}

/** 1 → "1 file", 1234 → "1,234 files". */
export function plural(n: number, word: string): string {
  return `${n.toLocaleString('en-US')} ${word}${n === 1 ? '' : 's'}`;
}

export function percent(done: number, total: number): number {
  if (total <= 0) return 0;
  return Math.min(100, Math.max(0, (done / total) * 100));
}
