// Joins pixel-hash units that are lossy EXIF-rotated copies of each other (see pixelThumb.ts for the measures).
//
// The rule, for two units A and B (each a set of files with identical upright pixels):
//   1. their Orientation tags are disjoint: every file of A carries a different tag from every file of B. The tag
//      change is the evidence that one was made by rotating the other; a same-tag pair that differs by JPEG noise
//      is a plain re-encode and stays a near-duplicate;
//   2. the same upright width × height (a rotation keeps the picture's size; a resize or crop does not);
//   3. their thumbnails agree within one re-encode's noise (withinReencodeNoise).
// Unlike byte or pixel equality this relation is not transitive (a q80 rotated copy is within noise of the
// original and of a q70 re-encode of it, which is not itself same-pixels with the original), so merging is
// complete-linkage and best-first: links are taken in order of increasing difference, and two merged sets join
// only when every pair of their units is linked. Rule 1 then keeps at most one unit per tag in a merged set.
import { thumbDifference, thumbMean, withinReencodeNoise, ROTATED_COPY_TOLERANCE } from './pixelThumb.js';

export interface UnitPicture {
  /** Orientation tags of the unit's files (1 when the file has none). */
  tags: ReadonlySet<number>;
  width: number;
  height: number;
  thumb: Uint8Array;
}

interface Link {
  a: number;
  b: number;
  meanAbs: number;
}

const disjoint = (a: ReadonlySet<number>, b: ReadonlySet<number>): boolean => {
  for (const t of a) if (b.has(t)) return false;
  return true;
};

/** Pairs of units that satisfy the rule, best first. Units without a picture (null) never link. */
export function rotatedCopyLinks(
  units: readonly (UnitPicture | null)[],
  isBlocked: (a: number, b: number) => boolean = () => false,
): Link[] {
  // Same size only, so bucket by size; inside a bucket sort by mean value and compare only within the tolerance
  // (|Δmean| ≤ meanAbs holds for any pair that can match, so no match is lost).
  const buckets = new Map<string, { unit: number; mean: number }[]>();
  units.forEach((p, unit) => {
    if (!p) return;
    const key = `${p.width}x${p.height}`;
    let list = buckets.get(key);
    if (!list) buckets.set(key, (list = []));
    list.push({ unit, mean: thumbMean(p.thumb) });
  });
  const links: Link[] = [];
  for (const list of buckets.values()) {
    if (list.length < 2) continue;
    list.sort((x, y) => x.mean - y.mean || x.unit - y.unit);
    for (let i = 0; i < list.length; i++) {
      const x = list[i]!;
      const px = units[x.unit]!;
      for (let j = i + 1; j < list.length && list[j]!.mean - x.mean <= ROTATED_COPY_TOLERANCE.meanAbs; j++) {
        const y = list[j]!;
        const py = units[y.unit]!;
        if (!disjoint(px.tags, py.tags) || isBlocked(x.unit, y.unit)) continue;
        const d = thumbDifference(px.thumb, py.thumb);
        if (!withinReencodeNoise(d)) continue;
        links.push({ a: Math.min(x.unit, y.unit), b: Math.max(x.unit, y.unit), meanAbs: d.meanAbs });
      }
    }
  }
  return links.sort((x, y) => x.meanAbs - y.meanAbs || x.a - y.a || x.b - y.b);
}

/** setOf[unit] = the smallest unit index of its merged set (itself when it joins nothing). */
export function mergeRotatedCopies(
  units: readonly (UnitPicture | null)[],
  isBlocked?: (a: number, b: number) => boolean,
): Int32Array {
  const setOf = new Int32Array(units.length).map((_, i) => i);
  const links = rotatedCopyLinks(units, isBlocked);
  if (links.length === 0) return setOf;
  const linked = new Set(links.map((l) => `${l.a},${l.b}`));
  const isLinked = (x: number, y: number): boolean => linked.has(x < y ? `${x},${y}` : `${y},${x}`);
  const sets = new Map<number, number[]>();
  const membersOf = (s: number): number[] => sets.get(s) ?? [s];
  for (const { a, b } of links) {
    const sa = setOf[a]!;
    const sb = setOf[b]!;
    if (sa === sb) continue;
    const ma = membersOf(sa);
    const mb = membersOf(sb);
    if (!ma.every((x) => mb.every((y) => isLinked(x, y)))) continue;
    const [keep, drop] = sa < sb ? [sa, sb] : [sb, sa];
    const merged = [...ma, ...mb];
    for (const u of merged) setOf[u] = keep;
    sets.set(keep, merged);
    sets.delete(drop);
  }
  return setOf;
}
