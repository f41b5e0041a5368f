// The duplicate finder's state: the library's files, one model's vectors and the neighbour graph, loaded once
// (after a scan: again) so a threshold change only regroups. Files trashed or moved leave the grouping at once
// (and are marked missing in the catalog, so the next session agrees); undo puts them back with every field
// they had, so a restored EXIF-rotated copy rejoins its original. Only files under the library's folders group.
import type { Catalog } from '../catalog/index.js';
import { dotRows } from '../similarity/embeddingMatrix.js';
import { createGrouper, type Grouper } from '../similarity/grouping.js';
import { isUnder } from '../similarity/keepBest.js';
import { loadOrFindNeighbors, type NeighborLoad } from '../similarity/neighborCache.js';
import { buildReport, type DuplicateReport } from '../similarity/report.js';
import { assertThreshold, LINEAR_SCALE, STORED_SCORE_FLOOR, thresholdToCosine, type ScoreScale } from '../similarity/threshold.js';
import type { Tier } from '../../shared/values.js';
import { chooseModelKey, exclusionTest, keepPolicy, loadEmbeddings, loadLibraryFiles, toLibraryFile, type LibraryEmbeddings, type LibraryFile } from './catalogView.js';
import type { Settings } from './settings.js';

export interface LoadedLibrary {
  /** Every ok file of the catalog (trashed ones removed as they go). */
  files: LibraryFile[];
  embeddings: LibraryEmbeddings;
  neighbors: NeighborLoad;
  /** The 0–100 scale of the grouped model (its calibration, else the uncalibrated line). */
  scale: ScoreScale;
}

export interface GroupingRequest {
  threshold: number;
  tiers?: readonly Tier[] | null | undefined;
  /** Leave the `similar` band out (resolve never acts on it). */
  includeSimilar?: boolean;
}

export interface LibraryReport {
  report: DuplicateReport;
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
  signal?: AbortSignal;
}

export class GroupIndex {
  #loaded: LoadedLibrary | null = null;
  #grouper: { grouper: Grouper<LibraryFile>; files: LibraryFile[]; fileOf: Map<string, LibraryFile> } | null = null;

  /** The threshold of the latest report: what a caller's choice of one group was made at. */
  lastThreshold: number | null = null;

  constructor(private readonly deps: GroupIndexDeps) {}

  /** After a scan or a change of folders: load again on next use. */
  invalidate(): void {
    this.#loaded = null;
    this.#grouper = null;
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
    catalog.transaction(() => catalog.files.markMissing(ids));
    if (this.#loaded) this.#loaded.files = this.#loaded.files.filter((f) => !gone.has(f.path));
    this.#grouper = null;
  }

  /** Files an undo brought back: ok again in the catalog, and grouped again. */
  restore(paths: readonly string[]): void {
    const catalog = this.deps.catalog();
    const back: LibraryFile[] = [];
    catalog.transaction(() => {
      for (const p of paths) {
        const r = catalog.files.get(p);
        // What the content's bytes determine, as the scan recorded it (the row kept it while missing).
        const meta = r?.contentHash ? catalog.files.metadataFor(r.contentHash) : null;
        if (!r || !meta) continue;
        catalog.files.upsert({ path: r.path, size: r.size, mtimeMs: r.mtimeMs, status: 'ok', meta });
        const file = toLibraryFile({ ...r, status: 'ok', pixelThumb: r.pixelThumb ?? meta.pixelThumb });
        if (file) back.push(file);
      }
    });
    const loaded = this.#loaded;
    if (loaded) {
      const known = new Set(loaded.files.map((f) => f.path));
      loaded.files.push(...back.filter((f) => !known.has(f.path)));
      // A restored file whose vector was not loaded (its content had no other live file) needs a reload.
      if (back.some((f) => !loaded.embeddings.rowOfHash.has(f.contentHash))) this.invalidate();
    }
    this.#grouper = null;
  }

  /** The loaded vectors and graph, or null when the catalog has no vectors yet (nothing scanned). */
  load(): LoadedLibrary | null {
    if (this.#loaded) return this.#loaded;
    const catalog = this.deps.catalog();
    if (catalog.embeddings.countsByModel().length === 0) return null;
    const key = chooseModelKey(catalog, this.deps.requestedModelKey, this.deps.preferredModelKey());
    const embeddings = loadEmbeddings(catalog, key);
    const signal = this.deps.signal;
    const scale = this.deps.scaleFor?.(key) ?? LINEAR_SCALE;
    // The lists keep what the lowest score on this model's scale needs (a calibrated scale moves that cosine).
    const floor = scale === LINEAR_SCALE ? {} : { floor: thresholdToCosine(STORED_SCORE_FLOOR, scale) };
    const neighbors = loadOrFindNeighbors(catalog, embeddings, { ...(signal ? { signal } : {}), ...floor });
    this.#loaded = { files: loadLibraryFiles(catalog), embeddings, neighbors, scale };
    return this.#loaded;
  }

  /** Ok files under the library's folders. */
  filesInLibrary(): LibraryFile[] {
    const loaded = this.load();
    if (!loaded) return [];
    const roots = this.deps.catalog().roots.list().map((r) => r.path);
    return loaded.files.filter((f) => roots.some((root) => isUnder(f.path, root)));
  }

  /** The duplicate report at a threshold, or null before the first scan. */
  report(req: GroupingRequest): LibraryReport | null {
    assertThreshold(req.threshold);
    this.lastThreshold = req.threshold;
    const loaded = this.load();
    if (!loaded) return null;
    const { grouper, fileOf } = (this.#grouper ??= this.#createGrouper(loaded));
    const tiers = req.tiers ?? null;
    const includeSimilar = (req.includeSimilar ?? true) && (tiers === null || tiers.includes('similar'));
    const settings = this.deps.settings();
    const groups = grouper.group({ threshold: req.threshold, includeSimilar, scale: loaded.scale });
    const report = buildReport(groups, req.threshold, keepPolicy(this.deps.catalog(), settings), exclusionTest(settings.excludeGlobs));
    if (tiers !== null) report.groups = report.groups.filter((g) => tiers.includes(g.tier));
    return { report, fileOf };
  }

  /** The scale scores are given on: the loaded model's (the uncalibrated line before the first scan). */
  scale(): ScoreScale {
    return this.load()?.scale ?? LINEAR_SCALE;
  }

  /** Cosine of two files' vectors (1 for identical content or pixels; NaN when either has no vector). */
  cosine(a: LibraryFile, b: LibraryFile): number {
    if (a.contentHash === b.contentHash || (a.pixelHash !== null && a.pixelHash === b.pixelHash)) return 1;
    const lib = this.#loaded?.embeddings;
    const ra = lib?.rowOfHash.get(a.contentHash);
    const rb = lib?.rowOfHash.get(b.contentHash);
    if (!lib || ra === undefined || rb === undefined) return Number.NaN;
    return dotRows(lib.matrix, ra, rb);
  }

  #createGrouper(loaded: LoadedLibrary): { grouper: Grouper<LibraryFile>; files: LibraryFile[]; fileOf: Map<string, LibraryFile> } {
    const files = this.filesInLibrary();
    const notDuplicate = [...this.deps.catalog().notDuplicates.allPairs()].map((key) => key.split('|') as [string, string]);
    const grouper = createGrouper({
      files,
      rowOfHash: loaded.embeddings.rowOfHash,
      graph: loaded.neighbors.graph,
      notDuplicate,
      // Representatives: the biggest picture, so the group grows from the best copy.
      quality: (f) => (f.width ?? 0) * (f.height ?? 0),
    });
    // Built once per grouping state, not per report: a regroup of a million files should not rebuild it.
    return { grouper, files, fileOf: new Map(files.map((f) => [f.path, f])) };
  }
}
