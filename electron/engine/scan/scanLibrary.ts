// scanLibrary: crawl the roots, bring the catalog up to date with what is on disk, embed what has no vector for
// this model yet. Incremental (unchanged size + mtime: not read), cancellable (what is committed stays),
// pausable, and safe to kill: a rerun finds committed files unchanged and does only the rest.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { HEARTBEAT_MS } from '../catalog/index.js';
import type { Catalog } from '../catalog/index.js';
import { crawlRoots, isInside, normalizeRoots } from './crawl.js';
import { PauseGate } from './pause.js';
import { ScanPipeline } from './pipeline.js';
import { ScanMeter } from './progress.js';
import type { FailedFile, ScanOptions, ScanParams, ScanSummary } from './types.js';
import { CatalogWriter, IdSet } from './writer.js';

export class ScanError extends Error {
  override name = 'ScanError';
}

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
  if (roots.length === 0) throw new ScanError('no folders to scan');
  for (const root of roots) {
    const st = await stat(root).catch(() => null);
    if (!st) throw new ScanError(`folder not found: ${root}`);
    if (!st.isDirectory()) throw new ScanError(`not a folder: ${root}`);
  }
}

/** Rows under the roots this scan did not see, except under folders it could not list (they may be fine). */
function markMissing(catalog: Catalog, roots: string[], seen: IdSet, unreadable: FailedFile[]): number {
  const gone: number[] = [];
  for (const root of roots) {
    for (const row of catalog.files.underRoot(root, path.sep)) {
      if (row.status === 'missing' || seen.has(row.id)) continue;
      if (unreadable.some((u) => isInside(row.path, u.path))) continue;
      gone.push(row.id);
    }
  }
  return catalog.transaction(() => catalog.files.markMissing(gone));
}

export async function scanLibrary(params: ScanParams, options: ScanOptions = {}): Promise<ScanSummary> {
  const startedAt = performance.now();
  const { catalog, engine } = params;
  const batchSize = Math.max(1, Math.floor(params.batchSize ?? 8));
  await checkRoots(params.roots);
  const roots = normalizeRoots(params.roots);
  // One controller for cancel and for fatal errors, so every stage stops the same way.
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const signal = controller.signal;
  const gate = options.pause ?? new PauseGate();

  const modelKey = catalog.embeddings.registerModel(engine.provenance, engine.dim);
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

  const meter = new ScanMeter(options.onProgress);
  const seen = new IdSet();
  let pipeline: ScanPipeline | null = null;
  let missing = 0;
  const counts = (): StoredScanCounts => ({
    found: meter.found,
    new: pipeline?.counts.new ?? 0,
    changed: pipeline?.counts.changed ?? 0,
    unchanged: pipeline?.counts.unchanged ?? 0,
    embedded: meter.embedded,
    failed: meter.failed,
    missing,
  });
  const writer = new CatalogWriter(catalog, modelKey, seen, {
    inCommit: () => {
      catalog.scans.beat(scanId, counts());
      pipeline?.committed();
    },
  });
  // Keeps the heartbeat going through long decodes and pauses, so a live scan never looks interrupted.
  const heartbeat = setInterval(() => writer.flush(), HEARTBEAT_MS / 3);
  heartbeat.unref();
  const unsubscribe = gate.onChange((paused) => meter.setPhase(paused ? 'paused' : 'scanning'));

  try {
    meter.setPhase('crawling');
    const crawl = await crawlRoots(roots, {
      include: params.include,
      exclude: params.exclude,
      skipHidden: params.skipHidden,
      signal,
      onFound: (n) => {
        meter.found = n;
        meter.report();
      },
    });
    meter.found = crawl.files.length;
    meter.startWork();
    meter.setPhase(gate.paused ? 'paused' : 'scanning');
    pipeline = new ScanPipeline({ catalog, engine, modelKey, batchSize, writer, meter, gate, signal });
    const stopPipeline = (): void => pipeline?.stop();
    signal.addEventListener('abort', stopPipeline, { once: true });
    await pipeline.run(crawl.files);
    signal.removeEventListener('abort', stopPipeline);
    writer.flush();

    const cancelled = signal.aborted;
    if (!cancelled) {
      meter.setPhase('finishing');
      missing = markMissing(catalog, roots, seen, crawl.unreadableFolders);
    }
    catalog.scans.finish(scanId, cancelled ? 'cancelled' : 'done', counts());
    meter.current = null;
    meter.setPhase(cancelled ? 'cancelled' : 'done');
    return {
      scanId,
      found: meter.found,
      new: pipeline.counts.new,
      changed: pipeline.counts.changed,
      unchanged: pipeline.counts.unchanged,
      embedded: meter.embedded,
      missing,
      failed: pipeline.failed,
      bytesHashed: meter.bytes,
      cancelled,
      unreadableFolders: crawl.unreadableFolders,
      durationMs: performance.now() - startedAt,
    };
  } catch (err) {
    controller.abort(err);
    // Keep what finished before the error; the scan row says why it stopped.
    try {
      writer.flush();
      catalog.scans.finish(scanId, 'failed', counts(), (err as Error).message ?? String(err));
    } catch {
      // The catalog itself failed (disk full, closed): the original error is the one to report.
    }
    throw err;
  } finally {
    clearInterval(heartbeat);
    unsubscribe();
    options.signal?.removeEventListener('abort', onAbort);
  }
}
