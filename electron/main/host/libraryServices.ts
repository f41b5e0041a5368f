// The library as the worker serves it: folders, scans, groups, resolve (trash through main's shell.trashItem,
// or move), "not a duplicate", undo, resolve-all, search and result export, over one catalog in the data folder.
// Every file action is journaled by the engine before it runs; an action id here is the journal batch it wrote,
// so one undo reverses one user action however many files it touched.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Catalog, modelKey } from '../../engine/catalog/index.js';
import type { Engine } from '../../engine/engine.js';
import { markNotDuplicate, newBatchId, runActions, type ActionOutcome, type PlannedAction, type TrashFn } from '../../engine/resolve/actions.js';
import { planResolution } from '../../engine/resolve/plan.js';
import { undoAction, undoLatestBatch, UndoError, type UndoOutcome } from '../../engine/resolve/undo.js';
import { ContentHasher } from '../../engine/scan/hash.js';
import { scanLibrary, type PauseGate, type ScanProgress, type ScanSummary as EngineScanSummary } from '../../engine/scan/index.js';
import { reportToCsv, reportToJson } from '../../engine/similarity/exportResults.js';
import { isUnder } from '../../engine/similarity/keepBest.js';
import { searchByExample, type SearchQuery } from '../../engine/similarity/searchByExample.js';
import { thumbUrl, type ActionResult, type JobProgressView, type PathFailure, type Root, type ScanSummary } from '../../shared/contract.js';
import { ApiError } from '../apiError.js';
import type { JobParams, WorkerCalls } from './protocol.js';
import { LibraryIndex } from './libraryIndex.js';

export const CATALOG_FILE = 'catalog.db';
const UNDOABLE = new Set(['trash', 'move', 'not-duplicate']);

type Calls = Pick<
  { [M in keyof WorkerCalls]: (args: WorkerCalls[M]['args']) => Promise<WorkerCalls[M]['result']> },
  | 'listRoots'
  | 'addRoot'
  | 'removeRoot'
  | 'listFailed'
  | 'getGroups'
  | 'resolveGroup'
  | 'markNotDuplicate'
  | 'undo'
  | 'resolveAll'
  | 'search'
  | 'exportResults'
>;

export interface LibraryServices extends Calls {
  scan(params: JobParams['scan'], opts: { signal: AbortSignal; onProgress(p: JobProgressView): void; pause?: PauseGate }): Promise<ScanSummary>;
  /** The open catalog (feature export reads it). */
  catalog(): Catalog;
  close(): void;
}

export interface LibraryDeps {
  dataDir: string;
  engine(): Promise<Engine>;
  /** The loaded engine, without waiting. */
  currentEngine(): Engine | null;
  trash: TrashFn;
  env: NodeJS.ProcessEnv;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

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

export function createLibraryServices(deps: LibraryDeps): LibraryServices {
  let opened: Catalog | null = null;
  const catalog = (): Catalog => {
    if (opened) return opened;
    const file = path.join(deps.dataDir, CATALOG_FILE);
    try {
      opened = Catalog.open(file);
    } catch (err) {
      throw new ApiError('unavailable', `cannot open the library catalog ${file}: ${errorText(err)}`);
    }
    return opened;
  };
  const index = new LibraryIndex(catalog, () => {
    const engine = deps.currentEngine();
    return engine ? modelKey(engine.provenance) : null;
  });
  let hasher: Promise<ContentHasher> | null = null;
  const hashFile = async (file: string): Promise<string> => (await (await (hasher ??= ContentHasher.create())).hashFile(file)).contentHash;
  const actionDeps = () => ({ journal: catalog().journal, trash: deps.trash, hashFile, env: deps.env });

  function listRoots(): Root[] {
    const c = catalog();
    return c.roots.list().map((r) => {
      let ok = 0;
      let any = 0;
      for (const row of c.files.underRoot(r.path, path.sep)) {
        any++;
        if (row.status === 'ok') ok++;
      }
      return { path: r.path, reference: r.isReference, files: any === 0 ? null : ok };
    });
  }

  /** Outcomes → the contract's result; files that left their folder leave the groups too. */
  function actionResult(batch: string, outcomes: readonly ActionOutcome[]): ActionResult {
    const done = outcomes.filter((o) => o.status === 'done').map((o) => o.action.file.path);
    const failed: PathFailure[] = outcomes
      .filter((o) => o.status === 'refused' || o.status === 'failed')
      .map((o) => ({ path: o.action.file.path, error: o.message }));
    if (done.length > 0) index.remove(done);
    return { actionId: done.length > 0 ? batch : null, done, failed };
  }

  /** What the catalog recorded for each path at scan time, or the reason it cannot be acted on. */
  function scannedFiles(paths: readonly string[]): { files: Map<string, { path: string; size: number; mtimeMs: number; contentHash: string }>; failed: PathFailure[] } {
    const files = new Map<string, { path: string; size: number; mtimeMs: number; contentHash: string }>();
    const failed: PathFailure[] = [];
    for (const p of paths) {
      const r = catalog().files.get(p);
      if (!r || r.status !== 'ok' || !r.contentHash) failed.push({ path: p, error: 'not in the library catalog (scan its folder first)' });
      else files.set(p, { path: r.path, size: r.size, mtimeMs: r.mtimeMs, contentHash: r.contentHash });
    }
    return { files, failed };
  }

  async function undoBatch(actionId: string | null): Promise<UndoOutcome[]> {
    const undoDeps = { journal: catalog().journal, notDuplicates: catalog().notDuplicates, env: deps.env };
    if (actionId === null) {
      try {
        return await undoLatestBatch(undoDeps);
      } catch (err) {
        if (err instanceof UndoError) throw new ApiError('not-found', err.message);
        throw err;
      }
    }
    const entries = catalog()
      .journal.list<{ batch?: string }>({ limit: 100_000 })
      .filter((e) => e.payload.batch === actionId && UNDOABLE.has(e.kind) && (e.state === 'done' || e.state === 'pending'));
    if (entries.length === 0) throw new ApiError('not-found', `nothing to undo for action ${actionId} (already undone?)`);
    const out: UndoOutcome[] = [];
    for (const e of entries) out.push(await undoAction(e.id, undoDeps));
    return out;
  }

  return {
    catalog,
    close: () => opened?.close(),

    listRoots: async () => listRoots(),
    async addRoot({ path: dir, reference }) {
      catalog().roots.add(dir, reference);
      index.invalidate();
      return listRoots();
    },
    async removeRoot({ path: dir }) {
      const c = catalog();
      if (!c.roots.remove(dir)) throw new ApiError('not-found', `${dir} is not a library folder`);
      index.invalidate();
      return listRoots();
    },

    async listFailed() {
      const roots = catalog().roots.list().map((r) => r.path);
      return [...catalog().files.withStatus('failed')]
        .filter((f) => roots.some((r) => isUnder(f.path, r)))
        .slice(0, 10_000)
        .map((f) => ({ path: f.path, error: f.error ?? 'unknown error', at: f.updatedAt }));
    },

    async getGroups({ threshold, tiers, keepRules }) {
      const result = index.report({ threshold, tiers, keepRules });
      if (!result) return { groups: [] };
      return { groups: result.report.groups.map((g) => index.toContractGroup(g, result.fileOf)) };
    },

    async resolveGroup({ keep, targets, action, dest }) {
      const { files, failed } = scannedFiles(targets);
      const planned: PlannedAction[] = [...files.values()].map((file) =>
        action === 'move' ? { kind: 'move', file, keeper: keep, destDir: dest! } : { kind: 'trash', file, keeper: keep },
      );
      const batch = newBatchId();
      const result = actionResult(batch, await runActions(planned, actionDeps(), { batch }));
      return { ...result, failed: [...failed, ...result.failed] };
    },

    async markNotDuplicate({ paths }) {
      const hashes = [...new Set(paths.map((p) => catalog().files.get(p)?.contentHash).filter((h): h is string => !!h))];
      if (hashes.length < 2) throw new ApiError('invalid-request', 'these files are byte-identical copies (or not in the catalog): they cannot be "not a duplicate"');
      const batch = newBatchId();
      const c = catalog();
      c.transaction(() => {
        for (let i = 0; i < hashes.length; i++) {
          for (let j = i + 1; j < hashes.length; j++) markNotDuplicate(hashes[i]!, hashes[j]!, { journal: c.journal, notDuplicates: c.notDuplicates }, batch);
        }
      });
      index.pairsChanged();
      return { ok: true, actionId: batch };
    },

    async undo({ actionId }) {
      const outcomes = await undoBatch(actionId);
      const restored: string[] = [];
      const failed: PathFailure[] = [];
      let batch: string | null = actionId;
      let pairs = false;
      for (const o of outcomes) {
        const entry = catalog().journal.get<{ batch?: string; path?: string }>(o.id);
        batch ??= entry?.payload.batch ?? null;
        if (o.kind === 'not-duplicate') pairs ||= o.ok;
        const file = entry?.payload.path;
        if (o.ok && file) restored.push(file);
        else if (!o.ok) failed.push({ path: file ?? `action ${o.id}`, error: o.message });
      }
      if (restored.length > 0) index.restore(restored);
      if (pairs) index.pairsChanged();
      return { actionId: batch, restored, failed };
    },

    async resolveAll({ threshold, tiers, action, dest, dryRun, keepRules }) {
      const result = index.report({ threshold, tiers: tiers ?? null, keepRules, includeSimilar: false });
      const empty = { dryRun, groups: 0, files: 0, bytes: 0, plan: [], actionId: null, failed: [] };
      if (!result) return empty;
      const mode = action === 'move' ? { kind: 'move' as const, destDir: dest! } : { kind: 'trash' as const };
      // Only what the guard checks goes in the journal, not every catalog field.
      const scanned = new Map([...result.fileOf].map(([p, f]) => [p, { path: f.path, size: f.size, mtimeMs: f.mtimeMs, contentHash: f.contentHash }]));
      const planned = planResolution(result.report, scanned, mode);
      const byKeeper = new Map<string, string[]>();
      for (const a of planned) byKeeper.set(a.keeper, [...(byKeeper.get(a.keeper) ?? []), a.file.path]);
      const plan = [...byKeeper].map(([keep, targets]) => ({ keep, targets }));
      const bytes = planned.reduce((sum, a) => sum + a.file.size, 0);
      const summary = { dryRun, groups: plan.length, files: planned.length, bytes, plan, actionId: null, failed: [] };
      if (dryRun || planned.length === 0) return summary;
      const batch = newBatchId();
      const done = actionResult(batch, await runActions(planned, actionDeps(), { batch }));
      return { ...summary, actionId: done.actionId, failed: done.failed };
    },

    async search({ path: image, top, threshold }) {
      const loaded = index.load();
      if (!loaded) throw new ApiError('unavailable', 'the library has no photos yet: add a folder and scan it first');
      const key = loaded.embeddings.modelKey;
      const known = catalog().files.get(image);
      const stored = known?.status === 'ok' && known.contentHash ? catalog().embeddings.get(known.contentHash, key) : null;
      let query: SearchQuery;
      if (known?.contentHash && stored) {
        query = { vector: stored.vector, contentHash: known.contentHash, pixelHash: known.pixelHash, path: image };
      } else {
        const engine = await deps.engine();
        if (modelKey(engine.provenance) !== key) {
          throw new ApiError('unavailable', `the library was scanned with another model (${key}): scan again with the model in use to search`);
        }
        const prepared = await engine.prepare(image).catch((err: unknown) => {
          throw new ApiError('invalid-request', `cannot read ${image}: ${errorText(err)}`);
        });
        const [vector] = await engine.runBatch([prepared.tensor]);
        query = { vector: vector!, contentHash: await hashFile(image), pixelHash: prepared.pixelHash, path: null };
      }
      const hits = searchByExample(loaded.embeddings.matrix, loaded.embeddings.rowOfHash, index.filesInLibrary(), query, { top, threshold });
      return { query: image, hits: hits.map((h) => ({ ...h, thumb: thumbUrl(h.path) })) };
    },

    async exportResults({ format, out, threshold, keepRules }) {
      const result = index.report({ threshold, tiers: null, keepRules });
      const report = result?.report ?? { threshold, groups: [] };
      await writeFile(out, format === 'csv' ? reportToCsv(report) : reportToJson(report));
      return { out, groups: report.groups.length, rows: report.groups.reduce((n, g) => n + g.members.length, 0) };
    },

    async scan(params, { signal, onProgress, pause }) {
      const engine = await deps.engine();
      try {
        const summary = await scanLibrary(
          { catalog: catalog(), engine, roots: params.roots.map((r) => r.path), exclude: params.excludeGlobs, batchSize: engine.batchSize },
          { signal, onProgress: (p) => onProgress(scanProgressView(p)), ...(pause ? { pause } : {}) },
        );
        return toScanSummary(summary);
      } finally {
        // Even a cancelled scan kept what it finished: regroup from the catalog as it now is.
        index.invalidate();
      }
    },
  };
}
