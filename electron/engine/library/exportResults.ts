// Duplicate groups as files and as `dupes --json`: one JSON shape (the groups as the library scores them, less the
// app's thumbnail URLs) and CSV (one row per member). Both front ends write exactly these, through one writer
// that never replaces an existing file unless asked to (and then atomically: temp file, then rename).
import { OutputFile } from '../export/outputFile.js';
import type { DuplicateGroup, GroupMember } from './types.js';

export type MemberJson = Omit<GroupMember, 'thumb'>;
export type GroupJson = Omit<DuplicateGroup, 'members'> & { members: MemberJson[] };

export interface GroupsJson {
  threshold: number;
  groups: GroupJson[];
}

export function groupToJson(g: DuplicateGroup): GroupJson {
  return { ...g, members: g.members.map(({ thumb: _thumb, ...m }) => m) };
}

export function groupsToJson(threshold: number, groups: readonly DuplicateGroup[]): string {
  const body: GroupsJson = { threshold, groups: groups.map(groupToJson) };
  return `${JSON.stringify(body, null, 2)}\n`;
}

// hamming and cosine (the evidence, both against the keeper) come last so that existing readers of the columns before them still work.
const CSV_COLUMNS = ['group', 'group_tier', 'path', 'match', 'score', 'keep', 'reference', 'excluded', 'bytes', 'reasons', 'hamming', 'cosine'] as const;

/** RFC 4180 quoting; a leading = + - @ is prefixed with ' so spreadsheets never run a path as a formula. */
function csvField(value: string | number | boolean): string {
  let s = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function groupsToCsv(groups: readonly DuplicateGroup[]): string {
  const lines = [CSV_COLUMNS.join(',')];
  groups.forEach((g, i) => {
    for (const m of g.members) {
      const evidence = [m.hamming ?? '', m.cosine === null || m.cosine === undefined ? '' : Math.round(m.cosine * 1e6) / 1e6];
      const row = [i + 1, g.tier, m.path, m.match, m.score, m.path === g.keep, m.reference, m.excluded, m.bytes, m.reasons.join('; '), ...evidence];
      lines.push(row.map(csvField).join(','));
    }
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** Writes an export of results: a `conflict` naming the file if it exists and `overwrite` is not set. */
export async function writeResultsFile(out: string, text: string, overwrite: boolean): Promise<void> {
  const file = await OutputFile.create(out, { overwrite });
  try {
    await file.appendText(text);
    await file.commit();
  } catch (err) {
    await file.discard();
    throw err;
  }
}
