// Tiered, non-chaining duplicate groups from hash units and stored neighbour lists.
//
// Why greedy complete-linkage over the neighbour lists instead of connected components: components chain
// (A≈B, B≈C puts A and C together however far apart they are). Here a representative is picked (most
// neighbours above the cut, then best quality) and takes its unassigned neighbours above the cut, best first,
// each only if it is also above the cut with every member taken so far (a pair missing from both top-k lists
// counts as below). So every member is within the threshold of every other one, in particular of whichever
// member is kept: resolve never trashes a file that is not a near-duplicate of the keeper. The result is
// deterministic, and a regroup is one pass over the neighbour lists (O(n·k·group size)).
import { tiers, type MatchReason, type Tier } from '../../shared/values.js';
import { hashUnits, type HashedFile } from './hashClasses.js';
import type { NeighborGraph } from './neighborGraph.js';
import { cosineToScore, LINEAR_SCALE, tierCutoffs, type ScoreScale } from './threshold.js';

/** The tiers, strongest first, and why a member has its tier (the two same-pixels grounds told apart): shared/values.ts. */
export type { MatchReason, Tier } from '../../shared/values.js';
/** Lower is stronger: the order of the tier list. */
const tierRank = (t: Tier): number => tiers.indexOf(t);

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
  /** The model's 0–100 scale (its calibration); the uncalibrated line by default. */
  scale?: ScoreScale;
}

export interface Grouper<F> {
  group(opts: GroupOptions): DuplicateGroup<F>[];
}

interface UnitGroup {
  units: number[];
  /** Similarity of each unit to the first (1 for the first itself). */
  sims: number[];
}

/** Each unit's embedding row (its files share pixels, hence the embedding), and each row's unit; -1 where none. */
function unitRows<F extends HashedFile>(
  files: readonly F[],
  unitFiles: readonly number[][],
  rowOfHash: ReadonlyMap<string, number>,
  rows: number,
): { rowOfUnit: Int32Array; unitOfRow: Int32Array } {
  const rowOfUnit = new Int32Array(unitFiles.length).fill(-1);
  const unitOfRow = new Int32Array(rows).fill(-1);
  unitFiles.forEach((list, u) => {
    for (const f of list) {
      const row = rowOfHash.get(files[f]!.contentHash);
      if (row === undefined || row < 0 || row >= rows) continue;
      unitOfRow[row] = u;
      if (rowOfUnit[u] === -1) rowOfUnit[u] = row;
    }
  });
  return { rowOfUnit, unitOfRow };
}

/** For each unit, the units it must never share an embedding-tier group with (the "not a duplicate" marks). */
function blockedUnits(files: readonly HashedFile[], unitOf: Int32Array, notDuplicate: readonly (readonly [string, string])[]): Map<number, Set<number>> {
  const blocked = new Map<number, Set<number>>();
  const filesOfHash = new Map<string, number[]>();
  files.forEach((f, i) => filesOfHash.set(f.contentHash, [...(filesOfHash.get(f.contentHash) ?? []), i]));
  const block = (a: number, b: number): void => {
    if (!blocked.has(a)) blocked.set(a, new Set());
    blocked.get(a)!.add(b);
  };
  for (const [a, b] of notDuplicate) {
    for (const fa of filesOfHash.get(a) ?? []) {
      for (const fb of filesOfHash.get(b) ?? []) {
        const ua = unitOf[fa]!;
        const ub = unitOf[fb]!;
        if (ua === ub) continue; // identical pixels: a fact, not an opinion (rotated copies honour the mark in hashUnits).
        block(ua, ub);
        block(ub, ua);
      }
    }
  }
  return blocked;
}

class TieredGrouper<F extends HashedFile> implements Grouper<F> {
  private readonly files: readonly F[];
  private readonly graph: NeighborGraph | null;
  /** File indexes of each unit, best first, so its first file represents it. */
  private readonly unitFiles: number[][];
  private readonly unitQuality: number[];
  private readonly rowOfUnit: Int32Array;
  private readonly unitOfRow: Int32Array;
  private readonly blocked: Map<number, Set<number>>;

  constructor(input: GrouperInput<F>) {
    this.files = input.files;
    this.graph = input.graph;
    const quality = input.quality ?? (() => 0);
    const { unitOf, members } = hashUnits(this.files, { notDuplicate: input.notDuplicate });
    const fileQuality = this.files.map((f) => quality(f));
    for (const list of members) list.sort((a, b) => fileQuality[b]! - fileQuality[a]! || a - b);
    this.unitFiles = members;
    this.unitQuality = members.map((list) => fileQuality[list[0]!]!);
    ({ rowOfUnit: this.rowOfUnit, unitOfRow: this.unitOfRow } = unitRows(this.files, members, input.rowOfHash, this.graph?.rows ?? 0));
    this.blocked = blockedUnits(this.files, unitOf, input.notDuplicate ?? []);
  }

  /** The scale of the grouping in progress (scores of its members). */
  private scale: ScoreScale = LINEAR_SCALE;

  private get unitCount(): number {
    return this.unitFiles.length;
  }

  group({ threshold, includeSimilar = true, scale = LINEAR_SCALE }: GroupOptions): DuplicateGroup<F>[] {
    this.scale = scale;
    const cut = tierCutoffs(threshold, scale);
    const eligible = new Uint8Array(this.unitCount).fill(1);
    const near = this.greedyPass(cut.near, eligible, true);
    const result = near.map((g) => this.toGroup(g, 'near-duplicate'));
    if (includeSimilar && cut.similar < cut.near) {
      for (const g of near) for (const u of g.units) eligible[u] = 0;
      for (const g of this.greedyPass(cut.similar, eligible, false)) result.push(this.toGroup(g, 'similar'));
    }
    return result;
  }

  private isBlocked(u: number, group: readonly number[]): boolean {
    const set = this.blocked.get(u);
    return set !== undefined && group.some((g) => set.has(g));
  }

  /** Neighbour units of u with similarity ≥ cut (best first, deduplicated, u itself dropped). */
  private neighbourUnits(u: number, cut: number, eligible: Uint8Array): { unit: number; sim: number }[] {
    const graph = this.graph;
    const row = this.rowOfUnit[u]!;
    if (!graph || row < 0) return [];
    const out: { unit: number; sim: number }[] = [];
    const base = row * graph.k;
    for (let n = 0; n < graph.counts[row]!; n++) {
      const sim = graph.sims[base + n]!;
      if (sim < cut) break; // lists are sorted best first
      const v = this.unitOfRow[graph.ids[base + n]!]!;
      if (v < 0 || v === u || !eligible[v] || out.some((o) => o.unit === v)) continue;
      out.push({ unit: v, sim });
    }
    return out;
  }

  /** Similarity of two units from either one's list, or -Infinity when neither lists the other. */
  private pairSim(u: number, v: number): number {
    const graph = this.graph;
    if (!graph) return Number.NEGATIVE_INFINITY;
    for (const [a, b] of [[u, v], [v, u]] as const) {
      const row = this.rowOfUnit[a]!;
      if (row < 0) continue;
      const base = row * graph.k;
      for (let n = 0; n < graph.counts[row]!; n++) {
        if (this.unitOfRow[graph.ids[base + n]!] === b) return graph.sims[base + n]!;
      }
    }
    return Number.NEGATIVE_INFINITY;
  }

  /** Representatives by most neighbours above the cut (then quality), each taking what is within the cut of all. */
  private greedyPass(cut: number, eligible: Uint8Array, keepSingleUnits: boolean): UnitGroup[] {
    const degree = new Int32Array(this.unitCount);
    const order: number[] = [];
    for (let u = 0; u < this.unitCount; u++) {
      if (!eligible[u]) continue;
      degree[u] = this.neighbourUnits(u, cut, eligible).length;
      order.push(u);
    }
    order.sort((a, b) => degree[b]! - degree[a]! || this.unitQuality[b]! - this.unitQuality[a]! || a - b);
    const assigned = new Uint8Array(this.unitCount);
    const groups: UnitGroup[] = [];
    for (const u of order) {
      if (assigned[u]) continue;
      assigned[u] = 1;
      const group: UnitGroup = { units: [u], sims: [1] };
      for (const { unit: v, sim } of this.neighbourUnits(u, cut, eligible)) {
        if (assigned[v] || this.isBlocked(v, group.units)) continue;
        if (group.units.some((w, i) => i > 0 && this.pairSim(v, w) < cut)) continue;
        assigned[v] = 1;
        group.units.push(v);
        group.sims.push(sim);
      }
      if (group.units.length > 1 || (keepSingleUnits && this.unitFiles[u]!.length > 1)) groups.push(group);
    }
    return groups;
  }

  private toGroup({ units, sims }: UnitGroup, passTier: Tier): DuplicateGroup<F> {
    const repFile = this.files[this.unitFiles[units[0]!]![0]!]!;
    const members: GroupMember<F>[] = [];
    let tier: Tier = 'exact';
    units.forEach((u, i) => {
      for (const f of this.unitFiles[u]!) {
        const file = this.files[f]!;
        const memberTier: Tier = file.contentHash === repFile.contentHash ? 'exact' : i === 0 ? 'same-pixels' : passTier;
        const cosine = i === 0 ? 1 : sims[i]!;
        if (tierRank(memberTier) > tierRank(tier)) tier = memberTier;
        members.push({ file, tier: memberTier, match: matchReason(file, repFile, memberTier), cosine, score: i === 0 ? 100 : cosineToScore(cosine, this.scale) });
      }
    });
    return { tier, members };
  }
}

function matchReason(file: HashedFile, rep: HashedFile, tier: Tier): MatchReason {
  if (tier === 'exact') return 'identical bytes';
  if (tier !== 'same-pixels') return tier;
  // Same unit, different pixel hash: joined by the rotated-copy rule, not by equal pixels.
  return file.pixelHash !== null && file.pixelHash === rep.pixelHash ? 'same pixels' : 'same pixels (EXIF-rotated copy)';
}

export function createGrouper<F extends HashedFile>(input: GrouperInput<F>): Grouper<F> {
  return new TieredGrouper(input);
}
