// Tiered, non-chaining duplicate groups from hash units and stored neighbour lists.
//
// Why greedy complete-linkage over the neighbour lists instead of connected components: components chain
// (A≈B, B≈C puts A and C together however far apart they are). Here a representative is picked (most
// neighbours above the cut, then best quality) and takes its unassigned neighbours above the cut, best first,
// each only if it is also above the cut with every member taken so far (a pair missing from both top-k lists
// counts as below). So every member is within the threshold of every other one, in particular of whichever
// member is kept: resolve never trashes a file that is not a near-duplicate of the keeper. The result is
// deterministic, and a regroup is one pass over the neighbour lists (O(n·k·group size)), on flat typed arrays
// (greedyPass.ts). What no threshold changes is made once per grouper and kept across regroups: the units, the
// fingerprint self-join and its pairs' cosines (perceptualTier.ts), the units' quality order (qualityOrder.ts,
// patched on setPresent).
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
import { greedyPass, UnitEntries, type PassGroups, type PassRule, type PassUnits } from './greedyPass.js';
import { blockedUnits, UnitNeighbors, unitRows } from './groupingUnits.js';
import { QualityOrder } from './qualityOrder.js';
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

/** Groups per tier: every tier present (0 when it has none), in values.ts order. */
export function countTiers(groups: readonly { tier: Tier }[]): Record<Tier, number> {
  const counts = Object.fromEntries(tiers.map((t) => [t, 0])) as Record<Tier, number>;
  for (const g of groups) counts[g.tier]++;
  return counts;
}

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

class TieredGrouper<F extends HashedFile> implements Grouper<F> {
  private readonly files: readonly F[];
  /** File indexes of each unit, best first, so its first file represents it: unit u's are unitFiles[unitStart[u] …]. */
  private readonly unitStart: Int32Array;
  private readonly unitFiles: Int32Array;
  private readonly fileQuality: Float64Array;
  /** Quality of each unit's first present file (what represents it). */
  private readonly unitQuality: Float64Array;
  private readonly byQuality: QualityOrder;
  private readonly unitOf: Int32Array;
  /** Equal for two files exactly when their content hashes are (hashUnits): the exact tier without a string compare per member. */
  private readonly contentOf: Int32Array;
  /** 1 for a file in the library, 0 for one that left it (setPresent). */
  private readonly present: Uint8Array;
  /** Present files per unit: a unit with none takes no part. */
  private readonly unitLive: Int32Array;
  private readonly rowOfUnit: Int32Array;
  private readonly neighbors: UnitNeighbors;
  private readonly blocked: Map<number, Set<number>>;
  private readonly rowCosine: ((a: number, b: number) => number) | null;
  private readonly perceptualDistance: number;
  private fingerprints: UnitFingerprints | null = null;
  /** A pass's candidate lists and groups, kept from one regroup to the next (a million units' worth of garbage otherwise). */
  private readonly lists = new UnitEntries();
  private readonly entries = new UnitEntries();

  constructor(input: GrouperInput<F>) {
    this.files = input.files;
    this.rowCosine = input.rowCosine ?? null;
    this.perceptualDistance = input.perceptualDistance ?? DEFAULT_PERCEPTUAL_DISTANCE;
    const quality = input.quality ?? (() => 0);
    const { unitOf, members, contentOf } = hashUnits(this.files, { notDuplicate: input.notDuplicate });
    const fileQuality = new Float64Array(this.files.length);
    for (let f = 0; f < fileQuality.length; f++) fileQuality[f] = quality(this.files[f]!);
    for (const list of members) if (list.length > 1) list.sort((a, b) => fileQuality[b]! - fileQuality[a]! || a - b);
    this.unitStart = new Int32Array(members.length + 1);
    this.unitFiles = new Int32Array(this.files.length);
    this.unitLive = new Int32Array(members.length);
    this.unitQuality = new Float64Array(members.length);
    members.forEach((list, u) => {
      this.unitStart[u + 1] = this.unitStart[u]! + list.length;
      this.unitFiles.set(list, this.unitStart[u]!);
      this.unitLive[u] = list.length;
      this.unitQuality[u] = fileQuality[list[0]!]!;
    });
    this.fileQuality = fileQuality;
    this.unitOf = unitOf;
    this.contentOf = contentOf;
    this.present = new Uint8Array(this.files.length).fill(1);
    this.byQuality = new QualityOrder(this.unitQuality);
    const { rowOfUnit, unitOfRow } = unitRows(this.files, members, input.rowOfHash, input.graph?.rows ?? 0);
    this.rowOfUnit = rowOfUnit;
    this.neighbors = new UnitNeighbors(input.graph, rowOfUnit, unitOfRow);
    this.blocked = blockedUnits(this.files, unitOf, input.notDuplicate ?? []);
  }

  /** The scale of the grouping in progress (scores of its members). */
  private scale: ScoreScale = LINEAR_SCALE;

  private get unitCount(): number {
    return this.unitLive.length;
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
      this.byQuality.changed(u);
    }
  }

  /** The unit's best present file (-1 when every file left). */
  private firstPresent(u: number): number {
    for (let i = this.unitStart[u]!; i < this.unitStart[u + 1]!; i++) if (this.present[this.unitFiles[i]!]) return this.unitFiles[i]!;
    return -1;
  }

  /** Built on first use: a unit's fingerprint is its first file that has one (its files share their pixels). */
  private unitFingerprints(): UnitFingerprints {
    if (this.fingerprints) return this.fingerprints;
    const prints = Array.from({ length: this.unitCount }, (_, u) => {
      for (let i = this.unitStart[u]!; i < this.unitStart[u + 1]!; i++) {
        const p = this.files[this.unitFiles[i]!]!.perceptualPrint;
        if (p) return p;
      }
      return null;
    });
    return (this.fingerprints = new UnitFingerprints(prints, this.perceptualDistance));
  }

  group({ threshold, includeSimilar = true, scale = LINEAR_SCALE, perceptualDistance = perceptualDistanceAt(threshold, this.perceptualDistance) }: GroupOptions): DuplicateGroup<F>[] {
    this.scale = scale;
    const cut = tierCutoffs(threshold, scale);
    const eligible = new Uint8Array(this.unitCount);
    for (let u = 0; u < eligible.length; u++) eligible[u] = this.unitLive[u]! > 0 ? 1 : 0;
    const units: PassUnits = { count: this.unitCount, eligible, live: this.unitLive, byQuality: this.byQuality.units(), blocked: this.blocked };
    const cuts: PerceptualCuts | null = perceptualDistance === null ? null : { distance: perceptualDistance, ...cut };
    const near = this.pass(units, this.nearRule(cut.near, cuts, eligible), true);
    const result = this.toGroups(near, 'near-duplicate');
    if (includeSimilar && cut.similar < cut.near) {
      for (let i = 0; i < near.entries.size; i++) eligible[near.entries.unit[i]!] = 0;
      const similar: PassRule = {
        collect: (u, lists) => this.neighbors.collect(u, cut.similar, eligible, lists, lists.size),
        linked: (u, v) => this.neighbors.listedSim(u, v) >= cut.similar,
      };
      for (const g of this.toGroups(this.pass(units, similar, false), 'similar')) result.push(g);
    }
    return result;
  }

  private pass(units: PassUnits, rule: PassRule, keepSingleUnits: boolean): PassGroups {
    const out: PassGroups = { entries: this.entries, ends: [] };
    this.entries.size = 0;
    greedyPass(units, rule, keepSingleUnits, this.lists, out);
    return out;
  }

  /** The first pass: fingerprint matches (near-identical), then embedding neighbours at the near-duplicate cut. */
  private nearRule(cut: number, cuts: PerceptualCuts | null, eligible: Uint8Array): PassRule {
    const cosine = (u: number, v: number): number => this.knownSim(u, v);
    const fingerprints = cuts ? this.unitFingerprints() : null;
    return {
      collect: (u, lists) => {
        const from = lists.size;
        fingerprints?.collect(u, cuts!, cosine, eligible, lists);
        this.neighbors.collect(u, cut, eligible, lists, from);
      },
      linked: (u, v, identical) => {
        if (this.neighbors.listedSim(u, v) >= cut) return true;
        if (!fingerprints) return false;
        if (identical) return (fingerprints.hamming(u, v) ?? Number.POSITIVE_INFINITY) <= cuts!.distance;
        return fingerprints.verdict(u, v, cuts!, cosine)?.match ?? false;
      },
    };
  }

  /** Similarity from the lists, else from the vectors themselves (NaN when a unit has none). */
  private knownSim(u: number, v: number): number {
    const listed = this.neighbors.listedSim(u, v);
    if (listed !== Number.NEGATIVE_INFINITY) return listed;
    const ru = this.rowOfUnit[u]!;
    const rv = this.rowOfUnit[v]!;
    return this.rowCosine && ru >= 0 && rv >= 0 ? this.rowCosine(ru, rv) : Number.NaN;
  }

  private toGroups({ entries, ends }: PassGroups, passTier: Tier): DuplicateGroup<F>[] {
    const groups: DuplicateGroup<F>[] = new Array(ends.length);
    for (let g = 0; g < ends.length; g++) groups[g] = this.toGroup(entries, g === 0 ? 0 : ends[g - 1]!, ends[g]!, passTier);
    return groups;
  }

  /** The group at entries[from, to): its representative unit first. */
  private toGroup(entries: UnitEntries, from: number, to: number, passTier: Tier): DuplicateGroup<F> {
    const rep = entries.unit[from]!;
    const repIndex = this.firstPresent(rep);
    const repFile = this.files[repIndex]!;
    const repContent = this.contentOf[repIndex]!;
    const fingerprints = this.unitFingerprints();
    const members: GroupMember<F>[] = [];
    let weakest = 0;
    for (let i = from; i < to; i++) {
      const u = entries.unit[i]!;
      const hamming = fingerprints.hamming(rep, u);
      const cosine = i === from ? 1 : entries.sim[i]!;
      const score = i === from ? 100 : cosineToScore(cosine, this.scale);
      const unitTier: Tier = i === from ? 'same-pixels' : entries.identical[i] ? 'near-identical' : passTier;
      for (let at = this.unitStart[u]!; at < this.unitStart[u + 1]!; at++) {
        const f = this.unitFiles[at]!;
        if (!this.present[f]) continue;
        const file = this.files[f]!;
        const tier: Tier = this.contentOf[f] === repContent ? 'exact' : unitTier;
        weakest = Math.max(weakest, TIER_RANK[tier]);
        members.push({ file, tier, match: matchReason(file, repFile, tier), cosine, score, hamming });
      }
    }
    return { tier: tiers[weakest]!, members };
  }
}

/** Each tier's place in the tier list (strongest first): groupTier without a search per member. */
const TIER_RANK = Object.fromEntries(tiers.map((t, i) => [t, i])) as Record<Tier, number>;

function matchReason(file: HashedFile, rep: HashedFile, tier: Tier): MatchReason {
  if (tier === 'exact') return 'identical bytes';
  if (tier !== 'same-pixels') return tier;
  // Same unit, different pixel hash: joined by the rotated-copy rule, not by equal pixels.
  return file.pixelHash !== null && file.pixelHash === rep.pixelHash ? 'same pixels' : 'same pixels (EXIF-rotated copy)';
}

export function createGrouper<F extends HashedFile>(input: GrouperInput<F>): Grouper<F> {
  return new TieredGrouper(input);
}
