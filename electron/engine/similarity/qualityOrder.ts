// The grouper's units best first: quality descending, then unit index. A pass ranks representatives by candidate
// count, then by this order; sorting a pass's half a million ranked units by a comparator costs more than the
// rest of a regroup at a million photos, so the order is made once per grouping state (a counting sort by
// quality rank) and a resolve's few changed units are merged back into it rather than sorted again.

/** a before b: higher quality first, then lower index (a total order for any qualities that are not NaN). */
const before = (q: Float64Array, a: number, b: number): boolean => q[a]! > q[b]! || (q[a] === q[b] && a < b);

export class QualityOrder {
  private order: Int32Array | null = null;
  /** Units whose quality changed since the order was made. */
  private readonly stale = new Set<number>();

  /** `quality`: read when the order is asked for; call changed(u) after writing quality[u]. */
  constructor(private readonly quality: Float64Array) {}

  changed(u: number): void {
    if (this.order) this.stale.add(u);
  }

  /** Every unit, best first. */
  units(): Int32Array {
    if (!this.order) this.order = rankOrder(this.quality);
    else if (this.stale.size > 0) this.order = this.merged();
    this.stale.clear();
    return this.order;
  }

  /** The order without the stale units, merged with those sorted by themselves. */
  private merged(): Int32Array {
    const q = this.quality;
    const moved = [...this.stale].sort((a, b) => (before(q, a, b) ? -1 : before(q, b, a) ? 1 : 0));
    const old = this.order!;
    const out = new Int32Array(old.length);
    let m = 0;
    let o = 0;
    for (let i = 0; i < old.length; i++) {
      const u = old[i]!;
      if (this.stale.has(u)) continue;
      while (m < moved.length && before(q, moved[m]!, u)) out[o++] = moved[m++]!;
      out[o++] = u;
    }
    while (m < moved.length) out[o++] = moved[m++]!;
    return out;
  }
}

/**
 * Units by quality rank, stable in index: the distinct qualities sorted natively (no comparator: a million calls
 * of one cost most of a second), each unit's rank found by binary search, then one counting sort. NaN ranks last.
 */
function rankOrder(quality: Float64Array): Int32Array {
  const n = quality.length;
  // +0 for -0 (they are equal qualities), -Infinity for NaN.
  const key = (u: number): number => (quality[u]! === quality[u]! ? quality[u]! + 0 : Number.NEGATIVE_INFINITY);
  const sorted = new Float64Array(n);
  for (let u = 0; u < n; u++) sorted[u] = key(u);
  sorted.sort();
  let distinct = 0;
  for (let i = 0; i < n; i++) if (i === 0 || sorted[i] !== sorted[distinct - 1]) sorted[distinct++] = sorted[i]!;
  const values = sorted.subarray(0, distinct);
  const rank = new Int32Array(n);
  const starts = new Int32Array(distinct + 1);
  for (let u = 0; u < n; u++) {
    // Rank 0 is the highest quality.
    const r = distinct - 1 - lowerBound(values, key(u));
    rank[u] = r;
    starts[r + 1]!++;
  }
  for (let r = 0; r < distinct; r++) starts[r + 1]! += starts[r]!;
  const order = new Int32Array(n);
  for (let u = 0; u < n; u++) order[starts[rank[u]!]!++] = u;
  return order;
}

/** The first index of `values` (ascending) not below x. */
function lowerBound(values: Float64Array, x: number): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
