// The duplicate finder's state: the library's files, one model's vectors and the neighbour graph, loaded once
// (after a scan: again) so a threshold change only regroups. Files trashed or moved leave the grouping at once
// (and are marked missing in the catalog, so the next session agrees); undo puts them back with every field
// they had, so a restored EXIF-rotated copy rejoins its original. Only files under the library's folders group.
import path from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { dotRows } from '../similarity/embeddingMatrix.js';
import { countTiers, createGrouper } from '../similarity/grouping.js';
import { isUnder } from '../similarity/keepBest.js';
import { loadOrFindNeighbors, type NeighborLoad } from '../similarity/neighborCache.js';
import { listedSimilarity } from '../similarity/neighborGraph.js';
import { buildReport, type DuplicateReport, type ReportGroup } from '../similarity/report.js';
import type { PairLink } from '../similarity/rawJpegPairs.js';
import { DEFAULT_PERCEPTUAL_DISTANCE } from '../similarity/perceptualHash.js';
import { perceptualDistanceAt, perceptualVerdict, type PerceptualCuts, type PerceptualVerdict } from '../similarity/perceptualTier.js';
import { assertThreshold, DEFAULT_THRESHOLD, LINEAR_SCALE, STORED_SCORE_FLOOR, thresholdToCosine, tierCutoffs, type ScoreScale } from '../similarity/threshold.js';
import type { Tier } from '../../shared/values.js';
import { chooseModelKey, exclusionTest, keepPolicy, loadEmbeddings, loadLibraryFiles, toLibraryFile, type LibraryEmbeddings, type LibraryFile } from './catalogView.js';
import { GroupingState } from './groupingState.js';
import type { SnapshotInputs } from './groupSnapshot.js';
import { KeptGroupings } from './keptGroupings.js';
import { keptGroupOf, keptPage, reclaimableOf, storedCosine, type KeptReportDeps } from './keptPage.js';
import type { GroupsResult } from './types.js';
import type { Settings } from './settings.js';

export interface LoadedLibrary {
  /** Every ok file of the catalog (trashed ones removed as they go). */
  files: LibraryFile[];
  embeddings: LibraryEmbeddings;
  neighbors: NeighborLoad;
  /** The 0–100 scale of the grouped model (its calibration, else the uncalibrated line). */
  scale: ScoreScale;
  /** The near-identical tier's Hamming distance for this model (calibrated, else the default). */
  perceptualDistance: number;
}

export interface GroupingRequest {
  threshold: number;
  tiers?: readonly Tier[] | null | undefined;
  /** Leave the `similar` band out (resolve never acts on it). */
  includeSimilar?: boolean;
}

export interface LibraryReport {
  /** Shared with later calls at the same threshold: read it, never change it. */
  report: DuplicateReport;
  /** Groups per tier at this threshold, before the tiers filter. */
  tierCounts: Record<Tier, number>;
  /** The grouped files by path (what the catalog knew at scan time). */
  fileOf: ReadonlyMap<string, LibraryFile>;
}

export interface GroupIndexDeps {
  catalog(): Catalog;
  settings(): Settings;
  /** The model in use, when loaded: its vectors are preferred over the catalog's most common ones. */
  preferredModelKey(): string | null;
  /** `--model-key`: group exactly these vectors. */
  requestedModelKey?: string | null;
  /** A model's calibrated scale, when it has one. */
  scaleFor?(modelKey: string): ScoreScale;
  /** The near-identical tier's calibrated Hamming distance, when the model's calibration measured one. */
  perceptualDistanceFor?(modelKey: string): number | null;
  signal?: AbortSignal;
}

/**
 * Cosine of two rows, the cheapest way there is: the loaded matrix, else the pair's stored neighbour entry (group
 * members list each other), else their two vectors from the catalog. Grouping on stored lists never loads the
 * library's vectors (1.5 GB at 1M) for the scores it shows.
 */
function rowCosine(loaded: LoadedLibrary, a: number, b: number): number {
  const lib = loaded.embeddings;
  if (lib.hasMatrix()) return dotRows(lib.matrix, a, b);
  return listedSimilarity(loaded.neighbors.graph, a, b) ?? lib.rowCosine(a, b);
}

export class GroupIndex {
  #loaded: LoadedLibrary | null = null;
  #grouper: GroupingState | null = null;
  /** The model grouped (and its scale) while nothing is loaded: asked per member of a kept page's views. */
  #model: { key: string; scale: ScoreScale } | null = null;
  readonly #keptDeps: KeptReportDeps = {
    catalog: () => this.deps.catalog(),
    build: (groups, threshold, pairs) => this.#build(groups, threshold, { of: (p) => pairs.get(p) }),
  };
  readonly #kept = new KeptGroupings({
    catalog: () => this.deps.catalog(),
    inputs: (threshold) => this.#snapshotInputs(threshold),
    reclaimable: (snapshot, members, threshold) => reclaimableOf(this.#keptDeps, snapshot, members, threshold),
  });

  /** The threshold of the latest report: what a caller's choice of one group was made at. */
  lastThreshold: number | null = null;

  constructor(private readonly deps: GroupIndexDeps) {}

  /** After a scan or a change of folders: load again on next use. */
  invalidate(): void {
    this.#loaded = null;
    this.#grouper = null;
    this.#model = null;
    this.#kept.unloaded();
  }

  /** Writes a kept grouping a resolve or undo left for later (before the catalog closes). */
  flush(): void {
    this.#kept.flush();
  }

  /** After a "not a duplicate" mark, its undo or a settings change: regroup (vectors and graph stay). */
  regroup(): void {
    this.#grouper = null;
  }

  /** Files that left their folder (trash, move): out of the groups now, missing in the catalog. */
  remove(paths: readonly string[]): void {
    const catalog = this.deps.catalog();
    const gone = new Set(paths);
    const ids = paths.map((p) => catalog.files.get(p)?.id).filter((id): id is number => id !== undefined);
    this.#kept.ownWrite(() => catalog.transaction(() => catalog.files.markMissing(ids)));
    // Not loaded: the kept grouping the page came from follows, as a loaded state's reports do.
    if (!this.#loaded) return this.#kept.remove(this.lastThreshold ?? DEFAULT_THRESHOLD, new Set(ids));
    this.#loaded.files = this.#loaded.files.filter((f) => !gone.has(f.path));
    // Out of the grouping state they were in; the next report regroups it without them.
    this.#grouper?.setPresent(paths, false);
  }

  /** Files an undo brought back: ok again in the catalog, and grouped again. */
  restore(paths: readonly string[]): void {
    const catalog = this.deps.catalog();
    const back: LibraryFile[] = [];
    this.#kept.ownWrite(() => catalog.transaction(() => {
      for (const p of paths) {
        const r = catalog.files.get(p);
        // What the content's bytes determine, as the scan recorded it (the row kept it while missing).
        const meta = r?.contentHash ? catalog.files.metadataFor(r.contentHash) : null;
        if (!r || !meta) continue;
        catalog.files.upsert({ path: r.path, size: r.size, mtimeMs: r.mtimeMs, status: 'ok', meta });
        const file = toLibraryFile({ ...r, status: 'ok', pixelThumb: r.pixelThumb ?? meta.pixelThumb });
        if (file) back.push(file);
      }
    }));
    const loaded = this.#loaded;
    if (!loaded) return this.#kept.restore(new Set(back.map((f) => f.id!)));
    // Restored paths left loaded.files when they were removed; one that never left is not added twice.
    const wanted = new Set(back.map((f) => f.path));
    for (const f of loaded.files) if (wanted.has(f.path)) wanted.delete(f.path);
    const state = this.#grouper;
    loaded.files.push(...back.filter((f) => wanted.has(f.path)).map((f) => state?.file(f.path) ?? f));
    // A restored file whose vector was not loaded (its content had no other live file) needs a reload.
    if (back.some((f) => !loaded.embeddings.rowOfHash.has(f.contentHash))) return this.invalidate();
    // Back into the grouping state they left; one it never had (grouped before it was built) needs a new one.
    if (state && state.setPresent(back.map((f) => f.path), true).length > 0) this.#grouper = null;
  }

  /** The loaded vectors and graph, or null when the catalog has no vectors yet (nothing scanned). */
  load(): LoadedLibrary | null {
    if (this.#loaded) return this.#loaded;
    const catalog = this.deps.catalog();
    if (!catalog.embeddings.models().some((m) => catalog.embeddings.hasModel(m.key))) return null;
    const key = chooseModelKey(catalog, this.deps.requestedModelKey, this.deps.preferredModelKey());
    // Files first: their content hashes are the live set the model's rows are filtered by.
    const files = loadLibraryFiles(catalog);
    const embeddings = loadEmbeddings(catalog, key, new Set(files.map((f) => f.contentHash)));
    const signal = this.deps.signal;
    const scale = this.deps.scaleFor?.(key) ?? LINEAR_SCALE;
    // The lists keep what the lowest score on this model's scale needs (a calibrated scale moves that cosine).
    const floor = scale === LINEAR_SCALE ? {} : { floor: thresholdToCosine(STORED_SCORE_FLOOR, scale) };
    const neighbors = loadOrFindNeighbors(catalog, embeddings, { ...(signal ? { signal } : {}), ...floor });
    // Read once per load like the scale (a calibration invalidates the index): group views ask for it per member.
    const perceptualDistance = this.deps.perceptualDistanceFor?.(key) ?? DEFAULT_PERCEPTUAL_DISTANCE;
    this.#loaded = { files, embeddings, neighbors, scale, perceptualDistance };
    this.#kept.loaded();
    return this.#loaded;
  }

  /** The model grouped (and its scale) without loading anything (null before the first scan). */
  model(): { key: string; scale: ScoreScale } | null {
    if (this.#loaded) return { key: this.#loaded.embeddings.modelKey, scale: this.#loaded.scale };
    if (this.#model) return this.#model;
    const catalog = this.deps.catalog();
    if (!catalog.embeddings.models().some((m) => catalog.embeddings.hasModel(m.key))) return null;
    const key = chooseModelKey(catalog, this.deps.requestedModelKey, this.deps.preferredModelKey());
    return (this.#model = { key, scale: this.deps.scaleFor?.(key) ?? LINEAR_SCALE });
  }

  /** What a grouping at this threshold depends on besides the catalog's rows (null before the first scan). */
  #snapshotInputs(threshold: number): SnapshotInputs | null {
    const model = this.model();
    if (!model) return null;
    const { keepRules, preferFolders, excludeGlobs, rawJpegPairs } = this.deps.settings();
    const perceptualDistance = this.#loaded?.perceptualDistance ?? this.deps.perceptualDistanceFor?.(model.key) ?? DEFAULT_PERCEPTUAL_DISTANCE;
    return { modelKey: model.key, threshold, scale: model.scale, perceptualDistance, settings: { keepRules, preferFolders, excludeGlobs, rawJpegPairs } };
  }

  /**
   * A page of groups from the grouping kept in the catalog, while the library is not loaded and nothing it was
   * made from has changed (null otherwise: the caller loads and groups). Opening the Review of a million photos
   * then reads one row and a page of files instead of every file, vector and neighbour list.
   */
  keptPage(req: GroupingRequest & { offset?: number | undefined; limit?: number | undefined }, thumb: (path: string) => string): GroupsResult | null {
    if (this.#loaded || req.includeSimilar === false) return null;
    assertThreshold(req.threshold);
    const snapshot = this.#kept.current(req.threshold);
    if (!snapshot) return null;
    this.lastThreshold = req.threshold;
    return keptPage(this, this.#keptDeps, snapshot, req, thumb, (known, views) => {
      this.#knownCosines = known;
      try {
        return views();
      } finally {
        this.#knownCosines = null;
      }
    });
  }

  /** While a kept page's views are made: cosines the grouper kept, by "hash|hash" (both orders). */
  #knownCosines: ReadonlyMap<string, number> | null = null;

  /** The group holding this file at a threshold, from the kept grouping when not loaded, else from the report. */
  groupOf(path: string, threshold: number): { group: ReportGroup; fileOf: ReadonlyMap<string, LibraryFile> } | null {
    const snapshot = this.#loaded ? null : this.#kept.current(threshold);
    const kept = snapshot ? keptGroupOf(this.#keptDeps, snapshot, path, threshold) : null;
    if (kept) return { group: kept.groups[0]!, fileOf: kept.fileOf };
    const grouped = this.report({ threshold, includeSimilar: true });
    const group = grouped?.report.groups.find((g) => g.members.some((m) => m.path === path));
    return grouped && group ? { group, fileOf: grouped.fileOf } : null;
  }

  /** The loaded library when its vectors are in memory already (a search then needs nothing else). */
  loadedWithVectors(): LoadedLibrary | null {
    return this.#loaded?.embeddings.hasMatrix() ? this.#loaded : null;
  }

  /** Ok files under the library's folders. */
  filesInLibrary(): LibraryFile[] {
    const loaded = this.load();
    if (!loaded) return [];
    const roots = this.deps.catalog().roots.list().map((r) => path.resolve(r.path));
    // Catalog paths are absolute and resolved: a prefix test answers what isUnder does (two path.resolve calls
    // per file and root, seconds at a million files); anything else still goes through isUnder.
    const prefixes = roots.map((root) => (root.endsWith(path.sep) ? root : root + path.sep));
    const under = (p: string) => roots.some((root, i) => p === root || p.startsWith(prefixes[i]!));
    return loaded.files.filter((f) => (isResolved(f.path) ? under(f.path) : roots.some((root) => isUnder(f.path, root))));
  }

  /** The duplicate report at a threshold, or null before the first scan. */
  report(req: GroupingRequest): LibraryReport | null {
    assertThreshold(req.threshold);
    this.lastThreshold = req.threshold;
    const loaded = this.load();
    if (!loaded) return null;
    const state = (this.#grouper ??= this.#createGrouper(loaded));
    const tiers = req.tiers ?? null;
    // The similar band is grouped even when the tiers leave it out, so every tier's count is known (the Review's
    // filter shows them all); resolve says includeSimilar: false.
    const full = this.#fullReport(state, loaded.scale, req.threshold, req.includeSimilar ?? true);
    const report = tiers === null ? full : { ...full, groups: full.groups.filter((g) => tiers.includes(g.tier)) };
    return { report, fileOf: state.fileOf, tierCounts: countTiers(full.groups) };
  }

  /**
   * The report of every tier, reused while the grouping state, scale and threshold are the same: the Review asks
   * for it a page at a time, and a page must not cost a regroup. Every change to files, marks or settings drops
   * the grouper, and with it this.
   */
  #fullReport(state: GroupingState, scale: ScoreScale, threshold: number, includeSimilar: boolean): DuplicateReport {
    const build = (groups: Parameters<typeof buildReport<LibraryFile>>[0]): DuplicateReport => {
      const pairs = state.pairs();
      return this.#build(groups, threshold, { of: (p) => pairs.get(p) });
    };
    const report = state.report(threshold, includeSimilar, scale, () => state.grouper.group({ threshold, includeSimilar, scale }), build);
    const groups = includeSimilar ? state.groupsOf(report) : undefined;
    if (groups) this.#kept.keep(threshold, groups, report, state.fileOf, state.pairs());
    return report;
  }

  /** The report of these groups by the keep rules, exclusions and RAW+JPEG pair rule now. */
  #build(groups: Parameters<typeof buildReport<LibraryFile>>[0], threshold: number, pairs: { of(path: string): PairLink | undefined }): DuplicateReport {
    const settings = this.deps.settings();
    const policy = { ...keepPolicy(this.deps.catalog(), settings), pairs: { of: pairs.of, rule: settings.rawJpegPairs } };
    return buildReport(groups, threshold, policy, exclusionTest(settings.excludeGlobs));
  }

  /** The scale scores are given on: the loaded model's (the uncalibrated line before the first scan). */
  scale(): ScoreScale {
    return this.#loaded?.scale ?? this.model()?.scale ?? LINEAR_SCALE;
  }

  /** The near-identical verdict on two files at the latest threshold (null when either has no fingerprint). */
  perceptual(a: LibraryFile, b: LibraryFile): PerceptualVerdict | null {
    const cuts = this.#perceptualCuts();
    return cuts === null ? null : perceptualVerdict(a.perceptualPrint, b.perceptualPrint, cuts, () => this.cosine(a, b));
  }

  /** The near-identical cuts at the latest threshold, worked out once per threshold (views ask per member). */
  #cuts: { threshold: number; loaded: LoadedLibrary | null; cuts: PerceptualCuts | null } | null = null;
  #perceptualCuts(): PerceptualCuts | null {
    const threshold = this.lastThreshold ?? DEFAULT_THRESHOLD;
    const loaded = this.#loaded;
    if (this.#cuts?.threshold === threshold && this.#cuts.loaded === loaded) return this.#cuts.cuts;
    const distance = perceptualDistanceAt(threshold, loaded?.perceptualDistance ?? DEFAULT_PERCEPTUAL_DISTANCE);
    const cuts = distance === null ? null : { distance, ...tierCutoffs(threshold, this.scale()) };
    this.#cuts = { threshold, loaded, cuts };
    return cuts;
  }

  /** Cosine of two files' vectors (1 for identical content or pixels; NaN when either has no vector). */
  cosine(a: LibraryFile, b: LibraryFile): number {
    if (a.contentHash === b.contentHash || (a.pixelHash !== null && a.pixelHash === b.pixelHash)) return 1;
    if (!this.#loaded) {
      // A kept page's views, with nothing loaded: a member and its representative as the grouper scored them,
      // else the same figure from the catalog (a few rows; only where the keeper is not the representative).
      const known = this.#knownCosines?.get(`${a.contentHash}|${b.contentHash}`);
      if (known !== undefined) return known;
      const model = this.model();
      return model ? storedCosine(this.deps.catalog(), model.key, a.contentHash, b.contentHash) : Number.NaN;
    }
    const lib = this.#loaded.embeddings;
    const ra = lib.rowOfHash.get(a.contentHash);
    const rb = lib.rowOfHash.get(b.contentHash);
    if (ra === undefined || rb === undefined) return Number.NaN;
    return rowCosine(this.#loaded, ra, rb);
  }

  #createGrouper(loaded: LoadedLibrary): GroupingState {
    const files = this.filesInLibrary();
    const notDuplicate = [...this.deps.catalog().notDuplicates.allPairs()].map((key) => key.split('|') as [string, string]);
    const grouper = createGrouper({
      files,
      rowOfHash: loaded.embeddings.rowOfHash,
      graph: loaded.neighbors.graph,
      notDuplicate,
      // Representatives: the biggest picture, so the group grows from the best copy.
      quality: (f) => (f.width ?? 0) * (f.height ?? 0),
      // A fingerprint match the embedding must confirm may be missing from both neighbour lists.
      rowCosine: (a, b) => rowCosine(loaded, a, b),
      perceptualDistance: loaded.perceptualDistance,
    });
    // Built once per grouping state, not per report: a regroup of a million files should not rebuild it.
    return new GroupingState(grouper, files);
  }
}

/** POSIX: absolute with no empty, `.` or `..` segment and no trailing slash (what path.normalize leaves alone, at a regex's cost). */
const RESOLVED_POSIX = /^\/(?!.*\/\/)(?!.*\/\.\.?(?:\/|$))(?:.*[^/])?$/;
const isResolved = (p: string): boolean => (path.sep === '/' ? RESOLVED_POSIX.test(p) : path.isAbsolute(p) && path.normalize(p) === p);
