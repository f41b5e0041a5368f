// The Library: the product's one core, which the CLI and the app's engine process both call. It owns the data
// folder (catalog, models, settings), the engine session, the grouping state and the jobs, and computes every
// library fact a front end shows (groups and their scores, keeper reasons, match labels, reclaimable bytes, undo
// batches). Front ends parse arguments or validate requests, call this, and print or forward the answer.
import { existsSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { Catalog, modelKey } from '../catalog/index.js';
import type { Engine } from '../engine.js';
import { LookalikeError } from '../errors.js';
import { trashWithPackage } from '../resolve/systemTrash.js';
import type { TrashFn } from '../resolve/actions.js';
import { ContentHasher } from '../scan/hash.js';
import { thumbUrl, type JobKind, type ResultFormat, type ThumbSize } from '../../shared/values.js';
import { groupsToCsv, groupsToJson, writeResultsFile } from './exportResults.js';
import { exportLibraryFeatures, type ExportResult, type FeatureExportRequest } from './featureExport.js';
import { canonicalFolder, listFailed, listRoots, normaliseRoots, runScan, type ScanOutcome, type ScanRequest } from './scanning.js';
import { comparePhotos, searchLibrary } from './searching.js';
import { readCatalogStatus, type CatalogStatus } from './catalogStatus.js';
import { calibrationOf, runCalibration, scaleOf, type CalibrationFigures } from './calibration.js';
import { evaluateGroups, readTruth, type Evaluation } from './calibrationEvaluate.js';
import { chooseModelKey } from './catalogView.js';
import { dataPaths, resolveDataDir, type DataPaths } from './dataDir.js';
import { GroupIndex, type GroupingRequest } from './groupIndex.js';
import { groupsPage, groupViews } from './groupView.js';
import { JobRunner, type JobControl, type JobEvent, type JobRun } from './jobs.js';
import { ModelManager, type DownloadChoice } from './models.js';
import { Resolution } from './resolution.js';
import { EngineSession, type EngineOptions } from './session.js';
import { openSettings, type Settings, type SettingsStore } from './settings.js';
import { makeThumbnail, type Thumbnail } from './thumbnails.js';
import type { CompareResult, DuplicateGroup, ModelInfo, EngineStatus, ExportResultsSummary, FailedFile, GroupsResult, JobInfo, Root, Status } from './types.js';

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
  /** Set by a supervisor that restarts this process if it dies mid-scan: the crash journal it reads then. */
  scanJournal?: string | null;
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
  /** Idle hashers: a ContentHasher is stateful, so concurrent hashes (a search during a resolve) each borrow one. */
  readonly #idleHashers: ContentHasher[] = [];

  constructor(paths: DataPaths, settings: SettingsStore, private readonly options: LibraryOptions) {
    this.paths = paths;
    this.settings = settings;
    this.env = options.env ?? process.env;
    const s = settings.get();
    this.session = new EngineSession(paths.dataDir, { device: s.device, threads: s.threads, preprocess: s.preprocess, ...options.engine }, this.env, (status) =>
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
      scaleFor: (key) => scaleOf(this.catalog(), key),
      perceptualDistanceFor: (key) => calibrationOf(this.catalog(), key)?.perceptual?.distance ?? null,
    });
    this.resolution = new Resolution({
      catalog: () => this.catalog(),
      settings: () => this.settings.get(),
      index: this.index,
      trash: options.trash ?? trashWithPackage,
      hashFile: (file) => this.hashFile(file),
      env: this.env,
      dataDir: paths.dataDir,
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
    try {
      normaliseRoots(this.#catalog);
    } catch {
      // Best effort: a busy catalog is normalised at the next scan, and every action checks real paths anyway.
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
    const hasher = this.#idleHashers.pop() ?? (await ContentHasher.create());
    try {
      return (await hasher.hashFile(file)).contentHash;
    } finally {
      this.#idleHashers.push(hasher);
    }
  }

  catalogStatus(): CatalogStatus {
    return readCatalogStatus(this.paths.catalog, this.paths.dataDir, () => this.catalog());
  }

  getStatus(): Status {
    return this.#status(this.session.status());
  }

  /** The groups at a threshold (a page of them when offset/limit are given), every member scored against its keeper, with totals of all. */
  getGroups(req: GroupingRequest & { offset?: number | undefined; limit?: number | undefined }): GroupsResult {
    // The grouping kept in the catalog answers while the library is not loaded and nothing changed since.
    return this.index.keptPage(req, thumbUrl) ?? groupsPage(this.index, this.index.report(req), req.threshold, req, thumbUrl);
  }

  /** Every group at a threshold, one view at a time (for writers that stream). */
  groupViews(req: GroupingRequest): Generator<DuplicateGroup> {
    return groupViews(this.index, this.index.report(req), thumbUrl);
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
      const scanReq = { ...req, exclude: [...this.settings.get().excludeGlobs, ...(req.exclude ?? [])] };
      return await runScan(this.catalog(), engine, scanReq, control, this.options.scanJournal ?? null);
    } finally {
      this.index.invalidate();
    }
  }

  search(req: { path: string; top: number; threshold?: number | undefined }) {
    const deps = { catalog: this.catalog(), index: this.index, engine: () => this.engine(), hashFile: (p: string) => this.hashFile(p), thumb: thumbUrl };
    return searchLibrary(deps, { ...req, threshold: req.threshold ?? this.settings.get().threshold });
  }

  async compare(req: { a: string; b: string; heatmap?: boolean }): Promise<CompareResult> {
    const engine = await this.engine();
    const scale = this.hasCatalog() ? scaleOf(this.catalog(), modelKey(engine.provenance)) : undefined;
    // Compared from Pillow-exact pixels whatever the scans use: two photos side by side deserve the full decode.
    const result = await comparePhotos(engine.withPreprocess('exact'), req.a, req.b, { threshold: this.settings.get().threshold, heatmap: req.heatmap ?? true, scale });
    return { ...result, thumbA: thumbUrl(req.a), thumbB: thumbUrl(req.b) };
  }

  /** A photo's thumbnail for the app's media protocol (main has checked that it may show this file), cached in the data folder. */
  thumbnail(file: string, size: ThumbSize): Promise<Thumbnail> {
    return makeThumbnail(file, size, this.paths.thumbnails);
  }

  /** The groups at a threshold written as CSV or JSON (the shapes `dupes --export` writes); never over a file unless `overwrite`. */
  async exportResults(req: { format: ResultFormat; out: string; threshold: number; overwrite?: boolean | undefined }): Promise<ExportResultsSummary> {
    const { groups } = this.getGroups({ threshold: req.threshold });
    await writeResultsFile(req.out, req.format === 'csv' ? groupsToCsv(groups) : groupsToJson(req.threshold, groups), req.overwrite ?? false);
    return { out: req.out, groups: groups.length, rows: groups.reduce((n, g) => n + g.members.length, 0) };
  }

  async exportFeatures(req: FeatureExportRequest, control: Parameters<typeof exportLibraryFeatures>[3]): Promise<ExportResult> {
    const catalog = this.hasCatalog() ? this.catalog() : null;
    // Exports are exact: their vectors must match what HF's Python pipeline computes from the same photo.
    return exportLibraryFeatures((await this.engine()).withPreprocess('exact'), catalog, req, control);
  }

  /** Downloads a model; the first one (or one chosen with `use`) becomes the model in use and is loaded now. */
  async downloadModel(id: string, control: JobControl, choice: DownloadChoice = {}): Promise<ModelInfo> {
    const info = await this.models.download(id, control, choice);
    if (choice.use || this.session.status().engineState !== 'ready') await this.session.reload();
    return info;
  }

  async setSettings(change: Partial<Settings>): Promise<Settings> {
    const before = this.settings.get();
    const after = await this.settings.set({ ...before, ...change });
    if (after.device !== before.device || after.threads !== before.threads || after.preprocess !== before.preprocess) {
      await this.session.reload({ device: after.device, threads: after.threads, preprocess: after.preprocess });
    }
    // The keep rules, preferred folders and exclusions decide keepers: regroup with them.
    this.index.regroup();
    return after;
  }

  /** Calibrates the model in use on this library's photos (resuming a stopped run); groups then use its scale. */
  async calibrate(req: { sample?: number | undefined }, control: JobControl): Promise<CalibrationFigures> {
    const engine = await this.engine();
    const catalog = this.requireCatalog();
    try {
      return await runCalibration({ catalog, engine, modelKey: modelKey(engine.provenance) }, req, control);
    } finally {
      this.index.invalidate();
    }
  }

  /** The calibration of the model the library groups with, or null (none yet, or nothing scanned). */
  getCalibration(): CalibrationFigures | null {
    if (!this.hasCatalog()) return null;
    const catalog = this.catalog();
    if (catalog.embeddings.countsByModel().length === 0) return null;
    const engine = this.session.current();
    return calibrationOf(catalog, chooseModelKey(catalog, this.options.modelKey, engine ? modelKey(engine.provenance) : null));
  }

  /** The groups scored against a ground-truth file (truth.json's format), at a threshold and over a sweep. */
  async evaluate(req: { truth: string; threshold?: number | undefined }): Promise<Evaluation> {
    this.requireCatalog();
    const { truth, dir } = await readTruth(req.truth);
    return evaluateGroups(this.index, truth, dir, req.threshold ?? this.settings.get().threshold);
  }

  /** After a scan: the first scan with a model calibrates it, as a job of its own (null when none was needed). */
  calibrateIfNew(): string | null {
    const engine = this.session.current();
    try {
      if (!engine || !this.hasCatalog() || calibrationOf(this.catalog(), modelKey(engine.provenance))) return null;
    } catch {
      return null; // a busy catalog: the next scan asks again
    }
    if (this.jobs.list().some((j) => j.kind === 'calibrate' && (j.state === 'queued' || j.state === 'running'))) return null;
    return this.startJob('calibrate', (control) => this.calibrate({}, control));
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
    if (this.#catalog) this.index.flush();
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
