// Folders and scans as the library offers them: roots kept in the catalog under their real paths (a folder named
// through a symlink is the same folder, with the same reference flag; a catalog that still holds a link's path
// is normalised when opened), the incremental scan with progress, pause and cancel, and the files that failed.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { LookalikeError } from '../errors.js';
import { realPathOf } from '../scan/crawl.js';
import { scanLibrary, type ScanEmbedder, type ScanProgress, type ScanSummary as EngineScanSummary, type StoredScanParams } from '../scan/index.js';
import { isUnder } from '../similarity/keepBest.js';
import type { JobControl } from './jobs.js';
import type { FailedFile, JobProgressView, Root, ScanSummary } from './types.js';

export interface ScanRequest {
  /** Folders to scan (added to the library); absent = every library folder, or the interrupted scan's. */
  roots?: string[] | undefined;
  /** Folders to scan as reference folders (their files are compared against but never modified). */
  referenceRoots?: string[] | undefined;
  include?: string[];
  exclude?: string[];
}

/** The engine's summary, with its failures listed (the CLI prints them; the app shows counts). */
export type ScanOutcome = EngineScanSummary;

export function scanProgressView(p: ScanProgress): JobProgressView {
  return {
    done: p.done,
    total: p.total,
    failed: p.failed,
    rate: p.rate,
    etaSeconds: p.etaSeconds,
    current: p.current,
    phase: p.phase,
    bytesDone: p.bytes,
    found: p.found,
    hashed: p.hashed,
    embedded: p.embedded,
  };
}

export function toScanSummary(s: EngineScanSummary): ScanSummary {
  return {
    found: s.found,
    new: s.new,
    changed: s.changed,
    unchanged: s.unchanged,
    embedded: s.embedded,
    failed: s.failed.length,
    missing: s.missing,
    bytesHashed: s.bytesHashed,
    unreadableFolders: s.unreadableFolders.length,
    durationMs: Math.round(s.durationMs),
  };
}

/** The real path of a folder the user names, or a clear refusal. */
export async function canonicalFolder(dir: string): Promise<string> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new LookalikeError('not-found', `folder not found: ${dir}`);
  if (!info.isDirectory()) throw new LookalikeError('invalid-request', `not a folder: ${dir}`);
  return realPathOf(dir);
}

/**
 * Every root under its real path. An older catalog may hold a root by a symlink's path while the scan stores its
 * files under the real one, so a reference flag on the link's name would protect none of them. A root named both
 * ways becomes one, a reference if either was: protection is never dropped. Returns how many roots changed.
 */
export function normaliseRoots(catalog: Catalog): number {
  const renamed = catalog.roots
    .list()
    .map((root) => ({ root, real: realPathOf(root.path) }))
    .filter(({ root, real }) => real !== root.path);
  if (renamed.length === 0) return 0;
  catalog.transaction(() => {
    for (const { root, real } of renamed) {
      const known = catalog.roots.list().find((r) => r.path === real);
      catalog.roots.add(real, root.isReference || (known?.isReference ?? false));
      catalog.roots.remove(root.path);
    }
  });
  return renamed.length;
}

export function listRoots(catalog: Catalog): Root[] {
  return catalog.roots.list().map((r) => {
    let ok = 0;
    let any = 0;
    for (const row of catalog.files.underRoot(r.path, path.sep)) {
      any++;
      if (row.status === 'ok') ok++;
    }
    return { path: r.path, reference: r.isReference, files: any === 0 ? null : ok };
  });
}

export function listFailed(catalog: Catalog, limit = 10_000): FailedFile[] {
  const roots = catalog.roots.list().map((r) => r.path);
  const out: FailedFile[] = [];
  for (const f of catalog.files.withStatus('failed')) {
    if (!roots.some((r) => isUnder(f.path, r))) continue;
    out.push({ path: f.path, error: f.error ?? 'unknown error', at: f.updatedAt });
    if (out.length >= limit) break;
  }
  return out;
}

/** Which folders a scan covers: the named ones (added as roots), else the interrupted scan's, else all roots. */
async function planScan(catalog: Catalog, req: ScanRequest): Promise<Pick<StoredScanParams, 'roots' | 'include' | 'exclude' | 'skipHidden'>> {
  if ((req.roots?.length ?? 0) + (req.referenceRoots?.length ?? 0) > 0) {
    const plain = await Promise.all((req.roots ?? []).map(canonicalFolder));
    const references = await Promise.all((req.referenceRoots ?? []).map(canonicalFolder));
    // A folder keeps its reference flag unless it is named as a reference now.
    for (const r of plain) catalog.roots.add(r);
    for (const r of references) catalog.roots.add(r, true);
    return { roots: [...plain, ...references], include: req.include ?? [], exclude: req.exclude ?? [], skipHidden: true };
  }
  const interrupted = catalog.scans.interrupted<StoredScanParams>();
  if (interrupted) return interrupted.params;
  const roots = catalog.roots.list().map((r) => r.path);
  if (roots.length === 0) throw new LookalikeError('invalid-request', 'add a folder to the library first (there is no interrupted scan to resume)');
  return { roots, include: req.include ?? [], exclude: req.exclude ?? [], skipHidden: true };
}

/** `journal`: the crash journal of a supervised scan (scan/crashJournal.ts), else null. */
export async function runScan(catalog: Catalog, engine: ScanEmbedder & { batchSize: number }, req: ScanRequest, control: JobControl, journal: string | null = null): Promise<ScanOutcome> {
  // Before the plan: the scan adds its roots by their real paths, which must meet the same flags.
  normaliseRoots(catalog);
  const plan = await planScan(catalog, req);
  return scanLibrary(
    { catalog, engine, ...plan, batchSize: engine.batchSize },
    { signal: control.signal, onProgress: (p) => control.onProgress(scanProgressView(p)), ...(control.pause ? { pause: control.pause } : {}), journal },
  );
}
