// Duplicate reports as JSON (the CLI contract's shape, plus tiers and flags) and CSV (one row per member).
import type { DuplicateReport } from './report.js';

export function reportToJson(report: DuplicateReport): string {
  return `${JSON.stringify(report, null, 2)}\n`;
}

const CSV_COLUMNS = ['group', 'group_tier', 'path', 'tier', 'score', 'keep', 'reference', 'excluded', 'reasons'] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets never run a path as a formula. */
function csvField(value: string | number | boolean): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function reportToCsv(report: DuplicateReport): string {
  const lines = [CSV_COLUMNS.join(',')];
  report.groups.forEach((g, i) => {
    for (const m of g.members) {
      lines.push(
        [i + 1, g.tier, m.path, m.tier, m.score, m.isKeeper, m.isReference, m.isExcluded, m.reasons.join('; ')].map(csvField).join(','),
      );
    }
  });
  return `${lines.join('\r\n')}\r\n`;
}
