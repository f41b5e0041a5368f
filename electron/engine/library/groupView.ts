// A report group as every front end shows it, scored one way: each member against the suggested keeper (its
// score is the cosine to the keeper, its match label restated against the keeper), with the keep-best reasons
// and the reclaimable bytes. `lookalike dupes`, the app's Review and both result exports all use this.
import { createHash } from 'node:crypto';
import { pairAllowsAction, type PairLink } from '../similarity/rawJpegPairs.js';
import { reclaimableBytes, type ReportGroup } from '../similarity/report.js';
import { cosineToScore } from '../similarity/threshold.js';
import type { LibraryFile } from './catalogView.js';
import { countTiers } from '../similarity/grouping.js';
import type { GroupIndex, LibraryReport } from './groupIndex.js';
import { matchToKeeper, type MatchFacts } from './matchToKeeper.js';
import type { DuplicateGroup, GroupMember, GroupsResult, MemberPair } from './types.js';

type ReportMember = ReportGroup['members'][number];

const facts = (m: ReportMember, file: LibraryFile | undefined): MatchFacts => ({
  match: m.match,
  contentHash: file?.contentHash ?? null,
  pixelHash: file?.pixelHash ?? null,
});

function scoreToKeeper(index: GroupIndex, m: ReportMember, file: LibraryFile | undefined, keeper: LibraryFile | undefined): number {
  if (m.isKeeper) return 100;
  const cosine = !file || !keeper ? Number.NaN : index.cosine(file, keeper);
  if (Number.isNaN(cosine)) return m.score;
  return cosine >= 1 ? 100 : cosineToScore(cosine, index.scale());
}

/** Both distances to the keeper, and whether the fingerprints call the pair near-identical. */
function evidence(index: GroupIndex, m: ReportMember, file: LibraryFile | undefined, keeper: LibraryFile | undefined): { hamming: number | null; cosine: number | null; nearIdentical: boolean } {
  if (!file || !keeper) return { hamming: null, cosine: null, nearIdentical: false };
  const cosine = m.isKeeper ? 1 : index.cosine(file, keeper);
  const verdict = index.perceptual(file, keeper);
  return { hamming: verdict?.hamming ?? null, cosine: Number.isNaN(cosine) ? null : cosine, nearIdentical: verdict?.match ?? false };
}

function pairView(m: ReportMember, pair: PairLink, group: ReportGroup): MemberPair {
  const rule = group.pairRule ?? 'keep-both';
  const droppable = pairAllowsAction(pair, pair.partner, rule);
  return { partner: pair.partner, role: pair.role, by: pair.by, droppable, protected: !m.isKeeper && !pairAllowsAction(pair, group.keep, rule) };
}

interface KeeperOf {
  member: ReportMember | undefined;
  file: LibraryFile | undefined;
}

function memberView(index: GroupIndex, group: ReportGroup, m: ReportMember, fileOf: ReadonlyMap<string, LibraryFile>, thumb: (path: string) => string, keep: KeeperOf): GroupMember {
  const file = fileOf.get(m.path);
  const keeper = keep.file;
  const keeperMember = keep.member;
  const { hamming, cosine, nearIdentical } = evidence(index, m, file, keeper);
  return {
    path: m.path,
    score: scoreToKeeper(index, m, file, keeper),
    match: m.isKeeper || !keeperMember ? m.match : matchToKeeper(facts(m, file), facts(keeperMember, keeper), nearIdentical),
    hamming,
    cosine,
    width: file?.width ?? null,
    height: file?.height ?? null,
    bytes: file?.size ?? 0,
    mtimeMs: file?.mtimeMs ?? 0,
    reference: m.isReference,
    excluded: m.isExcluded,
    reasons: m.reasons.filter((r) => r !== 'keep'),
    thumb: thumb(m.path),
    pair: m.pair ? pairView(m, m.pair, group) : null,
  };
}

/** Stable while the membership is: a regroup keeps the user's place and keeper choices. */
export const groupId = (paths: readonly string[]): string =>
  createHash('sha1').update([...paths].sort().join('\0')).digest('hex').slice(0, 16);

export function toGroupView(index: GroupIndex, group: ReportGroup, fileOf: ReadonlyMap<string, LibraryFile>, thumb: (path: string) => string): DuplicateGroup {
  const keep: KeeperOf = { member: group.members.find((x) => x.isKeeper), file: fileOf.get(group.keep) };
  const members = group.members.map((m) => memberView(index, group, m, fileOf, thumb, keep));
  return {
    id: groupId(members.map((m) => m.path)),
    tier: group.tier,
    keep: group.keep,
    keepReasons: members[0]?.reasons ?? [],
    members,
    reclaimableBytes: reclaimableBytes(group, (p) => fileOf.get(p)?.size),
  };
}

/** Every group's view, one at a time: `dupes --json` writes each as it is made, so no list of views is ever held. */
export function* groupViews(index: GroupIndex, grouped: LibraryReport | null, thumb: (path: string) => string): Generator<DuplicateGroup> {
  if (!grouped) return;
  for (const g of grouped.report.groups) yield toGroupView(index, g, grouped.fileOf, thumb);
}

type Totals = GroupsResult['totals'];
/** Per report (reports are shared while the grouping state holds): every page of one report has the same totals. */
const totalsOfGroups = new WeakMap<readonly ReportGroup[], Totals>();

function totalsOf(grouped: LibraryReport): Totals {
  const all = grouped.report.groups;
  const known = totalsOfGroups.get(all);
  if (known) return { ...known };
  const totals = { groups: all.length, files: 0, reclaimableBytes: 0 };
  for (const g of all) {
    totals.files += g.members.length;
    totals.reclaimableBytes += reclaimableBytes(g, (p) => grouped.fileOf.get(p)?.size);
  }
  totalsOfGroups.set(all, totals);
  return { ...totals };
}

/**
 * One page of views and the totals of all groups. The totals come from the report (member sizes), so a page of
 * 100 groups of a million-photo library builds 100 views, not every one.
 */
export function groupsPage(index: GroupIndex, grouped: LibraryReport | null, threshold: number, page: { offset?: number | undefined; limit?: number | undefined }, thumb: (path: string) => string): GroupsResult {
  const all = grouped?.report.groups ?? [];
  const totals = grouped ? totalsOf(grouped) : { groups: 0, files: 0, reclaimableBytes: 0 };
  const offset = Math.max(0, page.offset ?? 0);
  const end = page.limit === undefined ? all.length : Math.min(all.length, offset + page.limit);
  const groups: DuplicateGroup[] = [];
  for (let i = offset; i < end; i++) groups.push(toGroupView(index, all[i]!, grouped!.fileOf, thumb));
  return { threshold, groups, totals, tierCounts: grouped?.tierCounts ?? countTiers([]) };
}
