// The duplicate finder's state in the worker: the library's files, one model's vectors and the neighbour graph,
// loaded once (after a scan: again) so a threshold change only regroups. Files trashed or moved in this session
// leave the grouping at once (and are marked missing in the catalog, so the next session agrees); undo puts them
// back. Only files under the library's current folders are grouped.
import { createHash } from 'node:crypto';
import type { Catalog } from '../../engine/catalog/index.js';
import type { FileRecord } from '../../engine/catalog/files.js';
import { createGrouper, type Grouper } from '../../engine/similarity/grouping.js';
import { isUnder, type KeepPolicy, type KeepRule } from '../../engine/similarity/keepBest.js';
import {
  chooseModelKey,
  loadEmbeddings,
  loadExclusions,
  loadKeepPolicy,
  loadLibraryFiles,
  parseTakenAt,
  SETTINGS,
  type LibraryEmbeddings,
  type LibraryFile,
} from '../../engine/similarity/library.js';
import { loadOrFindNeighbors, type NeighborLoad } from '../../engine/similarity/neighborCache.js';
import { actionTargets, buildReport, type DuplicateReport, type ReportGroup } from '../../engine/similarity/report.js';
import { cosineToScore } from '../../engine/similarity/threshold.js';
import { thumbUrl, type DuplicateGroup, type Tier } from '../../shared/contract.js';
import { matchToKeeper } from './matchToKeeper.js';

interface Loaded {
  /** Every ok file of the catalog (trashed ones removed as they go). */
  files: LibraryFile[];
  embeddings: LibraryEmbeddings;
  neighbors: NeighborLoad;
}

export interface GroupingRequest {
  threshold: number;
  tiers: readonly Tier[] | null;
  keepRules: readonly KeepRule[];
  /** Leave the `similar` band out (resolve never acts on it). */
  includeSimilar?: boolean;
}

export interface LibraryReport {
  report: DuplicateReport;
  /** The grouped files by path (what the catalog knew at scan time). */
  fileOf: ReadonlyMap<string, LibraryFile>;
}

export function toLibraryFile(record: FileRecord): LibraryFile | null {
  if (record.status !== 'ok' || !record.contentHash) return null;
  return {
    path: record.path,
    contentHash: record.contentHash,
    pixelHash: record.pixelHash,
    size: record.size,
    mtimeMs: record.mtimeMs,
    width: record.width,
    height: record.height,
    format: record.format,
    captureTime: parseTakenAt(record.takenAt),
  };
}

export class LibraryIndex {
  #loaded: Loaded | null = null;
  #grouper: { grouper: Grouper<LibraryFile>; files: LibraryFile[] } | null = null;

  constructor(
    private readonly catalog: () => Catalog,
    /** The model in use, when it is loaded: its vectors are preferred over the catalog's most common ones. */
    private readonly preferredModelKey: () => string | null,
  ) {}

  /** After a scan or a change of folders: load again on next use. */
  invalidate(): void {
    this.#loaded = null;
    this.#grouper = null;
  }

  /** After a "not a duplicate" mark or its undo: regroup with the new pairs (vectors and graph stay). */
  pairsChanged(): void {
    this.#grouper = null;
  }

  /** Files that left the folder (trash, move): out of the groups now, missing in the catalog. */
  remove(paths: readonly string[]): void {
    const gone = new Set(paths);
    const ids = paths.map((p) => this.catalog().files.get(p)?.id).filter((id): id is number => id !== undefined);
    this.catalog().transaction(() => this.catalog().files.markMissing(ids));
    if (this.#loaded) this.#loaded.files = this.#loaded.files.filter((f) => !gone.has(f.path));
    this.#grouper = null;
  }

  /** Files an undo brought back: ok again in the catalog, and grouped again. */
  restore(paths: readonly string[]): void {
    const catalog = this.catalog();
    const back: LibraryFile[] = [];
    catalog.transaction(() => {
      for (const p of paths) {
        const r = catalog.files.get(p);
        // What the content's bytes determine, as the scan recorded it (the row kept it while missing).
        const meta = r?.contentHash ? catalog.files.metadataFor(r.contentHash) : null;
        if (!r || !meta) continue;
        catalog.files.upsert({ path: r.path, size: r.size, mtimeMs: r.mtimeMs, status: 'ok', meta });
        const file = toLibraryFile({ ...r, status: 'ok' });
        if (file) back.push(file);
      }
    });
    if (this.#loaded) {
      const known = new Set(this.#loaded.files.map((f) => f.path));
      this.#loaded.files.push(...back.filter((f) => !known.has(f.path)));
      // A restored file whose vector was not loaded (its content had no other live file) needs a reload.
      if (back.some((f) => !this.#loaded!.embeddings.rowOfHash.has(f.contentHash))) this.invalidate();
    }
    this.#grouper = null;
  }

  /** The loaded vectors and graph, or null when the catalog has no vectors yet (nothing scanned). */
  load(): Loaded | null {
    if (this.#loaded) return this.#loaded;
    const catalog = this.catalog();
    const counts = catalog.embeddings.countsByModel();
    if (counts.length === 0) return null;
    const preferred = this.preferredModelKey();
    const key = chooseModelKey(catalog, preferred !== null && counts.some((c) => c.modelKey === preferred) ? preferred : undefined);
    const embeddings = loadEmbeddings(catalog, key);
    const neighbors = loadOrFindNeighbors(catalog, embeddings);
    this.#loaded = { files: loadLibraryFiles(catalog), embeddings, neighbors };
    return this.#loaded;
  }

  /** Ok files under the library's folders. */
  filesInLibrary(): LibraryFile[] {
    const loaded = this.load();
    if (!loaded) return [];
    const roots = this.catalog().roots.list().map((r) => r.path);
    return loaded.files.filter((f) => roots.some((root) => isUnder(f.path, root)));
  }

  keepPolicy(rules: readonly KeepRule[]): KeepPolicy {
    const catalog = this.catalog();
    // Stored with the library too, so `lookalike dupes` on this catalog suggests the same keepers.
    const stored = catalog.settings.getJson<{ rules?: KeepRule[] }>(SETTINGS.keepPolicy) ?? {};
    if (JSON.stringify(stored.rules) !== JSON.stringify(rules)) catalog.settings.setJson(SETTINGS.keepPolicy, { ...stored, rules });
    return { ...loadKeepPolicy(catalog), rules };
  }

  /** The duplicate report at a threshold, or null before the first scan. */
  report(req: GroupingRequest): LibraryReport | null {
    const loaded = this.load();
    if (!loaded) return null;
    if (!this.#grouper) {
      const files = this.filesInLibrary();
      const notDuplicate = [...this.catalog().notDuplicates.allPairs()].map((key) => key.split('|') as [string, string]);
      const grouper = createGrouper({
        files,
        rowOfHash: loaded.embeddings.rowOfHash,
        graph: loaded.neighbors.graph,
        notDuplicate,
        quality: (f) => (f.width ?? 0) * (f.height ?? 0),
      });
      this.#grouper = { grouper, files };
    }
    const includeSimilar = (req.includeSimilar ?? true) && (req.tiers === null || req.tiers.includes('similar'));
    const groups = this.#grouper.grouper.group({ threshold: req.threshold, includeSimilar });
    const report = buildReport(groups, req.threshold, this.keepPolicy(req.keepRules), loadExclusions(this.catalog()));
    if (req.tiers !== null) report.groups = report.groups.filter((g) => req.tiers!.includes(g.tier));
    return { report, fileOf: new Map(this.#grouper.files.map((f) => [f.path, f])) };
  }

  /** Cosine of two files' vectors (1 for identical content or pixels). */
  cosine(a: LibraryFile, b: LibraryFile): number {
    if (a.contentHash === b.contentHash || (a.pixelHash !== null && a.pixelHash === b.pixelHash)) return 1;
    const lib = this.#loaded?.embeddings;
    const ra = lib?.rowOfHash.get(a.contentHash);
    const rb = lib?.rowOfHash.get(b.contentHash);
    if (!lib || ra === undefined || rb === undefined) return Number.NaN;
    const { data, dim } = lib.matrix;
    let dot = 0;
    for (let d = 0; d < dim; d++) dot += data[ra * dim + d]! * data[rb * dim + d]!;
    return dot;
  }

  /** A report group as the contract shows it: scores against the keeper, the engine's reasons, reclaimable bytes. */
  toContractGroup(group: ReportGroup, fileOf: ReadonlyMap<string, LibraryFile>): DuplicateGroup {
    const keeper = fileOf.get(group.keep);
    const keeperMember = group.members.find((m) => m.isKeeper);
    const facts = (match: ReportGroup['members'][number]['match'], file: LibraryFile | undefined) => ({
      match,
      contentHash: file?.contentHash ?? null,
      pixelHash: file?.pixelHash ?? null,
    });
    const targets = new Set(actionTargets(group).map((m) => m.path));
    const members = group.members.map((m) => {
      const file = fileOf.get(m.path);
      const cosine = m.isKeeper || !file || !keeper ? 1 : this.cosine(file, keeper);
      return {
        path: m.path,
        score: m.isKeeper ? 100 : Number.isNaN(cosine) ? m.score : cosine >= 1 ? 100 : cosineToScore(cosine),
        // Against the keeper, like the score (the engine's label is against the group's representative).
        match: m.isKeeper || !keeperMember ? m.match : matchToKeeper(facts(m.match, file), facts(keeperMember.match, keeper)),
        width: file?.width ?? null,
        height: file?.height ?? null,
        bytes: file?.size ?? 0,
        mtimeMs: file?.mtimeMs ?? 0,
        reference: m.isReference,
        reasons: m.reasons.filter((r) => r !== 'keep'),
        thumb: thumbUrl(m.path),
      };
    });
    const paths = members.map((m) => m.path).sort();
    return {
      // Stable while the membership is: a regroup keeps the user's place and keeper choices.
      id: createHash('sha1').update(paths.join('\0')).digest('hex').slice(0, 16),
      tier: group.tier,
      keep: group.keep,
      keepReasons: members[0]?.reasons ?? [],
      members,
      reclaimableBytes: members.filter((m) => targets.has(m.path)).reduce((sum, m) => sum + m.bytes, 0),
    };
  }
}
