// One grouping state of the library: the grouper over the files under its folders, the RAW+JPEG pairs among
// them, and the reports made from it, one per threshold asked (the Review's slider moves back and forth, and a
// page must not cost a regroup). Files that leave (resolve) or come back (undo) are marked in the grouper, so the
// next report regroups the same state instead of rebuilding a million files' units.
import { groupTier, type DuplicateGroup, type Grouper } from '../similarity/grouping.js';
import { findRawJpegPairs, type PairLink } from '../similarity/rawJpegPairs.js';
import type { DuplicateReport } from '../similarity/report.js';
import type { ScoreScale } from '../similarity/threshold.js';
import type { LibraryFile } from './catalogView.js';

type Build = (groups: readonly DuplicateGroup<LibraryFile>[]) => DuplicateReport;
interface Kept {
  scale: ScoreScale;
  groups: DuplicateGroup<LibraryFile>[];
  report: DuplicateReport;
  build: Build;
}

/**
 * The kept report without the files that left: a group only loses those members and goes when fewer than two are
 * left. Complete linkage keeps the rest within the threshold pairwise, even when the representative left (a fresh
 * grouping might then hand some of them to other groups; the user sees the group they just acted on, less what
 * they moved, which is what they expect, and a regroup of a million photos is not spent on it).
 */
function withoutFiles(kept: Kept, gone: ReadonlySet<string>): Kept {
  const groups: DuplicateGroup<LibraryFile>[] = [];
  const report: DuplicateReport['groups'] = [];
  for (const [i, g] of kept.groups.entries()) {
    if (!g.members.some((m) => gone.has(m.file.path))) {
      groups.push(g), report.push(kept.report.groups[i]!);
      continue;
    }
    const members = g.members.filter((m) => !gone.has(m.file.path));
    if (members.length < 2) continue;
    const changed = { tier: groupTier(members), members };
    // Its keeper and reasons again, for this group alone.
    groups.push(changed), report.push(kept.build([changed]).groups[0]!);
  }
  return { ...kept, groups, report: { ...kept.report, groups: report } };
}

/** Reports kept per state: a few slider positions (each holds its groups, tens of MB at a million photos). */
const KEPT_REPORTS = 4;

export class GroupingState {
  readonly fileOf: Map<string, LibraryFile>;
  #pairs: Map<string, PairLink> | null = null;
  readonly #gone = new Set<string>();
  #reports = new Map<string, Kept>();
  /** The reports from before the latest removal, while its undo may still put them back exactly. */
  #beforeRemoval: { paths: ReadonlySet<string>; reports: Map<string, Kept> } | null = null;

  constructor(readonly grouper: Grouper<LibraryFile>, readonly files: readonly LibraryFile[]) {
    this.fileOf = new Map(files.map((f) => [f.path, f]));
  }

  /** The report at these settings, made once (`group`, then `build`) while the state and its files stay as they are. */
  report(threshold: number, includeSimilar: boolean, scale: ScoreScale, group: () => DuplicateGroup<LibraryFile>[], build: Build): DuplicateReport {
    const key = `${threshold}|${includeSimilar}`;
    const kept = this.#reports.get(key);
    if (kept && kept.scale === scale) {
      // Most recent last, so the oldest goes first.
      this.#reports.delete(key), this.#reports.set(key, kept);
      return kept.report;
    }
    const groups = group();
    const report = build(groups);
    this.#reports.set(key, { scale, groups, report, build });
    if (this.#reports.size > KEPT_REPORTS) this.#reports.delete(this.#reports.keys().next().value!);
    return report;
  }

  /** The groups a kept report was made from (undefined for a report this state did not make or no longer keeps). */
  groupsOf(report: DuplicateReport): readonly DuplicateGroup<LibraryFile>[] | undefined {
    for (const kept of this.#reports.values()) if (kept.report === report) return kept.groups;
    return undefined;
  }

  /** RAW+JPEG pairs among the files present, found once per state and change of files. */
  pairs(): Map<string, PairLink> {
    return (this.#pairs ??= findRawJpegPairs(this.#gone.size === 0 ? this.files : this.files.filter((f) => !this.#gone.has(f.path))));
  }

  /**
   * Files that left (present false) or came back; returns the paths this state does not know (a file that was
   * never grouped in it: the caller builds a new state).
   */
  setPresent(paths: readonly string[], present: boolean): string[] {
    const unknown: string[] = [];
    const indexes: number[] = [];
    for (const p of paths) {
      const i = this.#indexOf(p);
      if (i < 0) unknown.push(p);
      else indexes.push(i), present ? this.#gone.delete(p) : this.#gone.add(p);
    }
    if (indexes.length > 0) {
      // A RAW+JPEG partner changes what its pair may do: regroup then. Else the kept reports follow the files.
      const paired = paths.some((p) => this.#pairs?.has(p));
      this.grouper.setPresent(indexes, present);
      this.#pairs = null;
      this.#followFiles(new Set(paths), present, paired);
    }
    return unknown;
  }

  /** Removal: each kept report without those files. Return: the reports from before that removal, exactly. */
  #followFiles(paths: ReadonlySet<string>, present: boolean, paired: boolean): void {
    const undo = this.#beforeRemoval;
    this.#beforeRemoval = null;
    if (present) {
      const same = undo !== null && undo.paths.size === paths.size && [...paths].every((p) => undo.paths.has(p));
      this.#reports = same && !paired ? undo.reports : new Map();
      return;
    }
    const before = this.#reports;
    this.#reports = new Map();
    if (paired) return;
    for (const [key, kept] of before) this.#reports.set(key, withoutFiles(kept, paths));
    this.#beforeRemoval = { paths, reports: before };
  }

  /** The file as this state grouped it (it keeps the objects of files that left). */
  file(path: string): LibraryFile | undefined {
    return this.fileOf.get(path);
  }

  /** Index of a path in the grouper's input: files come in path order, so a binary search, else a scan. */
  #indexOf(p: string): number {
    const files = this.files;
    let lo = 0;
    let hi = files.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const at = files[mid]!.path;
      if (at === p) return mid;
      if (at < p) lo = mid + 1;
      else hi = mid - 1;
    }
    // SQLite's byte order and JavaScript's code-unit order differ past U+FFFF: look everywhere.
    return files.findIndex((f) => f.path === p);
  }
}
