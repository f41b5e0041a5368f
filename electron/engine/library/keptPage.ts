// Pages and single groups made from a kept grouping (groupSnapshot.ts) with the library not loaded: only the
// files of the groups asked for are read, their keeper and reasons worked out by the same report builder, and
// their views made by the same code as a loaded library's (groupView.ts).
import type { Catalog } from '../catalog/index.js';
import { dotRows } from '../similarity/embeddingMatrix.js';
import { groupTier } from '../similarity/grouping.js';
import { buildReport, reclaimableBytes, type DuplicateReport, type ReportGroup } from '../similarity/report.js';
import type { Tier } from '../../shared/values.js';
import { libraryFilesOf, type LibraryFile } from './catalogView.js';
import type { GroupIndex } from './groupIndex.js';
import { withFiles, type GroupSnapshot, type SnapshotMember } from './groupSnapshot.js';
import { toGroupView } from './groupView.js';
import type { GroupsResult } from './types.js';

/** What a report of a few kept groups needs from the index. */
export interface KeptReportDeps {
  catalog(): Catalog;
  /** The report of these groups by the keep rules, exclusions and pair rule now. */
  build(groups: Parameters<typeof buildReport<LibraryFile>>[0], threshold: number, pairs: GroupSnapshot['pairs']): DuplicateReport;
}

interface KeptReport {
  groups: ReportGroup[];
  fileOf: Map<string, LibraryFile>;
  /** Each member's cosine to its representative as the grouper found it, by "hash|hash" (both orders). */
  known: Map<string, number>;
}

/** Report groups of these kept groups, or null where a member is no longer an ok file (the kept grouping is stale). */
function reportOf(deps: KeptReportDeps, snapshot: GroupSnapshot, indexes: readonly number[], threshold: number): KeptReport | null {
  const files = libraryFilesOf(deps.catalog(), indexes.flatMap((g) => snapshot.members(g).map((m) => m.fileId)));
  const groups = [];
  const known = new Map<string, number>();
  for (const g of indexes) {
    const group = snapshot.group(g, files);
    if (!group) return null;
    groups.push(group);
    const rep = group.members[0]!.file.contentHash;
    for (const m of group.members.slice(1)) {
      // The representative's own unit (bytes, pixels or a rotated copy) has cosine 1 by definition, not by vector.
      if (Number.isNaN(m.cosine) || m.tier === 'exact' || m.tier === 'same-pixels') continue;
      known.set(`${m.file.contentHash}|${rep}`, m.cosine), known.set(`${rep}|${m.file.contentHash}`, m.cosine);
    }
  }
  const fileOf = new Map([...files.values()].map((f) => [f.path, f]));
  return { groups: deps.build(groups, threshold, snapshot.pairs).groups, fileOf, known };
}

/** One page of the kept grouping, as groupsPage makes it from a loaded report; null when it is stale. */
export function keptPage(
  index: GroupIndex, deps: KeptReportDeps, snapshot: GroupSnapshot,
  req: { threshold: number; tiers?: readonly Tier[] | null | undefined; offset?: number | undefined; limit?: number | undefined },
  thumb: (path: string) => string,
  withCosines: <T>(known: ReadonlyMap<string, number>, views: () => T) => T,
): GroupsResult | null {
  const matching = snapshot.matching(req.tiers ?? null);
  const offset = Math.max(0, req.offset ?? 0);
  const end = req.limit === undefined ? matching.length : Math.min(matching.length, offset + req.limit);
  const page = reportOf(deps, snapshot, matching.slice(offset, end), req.threshold);
  if (!page) return null;
  const groups = withCosines(page.known, () => page.groups.map((g) => toGroupView(index, g, page.fileOf, thumb)));
  return { threshold: req.threshold, groups, totals: snapshot.totals(matching), tierCounts: snapshot.tierCounts() };
}

/** The kept group holding this file, as a one-group report (null: in none, or the kept grouping is stale). */
export function keptGroupOf(deps: KeptReportDeps, snapshot: GroupSnapshot, path: string, threshold: number): KeptReport | null {
  const id = deps.catalog().files.get(path)?.id;
  const g = id === undefined ? -1 : snapshot.groupOfFile(id);
  return g < 0 ? null : reportOf(deps, snapshot, [g], threshold);
}

/** What resolving a group of these members would free by the rules now (0 when one is no longer an ok file). */
export function reclaimableOf(deps: KeptReportDeps, snapshot: GroupSnapshot, members: readonly SnapshotMember[], threshold: number): number {
  const files = libraryFilesOf(deps.catalog(), members.map((m) => m.fileId));
  const group = withFiles(groupTier(members), members, files);
  if (!group) return 0;
  const sizeOf = new Map([...files.values()].map((f) => [f.path, f.size]));
  return reclaimableBytes(deps.build([group], threshold, snapshot.pairs).groups[0]!, (p) => sizeOf.get(p));
}

/**
 * Cosine of two contents' vectors as a loaded library finds it, read from the catalog: either one's stored
 * neighbour list, else their half-precision rows (NaN when either has no vector of this model).
 */
export function storedCosine(catalog: Catalog, modelKey: string, a: string, b: string): number {
  const ea = catalog.embeddings.get(a, modelKey);
  const eb = catalog.embeddings.get(b, modelKey);
  if (!ea || !eb) return Number.NaN;
  for (const [from, to] of [[a, eb.id], [b, ea.id]] as const) {
    const list = catalog.neighbors.get(from, modelKey);
    const at = list ? list.ids.indexOf(to) : -1;
    if (at >= 0) return list!.scores[at]!;
  }
  const dim = ea.vector.length;
  const rows = catalog.embeddings.halves.rows([ea.id, eb.id], dim);
  const [ha, hb] = [rows.get(ea.id), rows.get(eb.id)];
  if (!ha || !hb) return Number.NaN;
  const pair = new Uint16Array(2 * dim);
  pair.set(ha), pair.set(hb, dim);
  return dotRows({ bits: pair, rows: 2, dim }, 0, 1);
}
