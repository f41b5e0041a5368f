// Which member of a group to keep, by an ordered, configurable list of rules, with the reason for every verdict.
// A member under a reference root always wins over one outside (reference folders hold the originals and are
// never touched); then a member of a RAW+JPEG pair over a lone file (rawJpegPairs.ts: with an opt-in rule, the
// pair's RAW, or its JPEG, first); the rules then decide among equals, the first rule that tells two apart wins.
import path from 'node:path';
import { formatBytes, keepRules, type KeepRule } from '../../shared/values.js';
import type { PairPolicy } from './rawJpegPairs.js';

export type { KeepRule } from '../../shared/values.js';

/** The rules in their default order (shared/values.ts). */
export const DEFAULT_KEEP_RULES: readonly KeepRule[] = keepRules;

/** Earlier is better. Lossless/camera formats before lossy re-encodes. */
export const DEFAULT_FORMAT_PRIORITY: readonly string[] = [
  'heic', 'heif', 'raw', 'dng', 'cr2', 'cr3', 'nef', 'arw', 'orf', 'rw2', 'raf', 'png', 'tiff', 'jpeg', 'avif', 'webp', 'gif', 'bmp',
];

export interface KeepPolicy {
  rules: readonly KeepRule[];
  formatPriority: readonly string[];
  /** Folders in order of preference (earlier kept first); members elsewhere rank after all of them. */
  folderPriority: readonly string[];
  referenceRoots: readonly string[];
  /** RAW+JPEG pairs of the library and the user's rule for them; absent: no pairs. */
  pairs?: PairPolicy;
}

export const DEFAULT_KEEP_POLICY: KeepPolicy = {
  rules: DEFAULT_KEEP_RULES,
  formatPriority: DEFAULT_FORMAT_PRIORITY,
  folderPriority: [],
  referenceRoots: [],
};

export interface KeepCandidate {
  path: string;
  size: number;
  width: number | null;
  height: number | null;
  /** Lower-case format name as the scanner reports it (jpeg, png, webp, heif, …). */
  format: string | null;
  /** EXIF capture time, ms since epoch. */
  captureTime: number | null;
}

export interface KeepVerdict {
  keeperIndex: number;
  /** Reasons per member, in input order. */
  reasons: string[][];
  /** Members under a reference root: never an action target. */
  isReference: boolean[];
}

export function isUnder(file: string, root: string): boolean {
  const rel = path.relative(path.resolve(root), path.resolve(file));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const FORMAT_ALIASES: Record<string, string> = { jpg: 'jpeg', tif: 'tiff', heics: 'heic' };
const normFormat = (f: string | null): string | null => (f === null ? null : (FORMAT_ALIASES[f.toLowerCase()] ?? f.toLowerCase()));

const pixels = (c: KeepCandidate): number => (c.width ?? 0) * (c.height ?? 0);
const dims = (c: KeepCandidate): string => (c.width && c.height ? `${c.width}×${c.height}` : 'unknown size');

interface RuleEval {
  /** Positive: a is better. */
  compare(a: KeepCandidate, b: KeepCandidate): number;
  win(a: KeepCandidate): string;
  lose(a: KeepCandidate, keeper: KeepCandidate): string;
}

function ruleEvaluator(rule: KeepRule, policy: KeepPolicy): RuleEval {
  switch (rule) {
    case 'resolution':
      return {
        compare: (a, b) => pixels(a) - pixels(b),
        win: (a) => `highest resolution (${dims(a)})`,
        lose: (a, k) => `lower resolution (${dims(a)} < ${dims(k)})`,
      };
    case 'fileSize':
      return {
        compare: (a, b) => a.size - b.size,
        win: (a) => `largest file (${formatBytes(a.size)})`,
        lose: (a, k) => `smaller file (${formatBytes(a.size)} < ${formatBytes(k.size)})`,
      };
    case 'format': {
      const rank = (c: KeepCandidate): number => {
        const i = policy.formatPriority.indexOf(normFormat(c.format) ?? '');
        return i < 0 ? policy.formatPriority.length : i;
      };
      return {
        compare: (a, b) => rank(b) - rank(a),
        win: (a) => `preferred format (${normFormat(a.format) ?? 'unknown'})`,
        lose: (a, k) => `less preferred format (${normFormat(a.format) ?? 'unknown'} after ${normFormat(k.format) ?? 'unknown'})`,
      };
    }
    case 'captureTime': {
      const time = (c: KeepCandidate): number => c.captureTime ?? Number.POSITIVE_INFINITY;
      const show = (c: KeepCandidate): string => (c.captureTime === null ? 'no capture time' : new Date(c.captureTime).toISOString());
      return {
        compare: (a, b) => (time(a) === time(b) ? 0 : time(a) < time(b) ? 1 : -1),
        win: (a) => `earliest capture time (${show(a)})`,
        lose: (a, k) => `captured later (${show(a)} vs ${show(k)})`,
      };
    }
    case 'folder': {
      const rank = (c: KeepCandidate): number => {
        const i = policy.folderPriority.findIndex((root) => isUnder(c.path, root));
        return i < 0 ? policy.folderPriority.length : i;
      };
      return {
        compare: (a, b) => rank(b) - rank(a),
        win: (a) => `preferred folder (${path.dirname(a.path)})`,
        lose: (a) => `less preferred folder (${path.dirname(a.path)})`,
      };
    }
    case 'pathLength':
      return {
        compare: (a, b) => b.path.length - a.path.length || (a.path < b.path ? 1 : a.path > b.path ? -1 : 0),
        win: () => 'shortest path',
        lose: () => 'longer path',
      };
  }
}

/** 0: the pair member the rule keeps (either, by default); 1: the member it may drop; 2: a lone file. */
function pairRank(pairs: PairPolicy | undefined, c: KeepCandidate): number {
  const link = pairs?.of(c.path);
  if (!pairs || !link) return 2;
  if (pairs.rule === 'keep-both') return 0;
  return link.role === (pairs.rule === 'keep-raw' ? 'raw' : 'jpeg') ? 0 : 1;
}

function pairReason(pairs: PairPolicy, c: KeepCandidate): string {
  const link = pairs.of(c.path);
  if (!link) return 'not one of a RAW+JPEG pair';
  if (pairs.rule === 'keep-both') return 'one of a RAW+JPEG pair';
  const kept = pairs.rule === 'keep-raw' ? 'RAW' : 'JPEG';
  return `the ${link.role === 'raw' ? 'RAW' : 'JPEG'} of a RAW+JPEG pair (keep rule: keep the ${kept})`;
}

export function pickKeeper(members: readonly KeepCandidate[], policy: KeepPolicy = DEFAULT_KEEP_POLICY): KeepVerdict {
  if (members.length === 0) throw new Error('cannot pick a keeper of an empty group');
  const isReference = members.map((m) => policy.referenceRoots.some((r) => isUnder(m.path, r)));
  const ranks = members.map((m) => pairRank(policy.pairs, m));
  // pathLength last always makes the order total, so the keeper never depends on input order.
  const rules = [...policy.rules.filter((r) => r !== 'pathLength'), 'pathLength' as const].map((r) => ruleEvaluator(r, policy));
  /** Which rule first tells a from b, and its verdict (positive: a better). */
  const decide = (a: number, b: number): { rule: RuleEval | 'reference' | 'pair'; sign: number } => {
    if (isReference[a] !== isReference[b]) return { rule: 'reference', sign: isReference[a] ? 1 : -1 };
    if (ranks[a] !== ranks[b]) return { rule: 'pair', sign: ranks[a]! < ranks[b]! ? 1 : -1 };
    for (const rule of rules) {
      const c = rule.compare(members[a]!, members[b]!);
      if (c !== 0) return { rule, sign: Math.sign(c) };
    }
    return { rule: 'reference', sign: 0 };
  };
  let keeper = 0;
  for (let i = 1; i < members.length; i++) if (decide(i, keeper).sign > 0) keeper = i;

  const keeperReasons = new Set<string>();
  const reasons = members.map((m, i) => {
    if (i === keeper) return [];
    const { rule } = decide(keeper, i);
    const out: string[] = [];
    if (rule === 'reference') {
      keeperReasons.add('in a reference folder');
      out.push('not in a reference folder');
    } else if (rule === 'pair') {
      keeperReasons.add(pairReason(policy.pairs!, members[keeper]!));
      out.push(pairReason(policy.pairs!, m));
    } else {
      keeperReasons.add(rule.win(members[keeper]!));
      out.push(rule.lose(m, members[keeper]!));
    }
    if (isReference[i]) out.push('in a reference folder: never touched');
    return out;
  });
  reasons[keeper] = ['keep', ...keeperReasons];
  return { keeperIndex: keeper, reasons, isReference };
}
