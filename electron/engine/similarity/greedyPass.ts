// One greedy complete-linkage pass of the grouper (grouping.ts says why complete linkage), on flat typed arrays:
// a regroup at a million photos walks every unit, and one object or array per unit or candidate is what made it
// cost seconds (most of it the garbage collector's). Candidate lists and groups are runs of (unit, similarity,
// joined-by-fingerprint) entries in growable buffers kept by the grouper from one regroup to the next.

/** (unit, similarity, fingerprint-joined) entries, appended in runs: the candidate lists of a pass, or its groups. */
export class UnitEntries {
  unit = new Int32Array(1024);
  sim = new Float64Array(1024);
  /** 1: joined by its fingerprint (the near-identical tier). */
  identical = new Uint8Array(1024);
  size = 0;

  push(unit: number, sim: number, identical: number): void {
    if (this.size === this.unit.length) this.grow();
    this.unit[this.size] = unit;
    this.sim[this.size] = sim;
    this.identical[this.size] = identical;
    this.size++;
  }

  private grow(): void {
    const length = this.unit.length * 2;
    const unit = new Int32Array(length);
    const sim = new Float64Array(length);
    const identical = new Uint8Array(length);
    unit.set(this.unit);
    sim.set(this.sim);
    identical.set(this.identical);
    Object.assign(this, { unit, sim, identical });
  }
}

/** What a pass knows of the units: who takes part, how many present files each has, and what represents it best. */
export interface PassUnits {
  count: number;
  /** 1 for a unit that takes part in this pass. */
  eligible: Uint8Array;
  /** Present files per unit. */
  live: Int32Array;
  /** Every unit, best representative first: quality of its representing file descending, then index (qualityOrder.ts). */
  byQuality: Int32Array;
  /** The units each unit must never share a group with ("not a duplicate" marks). */
  blocked: ReadonlyMap<number, ReadonlySet<number>>;
}

/** One pass's rule: whom a representative may take, best first, and whether two members may share a group. */
export interface PassRule {
  /** Appends whom u may take to `lists`, best first, each unit once (nothing when u has nobody). */
  collect(u: number, lists: UnitEntries): void;
  /** `identical`: both joined by their fingerprints. */
  linked(u: number, v: number, identical: boolean): boolean;
}

/** A pass's groups: group g is entries ends[g - 1] … ends[g] of `entries` (0 for the first), its representative first. */
export interface PassGroups {
  entries: UnitEntries;
  ends: number[];
}

/**
 * Representatives by most candidates (then quality), each taking what is linked to all it took so far (the
 * representative itself excepted: what it takes was linked to it when listed). A unit with no candidate would take
 * nobody and comes after every unit that has one, so only those that make a group by themselves (several files;
 * `keepSingleUnits`) are kept in the order: at a million photos most units are in neither list. Each list is
 * collected once: its length ranks the unit, then the unit takes from it.
 */
export function greedyPass(units: PassUnits, rule: PassRule, keepSingleUnits: boolean, lists: UnitEntries, out: PassGroups): void {
  const { count, eligible, live } = units;
  const start = new Int32Array(count);
  const degree = new Int32Array(count);
  lists.size = 0;
  let ranked = 0;
  let maxDegree = 0;
  for (let u = 0; u < count; u++) {
    if (!eligible[u]) continue;
    const from = lists.size;
    rule.collect(u, lists);
    if (lists.size === from) continue;
    start[u] = from;
    degree[u] = lists.size - from;
    maxDegree = Math.max(maxDegree, degree[u]!);
    ranked++;
  }
  const assigned = new Uint8Array(count);
  const take = (u: number): void => {
    if (assigned[u]) return;
    assigned[u] = 1;
    const group = out.entries.size;
    out.entries.push(u, 1, 0);
    for (let c = start[u]!, end = c + degree[u]!; c < end; c++) {
      const v = lists.unit[c]!;
      if (assigned[v] || !mayJoin(units, rule, out.entries, group, v, lists.identical[c]!)) continue;
      assigned[v] = 1;
      out.entries.push(v, lists.sim[c]!, lists.identical[c]!);
    }
    if (out.entries.size - group > 1 || (keepSingleUnits && live[u]! > 1)) out.ends.push(out.entries.size);
    else out.entries.size = group;
  };
  for (const u of byDegree(units.byQuality, degree, maxDegree, ranked)) take(u);
  if (!keepSingleUnits) return;
  for (const u of units.byQuality) if (eligible[u] && degree[u] === 0 && live[u]! > 1) take(u);
}

/** The units with a candidate, most candidates first, then in quality order (a counting sort: no comparator). */
function byDegree(byQuality: Int32Array, degree: Int32Array, maxDegree: number, ranked: number): Int32Array {
  // at[d]: where the next unit of degree d goes (degrees descending).
  const at = new Int32Array(maxDegree + 2);
  for (let u = 0; u < degree.length; u++) if (degree[u]) at[maxDegree - degree[u]! + 1]!++;
  for (let d = 1; d <= maxDegree + 1; d++) at[d]! += at[d - 1]!;
  const order = new Int32Array(ranked);
  for (const u of byQuality) if (degree[u]) order[at[maxDegree - degree[u]!]!++] = u;
  return order;
}

/** Whether v may join the group at entries[group …]: not blocked from any member, and linked to every member of its kind. */
function mayJoin(units: PassUnits, rule: PassRule, entries: UnitEntries, group: number, v: number, identical: number): boolean {
  const blocked = units.blocked.size === 0 ? undefined : units.blocked.get(v);
  if (blocked) for (let i = group; i < entries.size; i++) if (blocked.has(entries.unit[i]!)) return false;
  for (let i = group + 1; i < entries.size; i++) {
    if (entries.identical[i] === identical && !rule.linked(v, entries.unit[i]!, identical === 1)) return false;
  }
  return true;
}
