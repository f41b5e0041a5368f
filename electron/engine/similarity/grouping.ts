// Tiered, non-chaining duplicate groups from hash units and stored neighbour lists.
//
// Why greedy complete-linkage over the neighbour lists instead of connected components: components chain
// (A≈B, B≈C puts A and C together however far apart they are). Here a representative is picked (most
// neighbours above the cut, then best quality) and takes its unassigned neighbours above the cut, best first,
// each only if it is also above the cut with every member taken so far (a pair missing from both top-k lists
// counts as below). So every member is within the threshold of every other one, in particular of whichever
// member is kept: resolve never trashes a file that is not a near-duplicate of the keeper. The result is
// deterministic, and a regroup is one pass over the neighbour lists (O(n·k·group size)).
//
// The first pass links two units when their embeddings reach the near-duplicate cut OR their perceptual
// fingerprints match (perceptualTier.ts: Hamming ≤ d, confirmed by the embedding where a fingerprint over-merges).
// Fingerprint matches are taken first, so a group is its representative's re-encodes, resizes and retouches, then
// what only the embedding sees. Complete linkage holds within each kind: the near-identical members are pairwise
// within the distance (or linked by the embedding; the guards were asked when each joined the representative,
// so a grey copy does not push out a watermarked one), and the embedding members are pairwise linked. Across the kinds a member's link to the representative stands for
// its link to the representative's near-identical copies, as it does for the files of one unit: a crop the model
// matches to a photo is a crop of its brightened copy too, though a weak model may see the brightened copy as a
// stranger (only what links to the representative itself ever joins, so nothing chains further than that).
import { tiers, type MatchReason, type Tier } from '../../shared/values.js';
import { hashUnits, type HashedFile } from './hashClasses.js';
import { blockedUnits, countListedUnits, unitRows } from './groupingUnits.js';
import type { NeighborGraph } from './neighborGraph.js';
import { DEFAULT_PERCEPTUAL_DISTANCE } from './perceptualHash.js';
import { perceptualDistanceAt, UnitFingerprints, type PerceptualCuts } from './perceptualTier.js';
import { cosineToScore, LINEAR_SCALE, tierCutoffs, type ScoreScale } from './threshold.js';

/** The tiers, strongest first, and why a member has its tier (the two same-pixels grounds told apart): shared/values.ts. */
export type { MatchReason, Tier } from '../../shared/values.js';
/** Lower is stronger: the order of the tier list. */
/** A group's tier: its weakest member's (tiers run strongest first). */
export const groupTier = (members: readonly { tier: Tier }[]): Tier =>
  members.reduce<Tier>((t, m) => (tiers.indexOf(m.tier) > tiers.indexOf(t) ? m.tier : t), 'exact');

export interface GroupMember<F> {
  file: F;
  /** How this member relates to the group's representative (members[0]). */
  tier: Tier;
  match: MatchReason;
  cosine: number;
  /** 0–100 score of `cosine` (100 for exact and same-pixels). */
  score: number;
  /** Hamming distance (of 128 bits) of its perceptual fingerprint to the representative's; null when either has none. */
  hamming: number | null;
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
  /**
   * Cosine of two embedding rows, for a fingerprint match the embedding must confirm when the pair is in neither
   * top-k list (without it such a pair stays unconfirmed).
   */
  rowCosine?: (a: number, b: number) => number;
  /** The near-identical tier's distance at the default threshold (the library's calibration); DEFAULT_PERCEPTUAL_DISTANCE when absent. */
  perceptualDistance?: number;
}

export interface GroupOptions {
  threshold: number;
  /** Also build `similar` groups from what the near-duplicate pass left alone. Default true. */
  includeSimilar?: boolean;
  /** The model's 0–100 scale (its calibration); the uncalibrated line by default. */
  scale?: ScoreScale;
  /**
   * Largest fingerprint Hamming distance of the near-identical tier; null: no such tier. Default: the input's
   * distance at this threshold (perceptualDistanceAt).
   */
  perceptualDistance?: number | null;
}

export interface Grouper<F> {
  group(opts: GroupOptions): DuplicateGroup<F>[];
  /**
   * Files (indexes into the input) that left the library or came back: later groupings leave them out or take
   * them in, with no rebuild (a resolve of one group must not cost a million-file reload).
   */
  setPresent(fileIndexes: readonly number[], present: boolean): void;
}

interface UnitGroup {
  units: number[];
  /** Similarity of each unit to the first (1 for the first itself; NaN where unknown). */
  sims: number[];
  /** Whether each unit joined by its fingerprint (the near-identical tier). */
  identical: boolean[];
}

interface Candidate {
  unit: number;
  sim: number;
  identical: boolean;
}

/** One greedy pass: whom a representative may take, best first, and whether two members may share a group. */
interface PassRule {
  /** Whom u may take, best first, or null when it is empty, found without building a list where it can (most units have none). */
  listOrNull(u: number): Candidate[] | null;
  /** `identical`: both joined by their fingerprints. */
  linked(u: number, v: number, identical: boolean): boolean;
}

class TieredGrouper<F extends HashedFile> implements Grouper<F> {
  private readonly files: readonly F[];
  private readonly graph: NeighborGraph | null;
  /** File indexes of each unit, best first, so its first file represents it. */
  private readonly unitFiles: number[][];
  private readonly fileQuality: Float64Array;
  /** Quality of each unit's first present file (what represents it). */
  private readonly unitQuality: Float64Array;
  private readonly unitOf: Int32Array;
  /** 1 for a file in the library, 0 for one that left it (setPresent). */
  private readonly present: Uint8Array;
  /** Present files per unit: a unit with none takes no part. */
  private readonly unitLive: Int32Array;
  private readonly rowOfUnit: Int32Array;
  private readonly unitOfRow: Int32Array;
  private readonly blocked: Map<number, Set<number>>;
  private readonly rowCosine: ((a: number, b: number) => number) | null;
  private readonly perceptualDistance: number;
  private fingerprints: UnitFingerprints | null = null;

  constructor(input: GrouperInput<F>) {
    this.files = input.files;
    this.graph = input.graph;
    this.rowCosine = input.rowCosine ?? null;
    this.perceptualDistance = input.perceptualDistance ?? DEFAULT_PERCEPTUAL_DISTANCE;
    const quality = input.quality ?? (() => 0);
    const { unitOf, members } = hashUnits(this.files, { notDuplicate: input.notDuplicate });
    const fileQuality = Float64Array.from(this.files, (f) => quality(f));
    for (const list of members) if (list.length > 1) list.sort((a, b) => fileQuality[b]! - fileQuality[a]! || a - b);
    this.unitFiles = members;
    this.fileQuality = fileQuality;
    this.unitOf = unitOf;
    this.present = new Uint8Array(this.files.length).fill(1);
    this.unitLive = Int32Array.from(members, (list) => list.length);
    this.unitQuality = Float64Array.from(members, (list) => fileQuality[list[0]!]!);
    ({ rowOfUnit: this.rowOfUnit, unitOfRow: this.unitOfRow } = unitRows(this.files, members, input.rowOfHash, this.graph?.rows ?? 0));
    this.blocked = blockedUnits(this.files, unitOf, input.notDuplicate ?? []);
  }

  /** The scale of the grouping in progress (scores of its members). */
  private scale: ScoreScale = LINEAR_SCALE;

  private get unitCount(): number {
    return this.unitFiles.length;
  }

  setPresent(fileIndexes: readonly number[], present: boolean): void {
    const touched = new Set<number>();
    for (const f of fileIndexes) {
      if (f < 0 || f >= this.files.length || (this.present[f] === 1) === present) continue;
      this.present[f] = present ? 1 : 0;
      const u = this.unitOf[f]!;
      this.unitLive[u]! += present ? 1 : -1;
      touched.add(u);
    }
    for (const u of touched) {
      const first = this.firstPresent(u);
      this.unitQuality[u] = first < 0 ? 0 : this.fileQuality[first]!;
    }
  }

  /** The unit's best present file (-1 when every file left). */
  private firstPresent(u: number): number {
    for (const f of this.unitFiles[u]!) if (this.present[f]) return f;
    return -1;
  }

  /** Built on first use: a unit's fingerprint is its first file that has one (its files share their pixels). */
  private unitFingerprints(): UnitFingerprints {
    return (this.fingerprints ??= new UnitFingerprints(this.unitFiles.map((list) => list.map((f) => this.files[f]!.perceptualPrint ?? null).find((p) => p) ?? null), this.perceptualDistance));
  }

  group({ threshold, includeSimilar = true, scale = LINEAR_SCALE, perceptualDistance = perceptualDistanceAt(threshold, this.perceptualDistance) }: GroupOptions): DuplicateGroup<F>[] {
    this.scale = scale;
    const cut = tierCutoffs(threshold, scale);
    const eligible = Uint8Array.from(this.unitLive, (live) => (live > 0 ? 1 : 0));
    const cuts: PerceptualCuts | null = perceptualDistance === null ? null : { distance: perceptualDistance, ...cut };
    const near = this.greedyPass(this.nearRule(cut.near, cuts, eligible), eligible, true);
    const result = near.map((g) => this.toGroup(g, 'near-duplicate'));
    if (includeSimilar && cut.similar < cut.near) {
      for (const g of near) for (const u of g.units) eligible[u] = 0;
      const similar: PassRule = {
        listOrNull: (u) => (this.countEmbeddingCandidates(u, cut.similar, eligible, null) > 0 ? this.embeddingCandidates(u, cut.similar, eligible) : null),
        linked: (u, v) => this.pairSim(u, v) >= cut.similar,
      };
      for (const g of this.greedyPass(similar, eligible, false)) result.push(this.toGroup(g, 'similar'));
    }
    return result;
  }

  /** The first pass: fingerprint matches (near-identical), then embedding neighbours at the near-duplicate cut. */
  private nearRule(cut: number, cuts: PerceptualCuts | null, eligible: Uint8Array): PassRule {
    const cosine = (u: number, v: number): number => this.knownSim(u, v);
    const fingerprints = cuts ? this.unitFingerprints() : null;
    const matches = (u: number) => (fingerprints ? fingerprints.matches(u, cuts!, cosine, (v) => eligible[v] === 1 && v !== u) : []);
    const candidates = (u: number, found: { unit: number }[]): Candidate[] => {
      const out: Candidate[] = found.map(({ unit }) => ({ unit, sim: this.knownSim(u, unit), identical: true }));
      const taken = new Set(out.map((c) => c.unit));
      for (const c of this.embeddingCandidates(u, cut, eligible)) if (!taken.has(c.unit)) out.push(c);
      return out;
    };
    return {
      listOrNull: (u) => {
        const found = matches(u);
        if (found.length === 0 && this.countEmbeddingCandidates(u, cut, eligible, null) === 0) return null;
        return candidates(u, found);
      },
      linked: (u, v, identical) => {
        if (this.pairSim(u, v) >= cut) return true;
        if (!fingerprints) return false;
        if (identical) return (fingerprints.hamming(u, v) ?? Number.POSITIVE_INFINITY) <= cuts!.distance;
        return fingerprints.verdict(u, v, cuts!, cosine)?.match ?? false;
      },
    };
  }

  private isBlocked(u: number, group: readonly number[]): boolean {
    const set = this.blocked.get(u);
    return set !== undefined && group.some((g) => set.has(g));
  }

  /** Neighbour units of u with similarity ≥ cut (best first, deduplicated, u itself dropped). */
  private embeddingCandidates(u: number, cut: number, eligible: Uint8Array): Candidate[] {
    const graph = this.graph;
    const row = this.rowOfUnit[u]!;
    if (!graph || row < 0) return [];
    const out: Candidate[] = [];
    const base = row * graph.k;
    for (let n = 0; n < graph.counts[row]!; n++) {
      const sim = graph.sims[base + n]!;
      if (sim < cut) break; // lists are sorted best first
      const v = this.unitOfRow[graph.ids[base + n]!]!;
      if (v < 0 || v === u || !eligible[v] || out.some((o) => o.unit === v)) continue;
      out.push({ unit: v, sim, identical: false });
    }
    return out;
  }

  /** embeddingCandidates(u, …).length less the units in `skip`, counted without a list (most units have none). */
  private countEmbeddingCandidates(u: number, cut: number, eligible: Uint8Array, skip: ReadonlySet<number> | null): number {
    return this.graph ? countListedUnits(this.graph, this.rowOfUnit, this.unitOfRow, { u, cut, eligible, skip }) : 0;
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

  /** Similarity from the lists, else from the vectors themselves (NaN when a unit has none). */
  private knownSim(u: number, v: number): number {
    const listed = this.pairSim(u, v);
    if (listed !== Number.NEGATIVE_INFINITY) return listed;
    const ru = this.rowOfUnit[u]!;
    const rv = this.rowOfUnit[v]!;
    return this.rowCosine && ru >= 0 && rv >= 0 ? this.rowCosine(ru, rv) : Number.NaN;
  }

  /**
   * Representatives by most candidates (then quality), each taking what is linked to all it took so far. A unit
   * with no candidate would take nobody and comes after every unit that has one, so only those that make a group
   * by themselves (several files) are kept in the order: at a million photos most units are in neither list.
   */
  private greedyPass(rule: PassRule, eligible: Uint8Array, keepSingleUnits: boolean): UnitGroup[] {
    const degree = new Int32Array(this.unitCount);
    // Each list is found once: its length ranks the unit, then the unit takes from it.
    const lists = new Map<number, Candidate[]>();
    const ranked: number[] = [];
    const alone: number[] = [];
    for (let u = 0; u < this.unitCount; u++) {
      if (!eligible[u]) continue;
      const list = rule.listOrNull(u);
      if (list) lists.set(u, list), (degree[u] = list.length), ranked.push(u);
      else if (keepSingleUnits && this.unitLive[u]! > 1) alone.push(u);
    }
    const byQuality = (a: number, b: number): number => this.unitQuality[b]! - this.unitQuality[a]! || a - b;
    ranked.sort((a, b) => degree[b]! - degree[a]! || byQuality(a, b));
    const order = ranked.concat(alone.sort(byQuality));
    const assigned = new Uint8Array(this.unitCount);
    const groups: UnitGroup[] = [];
    for (const u of order) {
      if (assigned[u]) continue;
      assigned[u] = 1;
      const group: UnitGroup = { units: [u], sims: [1], identical: [false] };
      for (const { unit: v, sim, identical } of lists.get(u) ?? []) {
        if (assigned[v] || this.isBlocked(v, group.units)) continue;
        if (group.units.some((w, i) => i > 0 && group.identical[i] === identical && !rule.linked(v, w, identical))) continue;
        assigned[v] = 1;
        group.units.push(v);
        group.sims.push(sim);
        group.identical.push(identical);
      }
      if (group.units.length > 1 || (keepSingleUnits && this.unitLive[u]! > 1)) groups.push(group);
    }
    return groups;
  }

  private toGroup({ units, sims, identical }: UnitGroup, passTier: Tier): DuplicateGroup<F> {
    const repFile = this.files[this.firstPresent(units[0]!)]!;
    const fingerprints = this.unitFingerprints();
    const members: GroupMember<F>[] = [];
    units.forEach((u, i) => {
      const hamming = fingerprints.hamming(units[0]!, u);
      for (const f of this.unitFiles[u]!) {
        if (!this.present[f]) continue;
        const file = this.files[f]!;
        const memberTier: Tier = file.contentHash === repFile.contentHash ? 'exact' : i === 0 ? 'same-pixels' : identical[i] ? 'near-identical' : passTier;
        const cosine = i === 0 ? 1 : sims[i]!;
        members.push({ file, tier: memberTier, match: matchReason(file, repFile, memberTier), cosine, score: i === 0 ? 100 : cosineToScore(cosine, this.scale), hamming });
      }
    });
    return { tier: groupTier(members), members };
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
