// The groupings the catalog keeps (catalog/groupSnapshots.ts) as the library index uses them: the latest report
// at a threshold is kept when the index made it from the catalog as it is now; a library that is not loaded
// answers pages, one group's lookup and a resolve's removal from the kept grouping, and only loads when asked
// for something the kept grouping cannot answer (another threshold, a search, an export).
//
// "As it is now" is the catalog's change counter: read after the index loaded, moved on by the index's own
// writes (a resolve marks files missing, an undo brings them back), and the kept grouping is stale as soon as
// anything else writes what grouping reads (a scan, a marked pair, a folder added).
import type { Catalog } from '../catalog/index.js';
import { groupTier, type DuplicateGroup } from '../similarity/grouping.js';
import type { PairLink } from '../similarity/rawJpegPairs.js';
import type { DuplicateReport } from '../similarity/report.js';
import type { LibraryFile } from './catalogView.js';
import { encodeSnapshot, GroupSnapshot, snapshotKey, type SnapshotGroup, type SnapshotInputs, type SnapshotMember } from './groupSnapshot.js';

export interface KeptGroupingDeps {
  catalog(): Catalog;
  /** What the grouping at this threshold depends on besides the rows (null before the first scan). */
  inputs(threshold: number): SnapshotInputs | null;
  /** What resolving a group of these members frees, by the keep rules now (its report group's action targets). */
  reclaimable(snapshot: GroupSnapshot, members: readonly SnapshotMember[], threshold: number): number;
}

/** A grouping to write: made when written (null: it cannot be kept). */
interface PendingWrite {
  key: string;
  stamp: number;
  body: () => Uint8Array | null;
}

interface Decoded {
  key: string;
  stamp: number;
  body: Uint8Array;
  snapshot: GroupSnapshot;
}

export class KeptGroupings {
  /** The change counter the loaded state matches; null: unknown (not loaded, or someone else wrote since). */
  #stamp: number | null = null;
  #decoded: Decoded | null = null;
  /** The counter each report was kept at: an undo hands back a report kept before its resolve, to keep again. */
  readonly #kept = new WeakMap<DuplicateReport, number>();
  /** The kept grouping from before the latest removal, while its undo may put it back exactly. */
  #beforeRemoval: { key: string; body: Uint8Array; fileIds: ReadonlySet<number> } | null = null;

  constructor(private readonly deps: KeptGroupingDeps) {}

  /** The index loaded the library: what it holds is the catalog as it is now. */
  loaded(): void {
    this.#stamp = this.deps.catalog().snapshots.stamp();
  }

  /** The index dropped what it loaded. */
  unloaded(): void {
    this.#stamp = null;
  }

  /**
   * One of the index's own writes: the loaded state (and a kept grouping patched to follow) stays current across
   * it, unless something else had written since (then neither is).
   */
  ownWrite<T>(fn: () => T): T {
    const snapshots = this.deps.catalog().snapshots;
    const before = snapshots.stamp();
    const result = fn();
    const after = snapshots.stamp();
    if (this.#stamp !== null) this.#stamp = this.#stamp === before ? after : null;
    if (this.#decoded) this.#decoded = this.#decoded.stamp === before && after !== null ? { ...this.#decoded, stamp: after } : null;
    return result;
  }

  /** Keeps a report the loaded state made (once per report object), when that state is the catalog now. */
  keep(threshold: number, groups: readonly DuplicateGroup<LibraryFile>[], report: DuplicateReport, fileOf: ReadonlyMap<string, LibraryFile>, pairs: ReadonlyMap<string, PairLink>): void {
    if (this.#stamp === null || this.#kept.get(report) === this.#stamp) return;
    this.#kept.set(report, this.#stamp);
    const catalog = this.deps.catalog();
    const inputs = this.deps.inputs(threshold);
    if (!catalog.writable || !inputs || catalog.snapshots.stamp() !== this.#stamp) return;
    // Encoded and written a moment later, off the request that made the report (seconds at a million photos).
    this.#later({ key: snapshotKey(inputs), stamp: this.#stamp, body: () => encodeSnapshot(groups, report, fileOf, pairs) });
  }

  /** The kept grouping at this threshold, when it is the catalog now. */
  current(threshold: number): GroupSnapshot | null {
    const inputs = this.deps.inputs(threshold);
    if (!inputs) return null;
    const key = snapshotKey(inputs);
    const snapshots = this.deps.catalog().snapshots;
    const stamp = snapshots.stamp();
    if (stamp === null) return null;
    if (this.#decoded?.key === key && this.#decoded.stamp === stamp) return this.#decoded.snapshot;
    const body = snapshots.current(key);
    const snapshot = body ? GroupSnapshot.decode(body) : null;
    this.#decoded = body && snapshot ? { key, stamp, body, snapshot } : null;
    if (body) this.#stored = { key, body };
    return snapshot;
  }

  /**
   * Files that left (a resolve, with the library not loaded): the kept grouping at this threshold without them,
   * kept at the counter after that write. A group only loses those members (complete linkage: the rest stay
   * within the threshold pairwise, whoever left) and goes when fewer than two are left.
   */
  remove(threshold: number, fileIds: ReadonlySet<number>): void {
    const snapshot = this.current(threshold);
    const decoded = this.#decoded;
    this.#beforeRemoval = null;
    if (!snapshot || !decoded) return;
    const changes = new Map<number, SnapshotGroup | null>();
    for (const id of fileIds) {
      const g = snapshot.groupOfFile(id);
      if (g < 0 || changes.has(g)) continue;
      const members = snapshot.members(g).filter((m) => !fileIds.has(m.fileId));
      changes.set(g, members.length < 2 ? null : { tier: groupTier(members), reclaimable: this.deps.reclaimable(snapshot, members, threshold), members });
    }
    if (changes.size === 0) return;
    this.#beforeRemoval = { key: decoded.key, body: decoded.body, fileIds };
    this.#put(decoded.key, snapshot.patched(changes));
  }

  /** Files an undo brought back: exactly the latest removal's files put its kept grouping back. */
  restore(fileIds: ReadonlySet<number>): void {
    const before = this.#beforeRemoval;
    this.#beforeRemoval = null;
    if (!before || before.fileIds.size !== fileIds.size || ![...fileIds].every((id) => before.fileIds.has(id))) return;
    this.#put(before.key, before.body);
  }

  /**
   * A kept grouping that follows the index's own write (ownWrite moved the counter on): current in memory at once,
   * written to the catalog a moment later (a million photos' grouping is ~20 MB: a resolve and its undo must not
   * each wait for one). Until then the catalog's row is stale by its counter, so a crash only costs the next open
   * a load. The body the catalog already holds (an undo back to it) only has its counter moved.
   */
  #put(key: string, body: Uint8Array): void {
    const stamp = this.deps.catalog().snapshots.stamp();
    if (stamp === null) return;
    const snapshot = GroupSnapshot.decode(body);
    this.#decoded = snapshot ? { key, stamp, body, snapshot } : null;
    this.#later({ key, stamp, body: () => body });
  }

  #later(write: PendingWrite): void {
    this.#pending.set(write.key, write);
    this.#timer ??= setTimeout(() => this.flush(), WRITE_DELAY_MS);
    this.#timer.unref?.();
  }

  readonly #pending = new Map<string, PendingWrite>();
  #timer: ReturnType<typeof setTimeout> | null = null;
  /** The body the catalog holds under its key, as last read or written (an undo hands it back). */
  #stored: { key: string; body: Uint8Array } | null = null;

  /** Writes what was left for later (on a timer, and before the catalog closes). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    const catalog = this.deps.catalog();
    if (!catalog.db.isOpen) return;
    const now = catalog.snapshots.stamp();
    // Only what is still the catalog now: after someone else's write the row stays stale by its counter.
    for (const write of pending.filter((w) => w.stamp === now)) this.#write(catalog, write);
  }

  #write(catalog: Catalog, write: PendingWrite): void {
    try {
      const body = write.body();
      if (!body) return;
      if (this.#stored?.key === write.key && this.#stored.body === body) catalog.snapshots.restamp(write.key, write.stamp);
      else catalog.snapshots.put(write.key, write.stamp, body);
      this.#stored = { key: write.key, body };
    } catch {
      // A busy or full catalog: the next open loads, as it would have without a kept grouping.
    }
  }
}

/** How long a patched grouping waits before it is written (a resolve's undo usually comes within it). */
const WRITE_DELAY_MS = 2000;
