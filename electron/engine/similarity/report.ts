// Groups + keeper verdicts → the report every front end shows and exports (the CLI's `dupes --json` shape).
import type { HashedFile } from './hashClasses.js';
import type { DuplicateGroup, MatchReason, Tier } from './grouping.js';
import type { RawJpegRule } from '../../shared/values.js';
import { DEFAULT_KEEP_POLICY, pickKeeper, type KeepCandidate, type KeepPolicy } from './keepBest.js';
import { pairAllowsAction, type PairLink } from './rawJpegPairs.js';

export interface ReportMember {
  path: string;
  tier: Tier;
  /** Why this member is in its tier, e.g. 'same pixels (EXIF-rotated copy)'. */
  match: MatchReason;
  score: number;
  reasons: string[];
  isKeeper: boolean;
  isReference: boolean;
  isExcluded: boolean;
  /** Its RAW+JPEG partner, when it is one of a pair (rawJpegPairs.ts). */
  pair?: PairLink | null;
}

export interface ReportGroup {
  tier: Tier;
  keep: string;
  /** The user's rule for RAW+JPEG pairs; absent: keep both. */
  pairRule?: RawJpegRule;
  /** Keeper first, then the rest in the group's order. */
  members: ReportMember[];
}

export interface DuplicateReport {
  threshold: number;
  groups: ReportGroup[];
}

export type ReportableFile = HashedFile & KeepCandidate;

export function buildReport<F extends ReportableFile>(
  groups: readonly DuplicateGroup<F>[],
  threshold: number,
  policy: KeepPolicy = DEFAULT_KEEP_POLICY,
  isExcluded: (path: string) => boolean = () => false,
): DuplicateReport {
  return {
    threshold,
    groups: groups.map((g) => {
      const verdict = pickKeeper(g.members.map((m) => m.file), policy);
      const members = g.members.map((m, i): ReportMember => {
        const excluded = isExcluded(m.file.path);
        const reasons = [...verdict.reasons[i]!];
        if (excluded && i !== verdict.keeperIndex) reasons.push('excluded: never touched');
        const pair = policy.pairs?.of(m.file.path) ?? null;
        const keeperPath = g.members[verdict.keeperIndex]!.file.path;
        if (pair && i !== verdict.keeperIndex && !pairAllowsAction(pair, keeperPath, policy.pairs!.rule)) {
          reasons.push('one of a RAW+JPEG pair: never touched unless a pair keep rule says so');
        }
        return {
          path: m.file.path,
          tier: m.tier,
          match: m.match,
          score: m.score,
          reasons,
          isKeeper: i === verdict.keeperIndex,
          isReference: verdict.isReference[i]!,
          isExcluded: excluded,
          pair,
        };
      });
      const keeper = members[verdict.keeperIndex]!;
      const pairRule = policy.pairs?.rule ?? 'keep-both';
      return { tier: g.tier, keep: keeper.path, pairRule, members: [keeper, ...members.filter((m) => !m.isKeeper)] };
    }),
  };
}

/** The bytes resolving this group would free: its action targets' sizes (a file of unknown size counts 0). */
export function reclaimableBytes(group: ReportGroup, sizeOf: (path: string) => number | undefined): number {
  let bytes = 0;
  for (const m of actionTargets(group)) bytes += sizeOf(m.path) ?? 0;
  return bytes;
}

/**
 * Members an action may touch: not the keeper, not under a reference root, not excluded, and not one of a
 * RAW+JPEG pair unless the group's pair rule drops it and its partner is the keeper.
 */
export function actionTargets(group: ReportGroup): ReportMember[] {
  const rule = group.pairRule ?? 'keep-both';
  return group.members.filter((m) => !m.isKeeper && !m.isReference && !m.isExcluded && pairAllowsAction(m.pair ?? undefined, group.keep, rule));
}
