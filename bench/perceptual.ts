// The perceptual tier at scale: fingerprint throughput (what a backfill of old catalog rows costs) and the
// multi-index hashing index at N fingerprints (default 1M): build, one near-match query at the default distance,
// and the grouper's full pass (every unit's matches), both as N separate queries (measured on a prefix, projected:
// the old way) and as the index's one self-join (PerceptualIndex.pairs) behind UnitFingerprints.
// `npm run bench -- perceptual [--n 100000] [--pairs 5000]`. CPU times: wall time on a shared machine says more
// about the neighbours than about the index.
//
// Three sets of N prints:
//   - copies: 100k distinct prints from synthetic low-frequency thumbnails (bits as correlated as a real
//     library's, not uniform noise, which would flatter the index), the rest copies of them, most 0–2 bits
//     off, one in ten an "edit" of up to 12 bits;
//   - families, random background: families of 2–5 prints, each 0–12 random bits off a random base (a fifth of
//     the set), amid uniformly random prints;
//   - families, clustered background: the same families (bases from thumbnails), amid prints that are 8–40 bits
//     off a thumbnail "scene" (bursts and series of one subject): crowded buckets, near but not within the tier.
// Recall is measured on the families: of their member pairs within the distance, how many the pass finds.
import { PERCEPTUAL_PRINT_BYTES, DEFAULT_PERCEPTUAL_DISTANCE, hammingDistance, perceptualPrint } from '../electron/engine/similarity/perceptualHash.js';
import { PerceptualIndex } from '../electron/engine/similarity/perceptualIndex.js';
import { UnitEntries } from '../electron/engine/similarity/greedyPass.js';
import { UnitFingerprints } from '../electron/engine/similarity/perceptualTier.js';
import { PIXEL_THUMB_BYTES } from '../electron/engine/similarity/pixelThumb.js';
import { mulberry32 } from '../test/support/prng.js';

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : Number.NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

/**
 * A 32×32 RGB thumbnail: a random 8×8 grid of brightness, smoothly (bilinearly) enlarged, over a random vertical
 * gradient (sky above, ground below, as photos tend to be). Structure at the scales the hashes read, not noise.
 */
function syntheticThumb(next: () => number): Uint8Array {
  const grid = Float64Array.from({ length: 81 }, () => next() % 120);
  const top = 40 + (next() % 100);
  const slope = ((next() % 100) - 50) / 20;
  const t = new Uint8Array(PIXEL_THUMB_BYTES);
  for (let y = 0; y < 32; y++) {
    for (let x = 0; x < 32; x++) {
      const gx = x / 4;
      const gy = y / 4;
      const x0 = Math.floor(gx);
      const y0 = Math.floor(gy);
      const fx = gx - x0;
      const fy = gy - y0;
      const at = (i: number, j: number) => grid[j * 9 + i]!;
      const v = top + slope * y + (at(x0, y0) * (1 - fx) + at(x0 + 1, y0) * fx) * (1 - fy) + (at(x0, y0 + 1) * (1 - fx) + at(x0 + 1, y0 + 1) * fx) * fy;
      const c = Math.max(0, Math.min(255, Math.round(v)));
      const i = (y * 32 + x) * 3;
      t[i] = c;
      t[i + 1] = Math.max(0, c - 10);
      t[i + 2] = Math.min(255, c + 10);
    }
  }
  return t;
}

type Rand = () => number;

/** `p` with `bits` distinct random bits of its hash flipped. */
function flipped(p: Uint8Array, bits: number, next: Rand): Uint8Array {
  const q = Uint8Array.from(p);
  const chosen = new Set<number>();
  while (chosen.size < bits) chosen.add(next() % 128);
  for (const b of chosen) q[b >> 3]! ^= 0x80 >> (b & 7);
  return q;
}

/** Uniformly random hash bits, marked detailed and colourful (no guard asks the embedding). */
function randomPrint(next: Rand): Uint8Array {
  const p = new Uint8Array(PERCEPTUAL_PRINT_BYTES);
  for (let i = 0; i < 16; i++) p[i] = next() & 0xff;
  p[16] = 40;
  p[17] = 200;
  return p;
}

interface PrintSet {
  name: string;
  prints: Uint8Array[];
  /** Family of each print, −1 for the background (recall is counted on family pairs only). */
  family: Int32Array;
}

function copiesSet(n: number, scenes: readonly Uint8Array[], next: Rand): PrintSet {
  const prints = scenes.slice(0, n);
  while (prints.length < n) prints.push(flipped(scenes[next() % scenes.length]!, next() % 10 === 0 ? next() % 13 : next() % 3, next));
  return { name: 'copies', prints, family: new Int32Array(n).fill(-1) };
}

/** A fifth in families of 2–5 (each member 0–12 bits off the base), the rest background, shuffled together. */
function familiesSet(n: number, scenes: readonly Uint8Array[] | null, next: Rand): PrintSet {
  const scenePrint = (): Uint8Array => flipped(scenes![next() % scenes!.length]!, 8 + (next() % 33), next);
  const background = scenes ? scenePrint : () => randomPrint(next);
  const prints: Uint8Array[] = [];
  const family: number[] = [];
  for (let f = 0; prints.length < n / 5; f++) {
    const base = background();
    for (let k = 2 + (next() % 4); k > 0; k--) {
      prints.push(flipped(base, next() % 13, next));
      family.push(f);
    }
  }
  while (prints.length < n) {
    prints.push(background());
    family.push(-1);
  }
  for (let i = prints.length - 1; i > 0; i--) {
    const j = next() % (i + 1);
    [prints[i], prints[j]] = [prints[j]!, prints[i]!];
    [family[i], family[j]] = [family[j]!, family[i]!];
  }
  return { name: scenes ? 'families, clustered background' : 'families, random background', prints: prints.slice(0, n), family: Int32Array.from(family.slice(0, n)) };
}

/** Family pairs within the distance: what a perfect pass finds. */
function familyPairsWithin(set: PrintSet, d: number): number {
  const members = new Map<number, number[]>();
  set.family.forEach((f, i) => f >= 0 && members.set(f, [...(members.get(f) ?? []), i]));
  let count = 0;
  for (const list of members.values()) for (let a = 0; a < list.length; a++) for (let b = a + 1; b < list.length; b++) if (hammingDistance(set.prints[list[a]!]!, set.prints[list[b]!]!) <= d) count++;
  return count;
}

const cpuMs = (since: NodeJS.CpuUsage): number => {
  const c = process.cpuUsage(since);
  return Math.round((c.user + c.system) / 1000);
};

/** The old full pass: one query per entry, on a prefix, projected to N; and how many matches the prefix has. */
function perQueryPass(index: PerceptualIndex, d: number, prefix: number): { projectedCpuMs: number; prefixMatches: number } {
  let prefixMatches = 0;
  const cpu0 = process.cpuUsage();
  for (let i = 0; i < prefix; i++) index.near(i, d, () => prefixMatches++);
  return { projectedCpuMs: Math.round((cpuMs(cpu0) / prefix) * index.size), prefixMatches };
}

/** The grouper's pass as it runs now: UnitFingerprints (index, self-join, lists) and every unit's matches. */
function grouperPass(set: PrintSet, d: number): { ms: number; cpuMs: number; familyPairsFound: number } {
  const cuts = { distance: d, near: 0.9, similar: 0.8 };
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const units = new UnitFingerprints(set.prints);
  const eligible = new Uint8Array(set.prints.length).fill(1);
  const found = new UnitEntries();
  let familyPairsFound = 0;
  for (let u = 0; u < set.prints.length; u++) {
    found.size = 0;
    units.collect(u, cuts, () => Number.NaN, eligible, found);
    for (let i = 0; i < found.size; i++) {
      const v = found.unit[i]!;
      if (v > u && set.family[u]! >= 0 && set.family[u] === set.family[v]) familyPairsFound++;
    }
  }
  return { ms: Math.round(performance.now() - t0), cpuMs: cpuMs(cpu0), familyPairsFound };
}

function measureSet(set: PrintSet, d: number, prefix: number): Record<string, number | string> {
  const n = set.prints.length;
  const t0 = performance.now();
  const index = new PerceptualIndex(set.prints);
  const buildMs = Math.round(performance.now() - t0);
  const old = perQueryPass(index, d, Math.min(prefix, n));
  let pairs = 0;
  let prefixMatches = 0;
  const cpu0 = process.cpuUsage();
  index.pairs(d, (a, b) => {
    pairs++;
    prefixMatches += Number(a < prefix) + Number(b < prefix);
  });
  const joinCpuMs = cpuMs(cpu0);
  const pass = grouperPass(set, d);
  const truth = familyPairsWithin(set, d);
  return {
    set: set.name,
    n,
    buildMs,
    perQueryProjectedCpuS: Math.round(old.projectedCpuMs / 1000),
    selfJoinCpuMs: joinCpuMs,
    grouperPassMs: pass.ms,
    grouperPassCpuMs: pass.cpuMs,
    pairsWithin: pairs,
    sameAsQueriesOnPrefix: old.prefixMatches === prefixMatches ? 'yes' : `NO (${old.prefixMatches} vs ${prefixMatches})`,
    familyPairsWithin: truth,
    recall: truth === 0 ? 'n/a' : (pass.familyPairsFound / truth).toFixed(4),
  };
}

export async function benchPerceptual(): Promise<Record<string, unknown>> {
  const n = flag('n', 1_000_000);
  const distinct = Math.min(n, flag('distinct', 100_000));
  const prefix = Math.min(n, flag('pairs', 5_000));
  const d = DEFAULT_PERCEPTUAL_DISTANCE;
  const next = mulberry32(16);
  const t0 = performance.now();
  const scenes = Array.from({ length: distinct }, () => perceptualPrint(syntheticThumb(next)));
  const fingerprintsPerSecond = Math.round(distinct / ((performance.now() - t0) / 1000));
  const first = new PerceptualIndex(copiesSet(n, scenes, next).prints);
  const queries = 1000;
  let found = 0;
  const t1 = performance.now();
  for (let q = 0; q < queries; q++) first.near((q * 7919) % n, d, () => found++);
  const queryMs = Math.round(((performance.now() - t1) / queries) * 1000) / 1000;
  const sets = [() => copiesSet(n, scenes, next), () => familiesSet(n, null, next), () => familiesSet(n, scenes, next)];
  const rows = sets.map((make) => measureSet(make(), d, prefix));
  console.log(`fingerprint: ${fingerprintsPerSecond.toLocaleString('en-US')}/s; one query at Hamming ≤ ${d}: ${queryMs} ms (${(found / queries).toFixed(1)} found); per-query pass measured on ${prefix.toLocaleString('en-US')} entries`);
  console.table(rows);
  return { n, distance: d, fingerprintsPerSecond, bytesPerFingerprint: PERCEPTUAL_PRINT_BYTES, queryMs, sets: rows };
}
