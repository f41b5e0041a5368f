// The Library: the product's one core, which the CLI and the app's engine process both call. It owns the data
// folder (catalog, models, settings), the engine session, the grouping state and the jobs, and computes every
// library fact a front end shows (groups and their scores, keeper reasons, match labels, reclaimable bytes, undo
// batches). Front ends parse arguments or validate requests, call this, and print or forward the answer.
import { existsSync } from 'node:fs';
import { realpath, writeFile } from 'node:fs/promises';
import { Catalog, modelKey } from '../catalog/index.js';
import type { Engine } from '../engine.js';
import { LookalikeError } from '../errors.js';
import { trashWithPackage } from '../resolve/systemTrash.js';
import type { TrashFn } from '../resolve/actions.js';
import { ContentHasher } from '../scan/hash.js';
import { thumbUrl, type JobKind, type ResultFormat } from '../../shared/values.js';
import { groupsToCsv, groupsToJson } from './exportResults.js';
import { exportLibraryFeatures, type ExportResult, type FeatureExportRequest } from './featureExport.js';
import { canonicalFolder, listFailed, listRoots, runScan, type ScanOutcome, type ScanRequest } from './scanning.js';
import { comparePhotos, searchLibrary } from './searching.js';
import { readCatalogStatus, type CatalogStatus } from './catalogStatus.js';
import { dataPaths, resolveDataDir, type DataPaths } from './dataDir.js';
import { GroupIndex, type GroupingRequest } from './groupIndex.js';
import { toGroupView } from './groupView.js';
import { JobRunner, type JobControl, type JobEvent, type JobRun } from './jobs.js';
import { ModelManager } from './models.js';
import { Resolution } from './resolution.js';
import { EngineSession, type EngineOptions } from './session.js';
import { openSettings, type Settings, type SettingsStore } from './settings.js';
import type { CompareResult, ModelInfo, EngineStatus, ExportResultsSummary, FailedFile, GroupsResult, JobInfo, Root, Status } from './types.js';

export type LibraryEvent = JobEvent | { type: 'statusChanged'; status: Status };

export interface LibraryOptions {
  /** `--data-dir`; else LOOKALIKE_DATA_DIR, else the platform's app data folder. */
  dataDir?: string | undefined;
  /** `--db FILE`: this catalog instead of the data folder's. */
  catalogPath?: string | undefined;
  env?: NodeJS.ProcessEnv;
  /** Overrides of the engine settings (`--model`, `--device`, …); unset ones come from the settings file. */
  engine?: Partial<EngineOptions>;
  /** The OS trash: the `trash` package by default, Electron's shell.trashItem in the app. */
  trash?: TrashFn;
  /** `--model-key`: group and search exactly these vectors. */
  modelKey?: string | null;
  /** The app's version, for getStatus. */
  appVersion?: string;
  onEvent?: (event: LibraryEvent) => void;
  log?: (line: string) => void;
}

export class Library {
  readonly paths: DataPaths;
  readonly settings: SettingsStore;
  readonly session: EngineSession;
  readonly models: ModelManager;
  readonly index: GroupIndex;
  readonly resolution: Resolution;
  readonly jobs: JobRunner;
  readonly env: NodeJS.ProcessEnv;
  #catalog: Catalog | null = null;
  #hasher: Promise<ContentHasher> | null = null;

  constructor(paths: DataPaths, settings: SettingsStore, private readonly options: LibraryOptions) {
    this.paths = paths;
    this.settings = settings;
    this.env = options.env ?? process.env;
    const s = settings.get();
    this.session = new EngineSession(paths.dataDir, { device: s.device, threads: s.threads, ...options.engine }, this.env, (status) =>
      this.#emit({ type: 'statusChanged', status: this.#status(status) }),
    );
    this.models = new ModelManager(paths.dataDir, this.env);
    this.jobs = new JobRunner((event) => this.#emit(event));
    this.index = new GroupIndex({
      catalog: () => this.catalog(),
      settings: () => this.settings.get(),
      preferredModelKey: () => {
        const engine = this.session.current();
        return engine ? modelKey(engine.provenance) : null;
      },
      requestedModelKey: options.modelKey ?? null,
    });
    this.resolution = new Resolution({
      catalog: () => this.catalog(),
      settings: () => this.settings.get(),
      index: this.index,
      trash: options.trash ?? trashWithPackage,
      hashFile: (file) => this.hashFile(file),
      env: this.env,
    });
  }

  /** The open catalog (created on first use). */
  catalog(): Catalog {
    if (this.#catalog) return this.#catalog;
    try {
      this.#catalog = Catalog.open(this.paths.catalog);
    } catch (err) {
      throw new LookalikeError('unavailable', `cannot open the library catalog ${this.paths.catalog}: ${(err as Error).message}`, { cause: err });
    }
    return this.#catalog;
  }

  hasCatalog(): boolean {
    return this.#catalog !== null || existsSync(this.paths.catalog);
  }

  /** For commands that read a library: a clear refusal where there is none yet, rather than an empty one. */
  requireCatalog(): Catalog {
    if (!this.hasCatalog()) throw new LookalikeError('not-found', `no library at ${this.paths.catalog} yet: run \`lookalike scan <folder>\` first, or pass --db FILE / --data-dir DIR`);
    return this.catalog();
  }

  engine(): Promise<Engine> {
    return this.session.engine();
  }

  async hashFile(file: string): Promise<string> {
    const hasher = await (this.#hasher ??= ContentHasher.create());
    return (await hasher.hashFile(file)).contentHash;
  }

  catalogStatus(): CatalogStatus {
    return readCatalogStatus(this.paths.catalog, this.paths.dataDir, () => this.catalog());
  }

  getStatus(): Status {
    return this.#status(this.session.status());
  }

  /** The groups at a threshold, every member scored against its keeper, with totals. */
  getGroups(req: GroupingRequest): GroupsResult {
    const grouped = this.index.report(req);
    const groups = grouped ? grouped.report.groups.map((g) => toGroupView(this.index, g, grouped.fileOf, thumbUrl)) : [];
    const totals = { groups: groups.length, files: 0, reclaimableBytes: 0 };
    for (const g of groups) {
      totals.files += g.members.length;
      totals.reclaimableBytes += g.reclaimableBytes;
    }
    return { threshold: req.threshold, groups, totals };
  }

  listRoots(): Root[] {
    return listRoots(this.catalog());
  }

  /** A folder joins the library under its real path (a symlink names the same folder, with the same flag). */
  async addRoot(req: { path: string; reference: boolean }): Promise<Root[]> {
    const dir = await canonicalFolder(req.path);
    this.catalog().roots.add(dir, req.reference);
    this.index.invalidate();
    return this.listRoots();
  }

  async removeRoot(req: { path: string }): Promise<Root[]> {
    const known = this.catalog().roots.list().map((r) => r.path);
    const real = await realpath(req.path).catch(() => req.path);
    const dir = [req.path, real].find((p) => known.includes(p));
    if (!dir || !this.catalog().roots.remove(dir)) throw new LookalikeError('not-found', `${req.path} is not a library folder`);
    this.index.invalidate();
    return this.listRoots();
  }

  listFailed(): FailedFile[] {
    return listFailed(this.catalog());
  }

  /** Brings the catalog up to date with the folders; a cancelled scan keeps what it finished. */
  async scan(req: ScanRequest, control: JobControl): Promise<ScanOutcome> {
    const engine = await this.engine();
    try {
      return await runScan(this.catalog(), engine, { ...req, exclude: [...this.settings.get().excludeGlobs, ...(req.exclude ?? [])] }, control);
    } finally {
      this.index.invalidate();
    }
  }

  search(req: { path: string; top: number; threshold?: number | undefined }) {
    const deps = { catalog: this.catalog(), index: this.index, engine: () => this.engine(), hashFile: (p: string) => this.hashFile(p), thumb: thumbUrl };
    return searchLibrary(deps, { ...req, threshold: req.threshold ?? this.settings.get().threshold });
  }

  async compare(req: { a: string; b: string; heatmap?: boolean }): Promise<CompareResult> {
    const result = await comparePhotos(await this.engine(), req.a, req.b, { threshold: this.settings.get().threshold, heatmap: req.heatmap ?? true });
    return { ...result, thumbA: thumbUrl(req.a), thumbB: thumbUrl(req.b) };
  }

  /** The groups at a threshold written as CSV or JSON (the shapes `dupes --export` writes). */
  async exportResults(req: { format: ResultFormat; out: string; threshold: number }): Promise<ExportResultsSummary> {
    const { groups } = this.getGroups({ threshold: req.threshold });
    await writeFile(req.out, req.format === 'csv' ? groupsToCsv(groups) : groupsToJson(req.threshold, groups));
    return { out: req.out, groups: groups.length, rows: groups.reduce((n, g) => n + g.members.length, 0) };
  }

  async exportFeatures(req: FeatureExportRequest, control: Parameters<typeof exportLibraryFeatures>[3]): Promise<ExportResult> {
    const catalog = this.hasCatalog() ? this.catalog() : null;
    return exportLibraryFeatures(await this.engine(), catalog, req, control);
  }

  /** Downloads a model; the first one becomes the model in use, and a library with no model loads it now. */
  async downloadModel(id: string, control: JobControl): Promise<ModelInfo> {
    const info = await this.models.download(id, control);
    if (this.session.status().engineState !== 'ready') await this.session.reload();
    return info;
  }

  async setSettings(change: Partial<Settings>): Promise<Settings> {
    const before = this.settings.get();
    const after = await this.settings.set({ ...before, ...change });
    if (after.device !== before.device || after.threads !== before.threads) await this.session.reload({ device: after.device, threads: after.threads });
    // The keep rules, preferred folders and exclusions decide keepers: regroup with them.
    this.index.regroup();
    return after;
  }

  startJob<K extends JobKind>(kind: K, run: JobRun<K>): string {
    return this.jobs.start(kind, run);
  }

  listJobs(): JobInfo[] {
    return this.jobs.list();
  }

  /** Runs a job-shaped function with no registry (the CLI: Ctrl-C is the signal). */
  static control(signal: AbortSignal, onProgress: JobControl['onProgress'] = () => undefined): JobControl {
    return { signal, onProgress };
  }

  async close(): Promise<void> {
    await this.jobs.stopAll();
    await this.session.close();
    this.#catalog?.close();
    this.#catalog = null;
  }

  #status(engine: EngineStatus): Status {
    return { appVersion: this.options.appVersion ?? '', dataDir: this.paths.dataDir, ...engine };
  }

  #emit(event: LibraryEvent): void {
    this.options.onEvent?.(event);
  }
}

/** Opens the library in its data folder (nothing is created until it is used). */
export async function openLibrary(options: LibraryOptions = {}): Promise<Library> {
  const env = options.env ?? process.env;
  const paths = dataPaths(resolveDataDir(options.dataDir, env), options.catalogPath);
  const settings = await openSettings(paths.settings, options.log);
  return new Library(paths, settings, { ...options, env });
}
