// Tiered, non-chaining duplicate groups from hash units and stored neighbour lists.
//
// Why greedy complete-linkage over the neighbour lists instead of connected components: components chain
// (A≈B, B≈C puts A and C together however far apart they are). Here a representative is picked (most
// neighbours above the cut, then best quality) and takes its unassigned neighbours above the cut, best first,
// each only if it is also above the cut with every member taken so far (a pair missing from both top-k lists
// counts as below). So every member is within the threshold of every other one, in particular of whichever
// member is kept: resolve never trashes a file that is not a near-duplicate of the keeper. The result is
// deterministic, and a regroup is one pass over the neighbour lists (O(n·k·group size)).
import { hashUnits, type HashedFile } from './hashClasses.js';
import type { NeighborGraph } from './neighborGraph.js';
import { cosineToScore, tierCutoffs } from './threshold.js';

export type Tier = 'exact' | 'same-pixels' | 'near-duplicate' | 'similar';
const TIER_RANK: Record<Tier, number> = { exact: 0, 'same-pixels': 1, 'near-duplicate': 2, similar: 3 };

/** Why a member has its tier, for people: the two same-pixels grounds are worth telling apart. */
export type MatchReason =
  | 'identical bytes'
  | 'same pixels'
  | 'same pixels (EXIF-rotated copy)'
  | 'near-duplicate'
  | 'similar';

export interface GroupMember<F> {
  file: F;
  /** How this member relates to the group's representative (members[0]). */
  tier: Tier;
  match: MatchReason;
  cosine: number;
  /** 0–100 score of `cosine` (100 for exact and same-pixels). */
  score: number;
}

export interface DuplicateGroup<F> {
  /** The weakest tier among the members: an exact copy next to a resize makes a near-duplicate group. */
  tier: Tier;
  members: GroupMember<F>[];
}

export interface GrouperInput<F extends HashedFile> {
  files: readonly F[];
  /** Neighbour-graph row of each content hash that has an embedding. */
  rowOfHash: ReadonlyMap<string, number>;
  graph: NeighborGraph | null;
  /** Content-hash pairs the user marked "not a duplicate": never put in one embedding-tier group. */
  notDuplicate?: readonly (readonly [string, string])[];
  /** Higher is preferred as representative (e.g. pixel count); ties fall back to input order. */
  quality?: (file: F) => number;
}

export interface GroupOptions {
  threshold: number;
  /** Also build `similar` groups from what the near-duplicate pass left alone. Default true. */
  includeSimilar?: boolean;
}

export interface Grouper<F> {
  group(opts: GroupOptions): DuplicateGroup<F>[];
}

export function createGrouper<F extends HashedFile>(input: GrouperInput<F>): Grouper<F> {
  const { files, graph } = input;
  const quality = input.quality ?? (() => 0);
  const { unitOf, members: unitFiles } = hashUnits(files, { notDuplicate: input.notDuplicate });
  const unitCount = unitFiles.length;
  // Order each unit's files best first, so its first file represents it.
  const fileQuality = files.map((f) => quality(f));
  for (const list of unitFiles) list.sort((a, b) => fileQuality[b]! - fileQuality[a]! || a - b);
  const unitQuality = unitFiles.map((list) => fileQuality[list[0]!]!);

  // Each unit's embedding row (its files share pixels, hence the embedding), and each row's unit.
  const rowOfUnit = new Int32Array(unitCount).fill(-1);
  const unitOfRow = new Int32Array(graph?.rows ?? 0).fill(-1);
  for (let u = 0; u < unitCount; u++) {
    for (const f of unitFiles[u]!) {
      const row = input.rowOfHash.get(files[f]!.contentHash);
      if (row === undefined || row < 0 || row >= unitOfRow.length) continue;
      unitOfRow[row] = u;
      if (rowOfUnit[u] === -1) rowOfUnit[u] = row;
    }
  }

  const blocked = new Map<number, Set<number>>();
  const fileOfHash = new Map<string, number[]>();
  files.forEach((f, i) => fileOfHash.set(f.contentHash, [...(fileOfHash.get(f.contentHash) ?? []), i]));
  for (const [a, b] of input.notDuplicate ?? []) {
    for (const fa of fileOfHash.get(a) ?? []) {
      for (const fb of fileOfHash.get(b) ?? []) {
        const ua = unitOf[fa]!;
        const ub = unitOf[fb]!;
        if (ua === ub) continue; // identical pixels: a fact, not an opinion (rotated copies honour the mark in hashUnits).
        if (!blocked.has(ua)) blocked.set(ua, new Set());
        if (!blocked.has(ub)) blocked.set(ub, new Set());
        blocked.get(ua)!.add(ub);
        blocked.get(ub)!.add(ua);
      }
    }
  }
  const isBlocked = (u: number, group: readonly number[]): boolean => {
    const set = blocked.get(u);
    return set !== undefined && group.some((g) => set.has(g));
  };

  /** Neighbour units of u with similarity ≥ cut (best first, deduplicated, u itself dropped). */
  function neighbourUnits(u: number, cut: number, eligible: Uint8Array): { unit: number; sim: number }[] {
    const row = rowOfUnit[u]!;
    if (!graph || row < 0) return [];
    const out: { unit: number; sim: number }[] = [];
    const base = row * graph.k;
    for (let n = 0; n < graph.counts[row]!; n++) {
      const sim = graph.sims[base + n]!;
      if (sim < cut) break; // lists are sorted best first
      const v = unitOfRow[graph.ids[base + n]!]!;
      if (v < 0 || v === u || !eligible[v] || out.some((o) => o.unit === v)) continue;
      out.push({ unit: v, sim });
    }
    return out;
  }

  /** Similarity of two units from either one's list, or -Infinity when neither lists the other. */
  function pairSim(u: number, v: number): number {
    if (!graph) return Number.NEGATIVE_INFINITY;
    for (const [a, b] of [[u, v], [v, u]] as const) {
      const row = rowOfUnit[a]!;
      if (row < 0) continue;
      const base = row * graph.k;
      for (let n = 0; n < graph.counts[row]!; n++) {
        if (unitOfRow[graph.ids[base + n]!] === b) return graph.sims[base + n]!;
      }
    }
    return Number.NEGATIVE_INFINITY;
  }

  function greedyPass(cut: number, eligible: Uint8Array, keepSingleUnits: boolean): { units: number[]; sims: number[] }[] {
    const degree = new Int32Array(unitCount);
    const order: number[] = [];
    for (let u = 0; u < unitCount; u++) {
      if (!eligible[u]) continue;
      degree[u] = neighbourUnits(u, cut, eligible).length;
      order.push(u);
    }
    order.sort((a, b) => degree[b]! - degree[a]! || unitQuality[b]! - unitQuality[a]! || a - b);
    const assigned = new Uint8Array(unitCount);
    const groups: { units: number[]; sims: number[] }[] = [];
    for (const u of order) {
      if (assigned[u]) continue;
      assigned[u] = 1;
      const units = [u];
      const sims = [1];
      for (const { unit: v, sim } of neighbourUnits(u, cut, eligible)) {
        if (assigned[v] || isBlocked(v, units)) continue;
        if (units.some((w, i) => i > 0 && pairSim(v, w) < cut)) continue;
        assigned[v] = 1;
        units.push(v);
        sims.push(sim);
      }
      if (units.length > 1 || (keepSingleUnits && unitFiles[u]!.length > 1)) groups.push({ units, sims });
    }
    return groups;
  }

  function toGroup(units: readonly number[], sims: readonly number[], passTier: Tier): DuplicateGroup<F> {
    const repFile = files[unitFiles[units[0]!]![0]!]!;
    const members: GroupMember<F>[] = [];
    let tier: Tier = 'exact';
    units.forEach((u, i) => {
      for (const f of unitFiles[u]!) {
        const file = files[f]!;
        const memberTier: Tier =
          file.contentHash === repFile.contentHash ? 'exact' : i === 0 ? 'same-pixels' : passTier;
        const match: MatchReason = memberTier === 'exact' ? 'identical bytes'
          : memberTier !== 'same-pixels' ? memberTier
          // Same unit, different pixel hash: joined by the rotated-copy rule, not by equal pixels.
          : file.pixelHash !== null && file.pixelHash === repFile.pixelHash ? 'same pixels' : 'same pixels (EXIF-rotated copy)';
        const cosine = i === 0 ? 1 : sims[i]!;
        if (TIER_RANK[memberTier] > TIER_RANK[tier]) tier = memberTier;
        members.push({ file, tier: memberTier, match, cosine, score: i === 0 ? 100 : cosineToScore(cosine) });
      }
    });
    return { tier, members };
  }

  return {
    group({ threshold, includeSimilar = true }: GroupOptions): DuplicateGroup<F>[] {
      const cut = tierCutoffs(threshold);
      const eligible = new Uint8Array(unitCount).fill(1);
      const near = greedyPass(cut.near, eligible, true);
      const result = near.map((g) => toGroup(g.units, g.sims, 'near-duplicate'));
      if (includeSimilar && cut.similar < cut.near) {
        for (const g of near) for (const u of g.units) eligible[u] = 0;
        for (const g of greedyPass(cut.similar, eligible, false)) result.push(toGroup(g.units, g.sims, 'similar'));
      }
      return result;
    },
  };
}
