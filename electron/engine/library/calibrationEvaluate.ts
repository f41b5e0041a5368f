// How well the library's groups match a ground truth (the format of ../shared/photos/truth.json: groups of an
// original and its edited members, and distinct-but-similar pairs that must stay apart), at the library's
// threshold and over a sweep. Recall: a member lands in its original's group (near duplicate or stronger, never
// `similar`), per transform and per difficulty. Precision: of the grouped pairs (each member with its group's
// first file), the share from one truth group. Distinct merged: distinct-similar pairs whose truth groups share a
// library group. Files the library has not scanned count as misses and are reported.
import { realpathSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { LookalikeError } from '../errors.js';
import type { GroupIndex } from './groupIndex.js';

const truthSchema = z.object({
  groups: z.array(z.object({ id: z.string(), original: z.string(), members: z.array(z.object({ path: z.string(), transform: z.string(), difficulty: z.string() })) })),
  distinct_similar_pairs: z.array(z.tuple([z.string(), z.string()])).optional(),
});
export type Truth = z.infer<typeof truthSchema>;

export const SWEEP = [80, 85, 88, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99] as const;

export interface EvaluationPoint {
  threshold: number;
  recall: Record<string, number>;
  recallByDifficulty: Record<string, number>;
  precision: number;
  distinctMerged: number;
}

export interface Evaluation extends EvaluationPoint {
  /** Truth files the library has no record of (not scanned, or not under its folders). */
  unscanned: number;
  distinctPairs: number;
  sweep: EvaluationPoint[];
}

export async function readTruth(file: string): Promise<{ truth: Truth; dir: string }> {
  const text = await readFile(file, 'utf8').catch((err: unknown) => {
    throw new LookalikeError('not-found', `cannot read the truth file ${file}: ${(err as Error).message}`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new LookalikeError('invalid-request', `${file} is not JSON: ${(err as Error).message}`);
  }
  const parsed = truthSchema.safeParse(json);
  if (!parsed.success) throw new LookalikeError('invalid-request', `${file} is not a truth file (groups of {original, members: [{path, transform, difficulty}]}): ${parsed.error.issues[0]?.message ?? ''}`);
  return { truth: parsed.data, dir: realpathSync(path.dirname(path.resolve(file))) };
}

const share = (a: number, b: number): number => (b === 0 ? 1 : Math.round((a / b) * 1000) / 1000);

function point(index: GroupIndex, truth: Truth, abs: (rel: string) => string, threshold: number): EvaluationPoint {
  const grouped = index.report({ threshold, includeSimilar: false });
  const groupOfFile = new Map<string, number>();
  grouped?.report.groups.forEach((g, i) => g.members.forEach((m) => groupOfFile.set(m.path, i)));
  const together = (a: string, b: string) => groupOfFile.has(abs(a)) && groupOfFile.get(abs(a)) === groupOfFile.get(abs(b));
  const tally = (map: Map<string, [number, number]>, key: string, hit: boolean) => {
    const t = map.get(key) ?? [0, 0];
    map.set(key, [t[0] + (hit ? 1 : 0), t[1] + 1]);
  };
  const byTransform = new Map<string, [number, number]>();
  const byDifficulty = new Map<string, [number, number]>();
  const truthOf = new Map<string, string>();
  for (const g of truth.groups) {
    truthOf.set(abs(g.original), g.id);
    for (const m of g.members) {
      truthOf.set(abs(m.path), g.id);
      const hit = together(g.original, m.path);
      tally(byTransform, m.transform, hit);
      tally(byDifficulty, m.difficulty, hit);
    }
  }
  let pairs = 0;
  let correct = 0;
  for (const g of grouped?.report.groups ?? []) {
    const first = truthOf.get(g.members[0]!.path);
    for (const m of g.members.slice(1)) {
      pairs++;
      if (first !== undefined && truthOf.get(m.path) === first) correct++;
    }
  }
  const filesOf = new Map(truth.groups.map((g) => [abs(g.original), [g.original, ...g.members.map((m) => m.path)].map(abs)]));
  const merged = (truth.distinct_similar_pairs ?? []).filter(([a, b]) => {
    const groupsA = new Set((filesOf.get(abs(a)) ?? [abs(a)]).map((f) => groupOfFile.get(f) ?? -1));
    return (filesOf.get(abs(b)) ?? [abs(b)]).some((f) => groupsA.has(groupOfFile.get(f) ?? -2));
  }).length;
  const rates = (m: Map<string, [number, number]>) => Object.fromEntries([...m].map(([k, [hit, of]]) => [k, share(hit, of)]));
  return { threshold, recall: rates(byTransform), recallByDifficulty: rates(byDifficulty), precision: share(correct, pairs), distinctMerged: merged };
}

/** The evaluation at `threshold` (the library's own by default) and over SWEEP. */
export function evaluateGroups(index: GroupIndex, truth: Truth, dir: string, threshold: number): Evaluation {
  const abs = (rel: string) => path.join(dir, rel);
  if (!index.load()) throw new LookalikeError('unavailable', 'the library has no photos yet: scan the truth file\'s folder first');
  const known = new Set(index.filesInLibrary().map((f) => f.path));
  const all = truth.groups.flatMap((g) => [g.original, ...g.members.map((m) => m.path)]);
  const unscanned = all.filter((rel) => !known.has(abs(rel))).length;
  if (unscanned === all.length) throw new LookalikeError('invalid-request', `none of the truth file's photos are in the library: scan ${dir} first`);
  return {
    ...point(index, truth, abs, threshold),
    unscanned,
    distinctPairs: truth.distinct_similar_pairs?.length ?? 0,
    sweep: SWEEP.map((t) => point(index, truth, abs, t)),
  };
}
