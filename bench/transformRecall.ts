// Per-transform recall of any duplicate finder's groups against the corpus' truth.json: a copy counts when it lands
// in a group with its original. Also how many reported groups mix files of two originals (a false merge).
import { readFile } from 'node:fs/promises';
import path from 'node:path';

interface TruthFile {
  groups: { id: string; original: string; members: { path: string; transform: string }[] }[];
}

export interface Truth {
  /** Absolute path → its truth group's id (originals and copies alike). */
  groupOf: Map<string, string>;
  /** Every copy: its path, its original's path and how it was made. */
  copies: { path: string; original: string; transform: string }[];
  /** Transforms in the order truth.json lists them. */
  transforms: string[];
}

export interface TransformRecall {
  /** transform → hits and total copies. */
  recall: Record<string, { found: number; total: number }>;
  /** Reported groups holding files of two or more originals. */
  mixedGroups: number;
  groups: number;
}

export async function readTruth(corpus: string): Promise<Truth> {
  const file = JSON.parse(await readFile(path.join(corpus, 'truth.json'), 'utf8')) as TruthFile;
  const abs = (p: string) => path.join(corpus, p);
  const truth: Truth = { groupOf: new Map(), copies: [], transforms: [] };
  for (const g of file.groups) {
    truth.groupOf.set(abs(g.original), g.id);
    for (const m of g.members) {
      truth.groupOf.set(abs(m.path), g.id);
      truth.copies.push({ path: abs(m.path), original: abs(g.original), transform: m.transform });
      if (!truth.transforms.includes(m.transform)) truth.transforms.push(m.transform);
    }
  }
  return truth;
}

export function scoreGroups(truth: Truth, groups: readonly (readonly string[])[]): TransformRecall {
  // A file may sit in more than one reported group (some tools list overlapping sets): any one counts.
  const groupsOf = new Map<string, number[]>();
  groups.forEach((g, i) => g.forEach((p) => groupsOf.set(p, [...(groupsOf.get(p) ?? []), i])));
  const recall: TransformRecall['recall'] = {};
  for (const t of truth.transforms) recall[t] = { found: 0, total: 0 };
  for (const c of truth.copies) {
    const r = recall[c.transform]!;
    r.total++;
    const withOriginal = new Set(groupsOf.get(c.original) ?? []);
    if ((groupsOf.get(c.path) ?? []).some((i) => withOriginal.has(i))) r.found++;
  }
  const mixedGroups = groups.filter((g) => new Set(g.map((p) => truth.groupOf.get(p) ?? p)).size > 1).length;
  return { recall, mixedGroups, groups: groups.length };
}

export interface TableColumn {
  name: string;
  score: TransformRecall;
  wallSeconds: number;
}

/** The side-by-side table, in Markdown (as the issue notes quote it). */
export function recallTable(transforms: readonly string[], columns: readonly TableColumn[]): string {
  const row = (cells: string[]) => `| ${cells.join(' | ')} |`;
  const lines = [row(['transform', ...columns.map((c) => c.name)]), row(['---', ...columns.map(() => '---')])];
  for (const t of transforms) {
    lines.push(row([t, ...columns.map((c) => `${c.score.recall[t]?.found ?? 0}/${c.score.recall[t]?.total ?? 0}`)]));
  }
  lines.push(row(['groups mixing two originals', ...columns.map((c) => String(c.score.mixedGroups))]));
  lines.push(row(['groups reported', ...columns.map((c) => String(c.score.groups))]));
  lines.push(row(['wall time', ...columns.map((c) => `${c.wallSeconds.toFixed(1)} s`)]));
  return lines.join('\n');
}
