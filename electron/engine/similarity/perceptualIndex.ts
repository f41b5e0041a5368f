// Near matches of 128-bit perceptual hashes (perceptualHash.ts) at Hamming distance ≤ d, by multi-index hashing
// (Norouzi, Punjani and Fleet, "Fast Search in Hamming Space with Multi-Index Hashing", CVPR 2012).
//
// The hash is cut into 8 chunks of 16 bits, each with its own table (chunk value → entries). A chunk takes every
// 8th bit (chunk t: bits t, t+8, t+16, …), so each spans the whole picture in both hashes: contiguous bits (two
// rows of dHash, neighbouring DCT frequencies) are correlated, and a low-entropy chunk makes crowded buckets.
// (A fixed permutation of bit positions changes no Hamming distance.) If two hashes are
// within d, the 8 chunk distances sum to ≤ d, so at least one chunk is within ⌊d/8⌋ (pigeonhole): probing every
// table at the chunk values within that radius finds every match, and only candidates are compared in full. At
// the default d = 15 the radius is 1: 17 probes a table, 136 a query. A table is a counting sort (65 537 offsets
// and one id array), so 1M hashes take 16 MB of hashes and 32 MB of tables, built in one pass (bench/grouping.ts).
// The grouper wants every entry's matches: `pairs` is that as one exact self-join (each table walked once, bucket
// against bucket), 4.6–10.8 s CPU at 1M where a million `near` queries cost 250–740 s (bench/perceptual.ts).
// Why by hand: the npm BK-tree and MIH packages are unmaintained or work on strings; this is small and exact.
import { PERCEPTUAL_HASH_BITS } from './perceptualHash.js';

const TABLES = 8;
const CHUNK_BITS = PERCEPTUAL_HASH_BITS / TABLES;
const KEYS = 1 << CHUNK_BITS;
const WORDS = PERCEPTUAL_HASH_BITS / 32;

export function popcount32(x: number): number {
  x -= (x >>> 1) & 0x55555555;
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/** The 16-bit chunk t of the hash starting at word offset w. */
const chunkOf = (words: Uint32Array, w: number, t: number): number => (t & 1 ? words[w + (t >> 1)]! & 0xffff : words[w + (t >> 1)]! >>> 16);

/** XOR masks of every 16-bit value within Hamming distance r of a key (0 first), per radius, made once. */
const MASKS: Uint16Array[] = [];
function masksWithin(radius: number): Uint16Array {
  const r = Math.min(radius, CHUNK_BITS);
  if (!MASKS[r]) {
    const list: number[] = [];
    for (let m = 0; m < KEYS; m++) if (popcount32(m) <= r) list.push(m);
    MASKS[r] = Uint16Array.from(list.sort((a, b) => popcount32(a) - popcount32(b) || a - b));
  }
  return MASKS[r];
}

/** Bit k of chunk t is hash bit t + 8k (most significant first); chunk t is the high (t even) or low half of word t >> 1. */
function interleave(hash: Uint8Array, out: Uint32Array, at: number): void {
  for (let t = 0; t < TABLES; t++) {
    let chunk = 0;
    for (let k = 0; k < CHUNK_BITS; k++) {
      const bit = t + TABLES * k;
      chunk = (chunk << 1) | ((hash[bit >> 3]! >> (7 - (bit & 7))) & 1);
    }
    const w = at + (t >> 1);
    out[w] = t & 1 ? (out[w]! | chunk) >>> 0 : (chunk << 16) >>> 0;
  }
}

/**
 * Every pair (p in [a0, a1), q in [b0, b1)) of the table-ordered hashes within maxDistance: found(p, q, distance).
 * One bucket against itself (b0 === a0) pairs each two once. The first two words decide most pairs: an unrelated
 * pair differs in ~32 of those 64 bits, far over any tier distance, so the second half is rarely read.
 */
/** Set bits of every 16-bit value: two lookups count a word faster than the bit-twiddling popcount32. */
const POP16 = Uint8Array.from({ length: KEYS }, (_, m) => popcount32(m));
const pop = (x: number): number => POP16[x & 0xffff]! + POP16[x >>> 16]!;

function joinBuckets(s: Uint32Array, a0: number, a1: number, b0: number, b1: number, maxDistance: number, found: (p: number, q: number, d: number) => void): void {
  const same = a0 === b0;
  for (let p = a0; p < a1; p++) {
    const i = p * WORDS;
    const x0 = s[i]!;
    const x1 = s[i + 1]!;
    for (let q = same ? p + 1 : b0; q < b1; q++) {
      const j = q * WORDS;
      let d = pop(x0 ^ s[j]!) + pop(x1 ^ s[j + 1]!);
      if (d > maxDistance) continue;
      d += pop(s[i + 2]! ^ s[j + 2]!) + pop(s[i + 3]! ^ s[j + 3]!);
      if (d <= maxDistance) found(p, q, d);
    }
  }
}

/** Whether table t is the first whose chunks of p and q are within the radius (so the pair is reported once). */
function foundFirstIn(s: Uint32Array, p: number, q: number, t: number, radius: number): boolean {
  for (let e = 0; e < t; e++) if (popcount32(chunkOf(s, p * WORDS, e) ^ chunkOf(s, q * WORDS, e)) <= radius) return false;
  return true;
}

export class PerceptualIndex {
  /** WORDS words per entry, bits interleaved (entries without a hash are all zero and never indexed). */
  private readonly words: Uint32Array;
  private readonly present: Uint8Array;
  private readonly offsets: Uint32Array[] = [];
  private readonly entries: Uint32Array[] = [];
  /** Stamp of the last query that saw each entry, so one shared by several tables is compared once. */
  private readonly seen: Uint32Array;
  private query = 0;

  /** Entry i is hashes[i]; null (no fingerprint) entries are never found. */
  constructor(hashes: readonly (Uint8Array | null | undefined)[]) {
    const n = hashes.length;
    this.words = new Uint32Array(n * WORDS);
    this.present = new Uint8Array(n);
    this.seen = new Uint32Array(n);
    hashes.forEach((h, i) => {
      if (!h) return;
      this.present[i] = 1;
      interleave(h, this.words, i * WORDS);
    });
    for (let t = 0; t < TABLES; t++) this.buildTable(t);
  }

  get size(): number {
    return this.present.length;
  }

  private buildTable(t: number): void {
    const n = this.present.length;
    const offsets = new Uint32Array(KEYS + 1);
    for (let i = 0; i < n; i++) if (this.present[i]) offsets[chunkOf(this.words, i * WORDS, t) + 1]!++;
    for (let k = 0; k < KEYS; k++) offsets[k + 1]! += offsets[k]!;
    const fill = offsets.slice(0, KEYS);
    const entries = new Uint32Array(offsets[KEYS]!);
    for (let i = 0; i < n; i++) if (this.present[i]) entries[fill[chunkOf(this.words, i * WORDS, t)]!++] = i;
    this.offsets.push(offsets);
    this.entries.push(entries);
  }

  /** Hamming distance of two entries (both must have a hash). */
  distance(a: number, b: number): number {
    let d = 0;
    for (let w = 0; w < WORDS; w++) d += popcount32(this.words[a * WORDS + w]! ^ this.words[b * WORDS + w]!);
    return d;
  }

  /**
   * Calls visit(a, b, distance) once for every pair of entries within maxDistance (a, b in no set order): the
   * grouper's full pass as one self-join, exactly what `near` finds from every entry. Each table is walked once,
   * comparing only entries of one bucket, or of two buckets within the pigeonhole radius (each bucket pair once),
   * on a copy of the hashes laid out in the table's order, so a bucket's hashes are read sequentially from cache
   * rather than one cache miss per candidate. A pair is reported by the first table that can find it.
   */
  pairs(maxDistance: number, visit: (a: number, b: number, distance: number) => void): void {
    const radius = Math.floor(maxDistance / TABLES);
    const masks = masksWithin(radius);
    const sorted = new Uint32Array(this.entries[0]!.length * WORDS);
    const words = this.words;
    for (let t = 0; t < TABLES; t++) {
      const offsets = this.offsets[t]!;
      const entries = this.entries[t]!;
      for (let p = 0; p < entries.length; p++) {
        const from = entries[p]! * WORDS;
        sorted[p * WORDS] = words[from]!;
        sorted[p * WORDS + 1] = words[from + 1]!;
        sorted[p * WORDS + 2] = words[from + 2]!;
        sorted[p * WORDS + 3] = words[from + 3]!;
      }
      const found = (p: number, q: number, d: number): void => {
        if (!foundFirstIn(sorted, p, q, t, radius)) return;
        visit(entries[p]!, entries[q]!, d);
      };
      for (let k = 0; k < KEYS; k++) {
        const a0 = offsets[k]!;
        const a1 = offsets[k + 1]!;
        if (a0 === a1) continue;
        joinBuckets(sorted, a0, a1, a0, a1, maxDistance, found);
        for (let m = 1; m < masks.length; m++) {
          const other = k ^ masks[m]!;
          if (other < k || offsets[other] === offsets[other + 1]) continue;
          joinBuckets(sorted, a0, a1, offsets[other]!, offsets[other + 1]!, maxDistance, found);
        }
      }
    }
  }

  /** Calls visit(entry, distance) for every other entry within maxDistance of entry `of` (none if it has no hash). */
  near(of: number, maxDistance: number, visit: (entry: number, distance: number) => void): void {
    if (!this.present[of]) return;
    const stamp = ++this.query;
    if (stamp === 0xffffffff) {
      this.seen.fill(0);
      this.query = 1;
    }
    const masks = masksWithin(Math.floor(maxDistance / TABLES));
    for (let t = 0; t < TABLES; t++) {
      const offsets = this.offsets[t]!;
      const entries = this.entries[t]!;
      const chunk = chunkOf(this.words, of * WORDS, t);
      for (let k = 0; k < masks.length; k++) {
        const key = chunk ^ masks[k]!;
        for (let e = offsets[key]!; e < offsets[key + 1]!; e++) {
          const other = entries[e]!;
          if (other === of || this.seen[other] === this.query) continue;
          this.seen[other] = this.query;
          const d = this.distance(of, other);
          if (d <= maxDistance) visit(other, d);
        }
      }
    }
  }
}
