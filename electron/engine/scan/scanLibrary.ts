// scanLibrary: crawl the roots, bring the catalog up to date with what is on disk, embed what has no vector for
// this model yet. Incremental (unchanged size + mtime: not read), cancellable (what is committed stays),
// pausable, and safe to kill: a rerun finds committed files unchanged and does only the rest.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { HEARTBEAT_MS } from '../catalog/index.js';
import type { Catalog } from '../catalog/index.js';
import { ScanLookup } from '../catalog/scanLookup.js';
import { LookalikeError } from '../errors.js';
import { crawlRoots, isInside, normalizeRoots, type CrawlResult } from './crawl.js';
import type { CrashVerdict } from './crashJournal.js';
import { JournaledWork, untrackedWork, type NativeWork } from './nativeWork.js';
import { PauseGate } from './pause.js';
import { ScanPipeline } from './pipeline.js';
import { ScanMeter } from './progress.js';
import type { FailedFile, ScanOptions, ScanParams, ScanSummary } from './types.js';
import { CatalogWriter, IdSet } from './writer.js';

/** What a scan row stores as params: enough to run the same scan again after a crash. */
export interface StoredScanParams {
  roots: string[];
  include: string[];
  exclude: string[];
  skipHidden: boolean;
  modelKey: string;
  /** Interrupted scans this one picks up. */
  resumes: number[];
}

export interface StoredScanCounts {
  found: number;
  new: number;
  changed: number;
  unchanged: number;
  embedded: number;
  failed: number;
  missing: number;
}

async function checkRoots(roots: string[]): Promise<void> {
  if (roots.length === 0) throw new LookalikeError('invalid-request', 'no folders to scan');
  for (const root of roots) {
    const st = await stat(root).catch(() => null);
    if (!st) throw new LookalikeError('invalid-request', `folder not found: ${root}`);
    if (!st.isDirectory()) throw new LookalikeError('invalid-request', `not a folder: ${root}`);
  }
}

/** Rows under the roots this scan did not see, except under folders it could not list (they may be fine). */
function markMissing(catalog: Catalog, roots: string[], seen: IdSet, unreadable: FailedFile[]): number {
  const gone: number[] = [];
  const rows = new ScanLookup(catalog.db, catalog.files);
  for (const root of roots) {
    if (!unreadable.some((u) => isInside(u.path, root))) {
      // Ids only: the paths are needed just to spare what lies under an unreadable folder.
      for (const id of rows.liveIdsUnder(root, path.sep)) if (!seen.has(id)) gone.push(id);
      continue;
    }
    for (const row of catalog.files.underRoot(root, path.sep)) {
      if (row.status === 'missing' || seen.has(row.id)) continue;
      if (unreadable.some((u) => isInside(row.path, u.path))) continue;
      gone.push(row.id);
    }
  }
  return catalog.transaction(() => catalog.files.markMissing(gone));
}

/** Records the model, the roots and a 'running' scan row (with what a rerun needs); returns the row's id and the model key. */
function startScanRow(catalog: Catalog, params: ScanParams, roots: string[]): { scanId: number; modelKey: string } {
  const modelKey = catalog.embeddings.registerModel(params.engine.provenance, params.engine.dim);
  const resumes = catalog.scans.markDeadInterrupted().map((s) => s.id);
  const stored: StoredScanParams = {
    roots,
    include: params.include ?? [],
    exclude: params.exclude ?? [],
    skipHidden: params.skipHidden ?? true,
    modelKey,
    resumes,
  };
  const scanId = catalog.transaction(() => {
    for (const root of roots) catalog.roots.add(root);
    return catalog.scans.start(stored);
  });
  return { scanId, modelKey };
}

/** One scan from its row in `scans` to its summary: crawl, pipeline, missing files, bookkeeping. */
class ScanRun {
  private readonly catalog: Catalog;
  // One controller for cancel and for fatal errors, so every stage stops the same way.
  private readonly controller = new AbortController();
  private readonly onAbort = (): void => this.controller.abort(this.options.signal?.reason);
  private readonly gate: PauseGate;
  private readonly meter: ScanMeter;
  private readonly seen = new IdSet();
  private readonly writer: CatalogWriter;
  private readonly heartbeat: ReturnType<typeof setInterval>;
  private readonly unsubscribe: () => void;
  private readonly scanId: number;
  private readonly modelKey: string;
  private pipeline: ScanPipeline | null = null;
  private missing = 0;

  constructor(
    private readonly params: ScanParams,
    private readonly options: ScanOptions,
    private readonly roots: string[],
    private readonly startedAt: number,
    private readonly native: NativeWork & { verdicts?: readonly CrashVerdict[] },
  ) {
    this.catalog = params.catalog;
    this.gate = options.pause ?? new PauseGate();
    ({ scanId: this.scanId, modelKey: this.modelKey } = startScanRow(this.catalog, params, roots));
    // After the row exists (a refused model leaves no listener behind); run() removes it.
    options.signal?.addEventListener('abort', this.onAbort, { once: true });
    // A signal aborted before the scan began fires no event: without this the whole scan would run.
    if (options.signal?.aborted) this.onAbort();
    this.meter = new ScanMeter(options.onProgress);
    this.writer = new CatalogWriter(this.catalog, this.modelKey, this.seen, {
      inCommit: () => {
        this.catalog.scans.beat(this.scanId, this.counts());
        this.pipeline?.committed();
      },
    });
    // Keeps the heartbeat going through long decodes and pauses, so a live scan never looks interrupted.
    this.heartbeat = setInterval(() => this.writer.flush(), HEARTBEAT_MS / 3);
    this.heartbeat.unref();
    this.unsubscribe = this.gate.onChange((paused) => this.meter.setPhase(paused ? 'paused' : 'scanning'));
  }

  private get signal(): AbortSignal {
    return this.controller.signal;
  }

  private counts(): StoredScanCounts {
    return {
      found: this.meter.found,
      new: this.pipeline?.counts.new ?? 0,
      changed: this.pipeline?.counts.changed ?? 0,
      unchanged: this.pipeline?.counts.unchanged ?? 0,
      embedded: this.meter.embedded,
      failed: this.meter.failed,
      missing: this.missing,
    };
  }

  async run(): Promise<ScanSummary> {
    let finished = false;
    try {
      await this.recordVerdicts(this.native.verdicts ?? []);
      const crawl = await this.crawl();
      const pipeline = await this.runPipeline(crawl.files);
      const summary = this.finish(crawl, pipeline);
      finished = !summary.cancelled;
      return summary;
    } catch (err) {
      this.controller.abort(err);
      this.recordFailure(err);
      throw err;
    } finally {
      clearInterval(this.heartbeat);
      this.unsubscribe();
      this.options.signal?.removeEventListener('abort', this.onAbort);
      this.native.close(finished);
    }
  }

  /**
   * Files an earlier run died on become failed rows under their current size and mtime, so this run reports
   * them with the reason without opening them; a file changed since is tried again.
   */
  private async recordVerdicts(verdicts: readonly CrashVerdict[]): Promise<void> {
    for (const v of verdicts) {
      const st = await stat(v.path).catch(() => null);
      if (st?.isFile()) this.writer.add({ file: { path: v.path, size: st.size, mtimeMs: st.mtimeMs, status: 'failed', error: v.reason, contentHash: null } });
    }
    this.writer.flush();
  }

  private async crawl(): Promise<CrawlResult> {
    this.meter.setPhase('crawling');
    const crawl = await crawlRoots(this.roots, {
      include: this.params.include,
      exclude: this.params.exclude,
      skipHidden: this.params.skipHidden,
      signal: this.signal,
      onFound: (n) => {
        this.meter.found = n;
        this.meter.report();
      },
    });
    this.meter.found = crawl.files.length;
    return crawl;
  }

  private async runPipeline(files: string[]): Promise<ScanPipeline> {
    const { catalog, engine } = this.params;
    const batchSize = Math.max(1, Math.floor(this.params.batchSize ?? 8));
    this.meter.startWork();
    this.meter.setPhase(this.gate.paused ? 'paused' : 'scanning');
    const pipeline = new ScanPipeline({
      catalog, engine, modelKey: this.modelKey, batchSize, writer: this.writer, meter: this.meter, gate: this.gate, signal: this.signal, native: this.native,
    });
    this.pipeline = pipeline;
    const stopPipeline = (): void => pipeline.stop();
    this.signal.addEventListener('abort', stopPipeline, { once: true });
    await pipeline.run(files);
    this.signal.removeEventListener('abort', stopPipeline);
    this.writer.flush();
    return pipeline;
  }

  /** Marks what is gone (unless cancelled), closes the scan row and sums up. */
  private finish(crawl: CrawlResult, pipeline: ScanPipeline): ScanSummary {
    const cancelled = this.signal.aborted;
    if (!cancelled) {
      this.meter.setPhase('finishing');
      this.missing = markMissing(this.catalog, this.roots, this.seen, crawl.unreadableFolders);
    }
    this.catalog.scans.finish(this.scanId, cancelled ? 'cancelled' : 'done', this.counts());
    // A scan is what changes the catalog's tables most: let SQLite refresh its statistics where it sees a need.
    this.catalog.optimize();
    this.meter.current = null;
    this.meter.setPhase(cancelled ? 'cancelled' : 'done');
    return {
      scanId: this.scanId,
      found: this.meter.found,
      new: pipeline.counts.new,
      changed: pipeline.counts.changed,
      unchanged: pipeline.counts.unchanged,
      embedded: this.meter.embedded,
      missing: this.missing,
      failed: pipeline.failed,
      bytesHashed: this.meter.bytes,
      cancelled,
      unreadableFolders: crawl.unreadableFolders,
      durationMs: performance.now() - this.startedAt,
    };
  }

  /** Keeps what finished before the error; the scan row says why it stopped. */
  private recordFailure(err: unknown): void {
    try {
      this.writer.flush();
      this.catalog.scans.finish(this.scanId, 'failed', this.counts(), (err as Error).message ?? String(err));
    } catch {
      // The catalog itself failed (disk full, closed): the original error is the one to report.
    }
  }
}

export async function scanLibrary(params: ScanParams, options: ScanOptions = {}): Promise<ScanSummary> {
  const startedAt = performance.now();
  await checkRoots(params.roots);
  const native = options.journal ? JournaledWork.open(options.journal) : untrackedWork;
  let run: ScanRun;
  try {
    run = new ScanRun(params, options, normalizeRoots(params.roots), startedAt, native);
  } catch (err) {
    native.close(false);
    throw err;
  }
  return run.run();
}
