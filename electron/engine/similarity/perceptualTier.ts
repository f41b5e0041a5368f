// When two photos are "near-identical": their perceptual fingerprints (perceptualHash.ts) are within the Hamming
// distance d, and, where a fingerprint alone is known to over-merge, the embedding agrees.
//
// The two over-merges perceptual-hash duplicate finders are known for:
//   - low detail: near-uniform pictures (sky, a wall, a dark frame) hash by noise and vignetting, so different
//     ones come close. Their fingerprint is no evidence at all: the embedding must reach the near-duplicate cut,
//     and the tier only names the pair's closeness better;
//   - greyscale against colour: the hashes read luma only, so a grey picture matches any colour one with the same
//     light and shade. But a greyscale copy keeps its original's luma, so its fingerprint stays very close (0–6
//     bits on the corpus, where different photos start at 22), and a model may put it anywhere (a random-weight
//     one below the similar band). So within half the distance the fingerprint decides; beyond it the embedding
//     must place the pair in the `similar` band or above.
import { hammingDistance, isGreyscale, isLowDetail, isPerceptualPrint, PERCEPTUAL_HASH_BITS } from './perceptualHash.js';
import type { UnitEntries } from './greedyPass.js';
import { PerceptualIndex, popcount32 } from './perceptualIndex.js';
import { DEFAULT_THRESHOLD } from '../../shared/values.js';

export type FingerprintRisk = 'low-detail' | 'greyscale-vs-colour';

export interface PerceptualCuts {
  /** Largest Hamming distance (of 128 bits) of the tier. */
  distance: number;
  /** The embedding's near-duplicate and similar cosines at the current threshold and scale. */
  near: number;
  similar: number;
}

const LOW_DETAIL = 1;
const GREYSCALE = 2;

/** What the guards read of a fingerprint, as bits (LOW_DETAIL | GREYSCALE): a grouper keeps them per unit. */
const printTraits = (p: Uint8Array): number => (isLowDetail(p) ? LOW_DETAIL : 0) | (isGreyscale(p) ? GREYSCALE : 0);

/** Why two fingerprints with these traits cannot be trusted alone, or null when they can. */
function riskOfTraits(a: number, b: number): FingerprintRisk | null {
  if ((a | b) & LOW_DETAIL) return 'low-detail';
  if ((a ^ b) & GREYSCALE) return 'greyscale-vs-colour';
  return null;
}

/** Why the fingerprints alone cannot be trusted for this pair, or null when they can. */
export function fingerprintRisk(a: Uint8Array, b: Uint8Array): FingerprintRisk | null {
  return riskOfTraits(printTraits(a), printTraits(b));
}

/** The cosine the embedding must reach to confirm a fingerprint match at this distance (−∞: no confirmation needed). */
export function confirmingCosine(risk: FingerprintRisk | null, hamming: number, cuts: PerceptualCuts): number {
  if (risk === 'low-detail') return cuts.near;
  if (risk === 'greyscale-vs-colour' && hamming > Math.floor(cuts.distance / 2)) return cuts.similar;
  return Number.NEGATIVE_INFINITY;
}

export interface PerceptualVerdict {
  hamming: number;
  /** Within the distance and, where needed, confirmed by the embedding. */
  match: boolean;
  risk: FingerprintRisk | null;
}

/**
 * The verdict on one pair, or null when either has no fingerprint. `cosine` is asked only when a risk needs it
 * (NaN or −∞: unknown, which never confirms).
 */
export function perceptualVerdict(a: Uint8Array | null | undefined, b: Uint8Array | null | undefined, cuts: PerceptualCuts, cosine: () => number): PerceptualVerdict | null {
  if (!isPerceptualPrint(a) || !isPerceptualPrint(b)) return null;
  const hamming = hammingDistance(a, b);
  if (hamming > cuts.distance) return { hamming, match: false, risk: null };
  const risk = fingerprintRisk(a, b);
  const need = confirmingCosine(risk, hamming, cuts);
  return { hamming, match: need === Number.NEGATIVE_INFINITY || cosine() >= need, risk };
}

/** Every unit's fingerprint neighbours within a distance, nearest first, in one flat list (unit u's: start[u]…start[u + 1]). */
interface MatchLists {
  distance: number;
  start: Uint32Array;
  unit: Uint32Array;
  hamming: Uint8Array;
}

/**
 * The lists from one self-join of the index (PerceptualIndex.pairs): the grouper asks every unit for its matches,
 * and one join costs a few seconds at 1M where a million separate queries cost over ten minutes (bench/perceptual.ts).
 * Typed arrays throughout: a million units with no near-identical copy cost a few bytes each, no object.
 */
function matchLists(index: PerceptualIndex, distance: number): MatchLists {
  let pairs: Uint32Array = new Uint32Array(3 * 1024);
  let count = 0;
  index.pairs(distance, (a, b, d) => {
    if (3 * count === pairs.length) pairs = growTo(pairs, pairs.length * 2);
    pairs[3 * count] = a;
    pairs[3 * count + 1] = b;
    pairs[3 * count + 2] = d;
    count++;
  });
  const n = index.size;
  const start = new Uint32Array(n + 1);
  for (let i = 0; i < 2 * count; i++) start[pairs[3 * (i >> 1) + (i & 1)]! + 1]!++;
  for (let u = 0; u < n; u++) start[u + 1]! += start[u]!;
  // Sort key hamming·2³² + unit: nearest first, then by unit, as the per-unit queries were ordered.
  const keys = new Float64Array(2 * count);
  const fill = start.slice(0, n);
  for (let i = 0; i < count; i++) {
    const a = pairs[3 * i]!;
    const b = pairs[3 * i + 1]!;
    const d = pairs[3 * i + 2]!;
    keys[fill[a]!++] = d * 2 ** 32 + b;
    keys[fill[b]!++] = d * 2 ** 32 + a;
  }
  for (let u = 0; u < n; u++) sortSegment(keys, start[u]!, start[u + 1]!);
  const unit = new Uint32Array(keys.length);
  const hamming = new Uint8Array(keys.length);
  for (let e = 0; e < keys.length; e++) {
    hamming[e] = Math.floor(keys[e]! / 2 ** 32);
    unit[e] = keys[e]! % 2 ** 32;
  }
  return { distance, start, unit, hamming };
}

/** Insertion sort of keys[from, to): a unit's list is short, and a million typed-array views would cost more. */
function sortSegment(keys: Float64Array, from: number, to: number): void {
  for (let i = from + 1; i < to; i++) {
    const key = keys[i]!;
    let j = i - 1;
    for (; j >= from && keys[j]! > key; j--) keys[j + 1] = keys[j]!;
    keys[j + 1] = key;
  }
}

function growTo(a: Uint32Array, length: number): Uint32Array {
  const b = new Uint32Array(length);
  b.set(a);
  return b;
}

/** 32-bit words of a fingerprint's hash (as the index packs them). */
const WORDS = PERCEPTUAL_HASH_BITS / 32;

/**
 * The fingerprints of the grouper's units (a unit's files share their pixels, so its first fingerprint stands for
 * it) and their index, built once per grouping state (the index on first need: the Hamming distances of a
 * group's members need only the prints). The hashes and the guards' two facts are copied into flat arrays: a
 * regroup reads them for every candidate and member, and a million small Uint8Arrays cost a cache miss apiece.
 */
export class UnitFingerprints {
  private index: PerceptualIndex | null | undefined;
  /** Every unit's neighbours at the largest distance asked yet: a regroup (the slider) at that distance or less asks no index. */
  private lists: MatchLists | null = null;
  /** Each well-formed print's 128 hash bits as 4 words (byte order kept; a Hamming distance needs no other). */
  private readonly words: Uint32Array;
  /** 0: no print; 1: well-formed; 2: malformed (its distance read from the bytes, as hammingDistance does). */
  private readonly kind: Uint8Array;
  /** LOW_DETAIL | GREYSCALE of each well-formed print (fingerprintRisk's facts). */
  private readonly traits: Uint8Array;
  /** collect's cosine of each list entry's pair, asked once per grouping state (known[e] = 1 once asked). */
  private sims: Float64Array = new Float64Array(0);
  private known: Uint8Array = new Uint8Array(0);

  /**
   * `widest`: the largest distance any grouping of this state asks (the calibrated one: perceptualDistanceAt never
   * goes above it), so the one self-join serves every slider position.
   */
  constructor(private readonly prints: readonly (Uint8Array | null)[], private readonly widest = 0) {
    const n = prints.length;
    this.words = new Uint32Array(n * WORDS);
    this.kind = new Uint8Array(n);
    this.traits = new Uint8Array(n);
    for (let u = 0; u < n; u++) {
      const p = prints[u];
      if (!p) continue;
      if (!isPerceptualPrint(p)) {
        this.kind[u] = 2;
        continue;
      }
      this.kind[u] = 1;
      for (let w = 0; w < WORDS; w++) this.words[u * WORDS + w] = ((p[4 * w]! << 24) | (p[4 * w + 1]! << 16) | (p[4 * w + 2]! << 8) | p[4 * w + 3]!) >>> 0;
      this.traits[u] = printTraits(p);
    }
  }

  hamming(u: number, v: number): number | null {
    const ku = this.kind[u]!;
    const kv = this.kind[v]!;
    if (ku === 0 || kv === 0) return null;
    if (ku === 2 || kv === 2) return hammingDistance(this.prints[u]!, this.prints[v]!);
    let d = 0;
    for (let w = 0; w < WORDS; w++) d += popcount32(this.words[u * WORDS + w]! ^ this.words[v * WORDS + w]!);
    return d;
  }

  verdict(u: number, v: number, cuts: PerceptualCuts, cosine: (u: number, v: number) => number): PerceptualVerdict | null {
    return perceptualVerdict(this.prints[u], this.prints[v], cuts, () => cosine(u, v));
  }

  /**
   * Units whose fingerprint matches u's (guards applied, nearest first) among those `eligible` marks (u itself
   * left out), appended to a pass's candidate lists as near-identical ones, each with its cosine to u. `cosine`
   * must be the same function at every call (the grouper's): its answers are kept, so a regroup asks it nothing it
   * asked before.
   */
  collect(u: number, cuts: PerceptualCuts, cosine: (u: number, v: number) => number, eligible: Uint8Array, lists: UnitEntries): void {
    const found = this.listsWithin(cuts.distance);
    if (!found) return;
    const { start, unit, hamming } = found;
    for (let e = start[u]!; e < start[u + 1]! && hamming[e]! <= cuts.distance; e++) {
      const v = unit[e]!;
      if (eligible[v] !== 1 || v === u) continue;
      // The candidate's similarity is this cosine: asked first, it confirms the match too where a guard needs it.
      if (!this.known[e]) (this.sims[e] = cosine(u, v)), (this.known[e] = 1);
      const sim = this.sims[e]!;
      const need = this.confirming(u, v, hamming[e]!, cuts);
      if (need === Number.NEGATIVE_INFINITY || sim >= need) lists.push(v, sim, 1);
    }
  }

  /** perceptualVerdict's rule (confirmingCosine of fingerprintRisk) for a pair the join found at this distance. */
  private confirming(u: number, v: number, hamming: number, cuts: PerceptualCuts): number {
    return confirmingCosine(riskOfTraits(this.traits[u]!, this.traits[v]!), hamming, cuts);
  }

  /** The lists at `distance` or wider, or null when no unit has a fingerprint. */
  private listsWithin(distance: number): MatchLists | null {
    if (this.index === undefined) {
      // Only well-formed prints are indexed: a malformed one has no verdict (perceptualVerdict), so it never matches.
      const valid = this.prints.map((p, u) => (this.kind[u] === 1 ? p : null));
      this.index = valid.some((p) => p !== null) ? new PerceptualIndex(valid) : null;
    }
    if (!this.index) return null;
    if (!this.lists || distance > this.lists.distance) {
      this.lists = matchLists(this.index, Math.max(distance, this.widest));
      this.sims = new Float64Array(this.lists.unit.length);
      this.known = new Uint8Array(this.lists.unit.length);
    }
    return this.lists;
  }
}

/**
 * The tier's distance at a threshold. Up to the default threshold it is the calibrated distance; above it the
 * slider asks for closer matches, so the distance shrinks with it, to no tier at all at 100 ("only the same
 * picture": bytes or pixels). Below the default it stays: a looser fingerprint would merge different photos, and
 * looser matches are the embedding's to find.
 */
export function perceptualDistanceAt(threshold: number, calibrated: number, defaultThreshold = DEFAULT_THRESHOLD): number | null {
  if (threshold >= 100) return null;
  const share = Math.min(1, (100 - threshold) / (100 - defaultThreshold));
  return Math.floor(calibrated * share);
}
