// Safe resolution as the library offers it: one group or every group, trash or move, "not a duplicate", and
// undo by action or by batch. Every path goes through planResolution (keeper, reference and excluded files are
// never targets) and runActions (file and keeper re-checked against the scan, real paths checked against the
// reference folders, journaled before acting). A user's choice for one group must be one current group: keep and
// targets grouped together at the threshold the request names, else the one the caller last grouped at, else
// the settings'. An action id is the journal batch it wrote, so one undo reverses one user action.
import type { Catalog } from '../catalog/index.js';
import { LookalikeError } from '../errors.js';
import { realPathOf } from '../scan/crawl.js';
import { markNotDuplicate, newBatchId, runActions, type ActionDeps, type ActionOutcome, type TrashFn } from '../resolve/actions.js';
import type { HashFile, ScannedFile } from '../resolve/fileGuard.js';
import { planResolution, type ResolveMode } from '../resolve/plan.js';
import { requestedTrashMode } from '../resolve/trashStrategy.js';
import { undoAction, undoLatestBatch, type UndoOutcome } from '../resolve/undo.js';
import { isUnder } from '../similarity/keepBest.js';
import type { DuplicateReport } from '../similarity/report.js';
import type { ResolveAction, Tier } from '../../shared/values.js';
import { keepPolicy } from './catalogView.js';
import type { GroupIndex } from './groupIndex.js';
import type { Settings } from './settings.js';
import type { ActionOutcomeView, ActionResult, NotDuplicateResult, PathFailure, ResolveAllSummary, UndoResult } from './types.js';

export interface ResolutionDeps {
  catalog(): Catalog;
  settings(): Settings;
  index: GroupIndex;
  trash: TrashFn;
  hashFile: HashFile;
  env: NodeJS.ProcessEnv;
  /** The data folder: first choice for a holding folder, where the file is on its volume. */
  dataDir: string;
}

export interface ResolveGroupRequest {
  keep: string;
  targets: string[];
  action: ResolveAction;
  dest?: string | undefined;
  /** The threshold the caller grouped at; absent: the last one it grouped at, else settings.threshold. */
  threshold?: number | undefined;
}

export interface ResolveAllRequest {
  threshold: number;
  tiers?: Tier[] | undefined;
  action: ResolveAction;
  dest?: string | undefined;
  dryRun: boolean;
  signal?: AbortSignal;
}

const UNDOABLE = new Set(['trash', 'move', 'not-duplicate']);
const modeOf = (action: ResolveAction, dest: string | undefined): ResolveMode =>
  action === 'move' ? { kind: 'move', destDir: realPathOf(dest!) } : { kind: 'trash' };

const outcomeView = (o: ActionOutcome): ActionOutcomeView => ({
  id: o.journalId,
  kind: o.action.kind,
  path: o.action.file.path,
  keep: o.action.keeper.path,
  status: o.status,
  message: o.message,
});

export class Resolution {
  constructor(private readonly deps: ResolutionDeps) {}

  /** The user's choice for one group: its keeper and targets, planned by the same rules as resolve-all. */
  async resolveGroup(req: ResolveGroupRequest): Promise<ActionResult> {
    const { report, files } = this.#currentGroup(req);
    const planned = planResolution(report, files, modeOf(req.action, req.dest));
    const batch = newBatchId();
    const result = this.#result(batch, await runActions(planned, this.#actionDeps(), { batch }));
    const left = req.targets.filter((t) => !planned.some((a) => a.file.path === t));
    const leftAlone = left.map((path) => ({ path, error: 'left alone: in a reference folder, excluded, one of a RAW+JPEG pair, or already in the destination' }));
    return { ...result, failed: [...leftAlone, ...result.failed] };
  }

  async resolveAll(req: ResolveAllRequest): Promise<ResolveAllSummary> {
    const grouped = this.deps.index.report({ threshold: req.threshold, tiers: req.tiers ?? null, includeSimilar: false });
    const empty: ResolveAllSummary = { dryRun: req.dryRun, groups: 0, files: 0, bytes: 0, plan: [], actionId: null, failed: [], actions: [] };
    if (!grouped) return empty;
    const planned = planResolution(grouped.report, grouped.fileOf, modeOf(req.action, req.dest));
    const byKeeper = new Map<string, string[]>();
    for (const a of planned) byKeeper.set(a.keeper.path, [...(byKeeper.get(a.keeper.path) ?? []), a.file.path]);
    const summary: ResolveAllSummary = {
      ...empty,
      groups: byKeeper.size,
      files: planned.length,
      bytes: planned.reduce((sum, a) => sum + a.file.size, 0),
      plan: [...byKeeper].map(([keep, targets]) => ({ keep, targets })),
    };
    if (planned.length === 0) return summary;
    const batch = newBatchId();
    const outcomes = await runActions(planned, this.#actionDeps(), { batch, dryRun: req.dryRun, ...(req.signal ? { signal: req.signal } : {}) });
    const done = this.#result(batch, outcomes);
    return { ...summary, actionId: done.actionId, failed: done.failed, actions: outcomes.map(outcomeView) };
  }

  markNotDuplicate(paths: readonly string[]): NotDuplicateResult {
    const c = this.deps.catalog();
    const hashes = [...new Set(paths.map((p) => c.files.get(p)?.contentHash).filter((h): h is string => !!h))];
    if (hashes.length < 2) throw new LookalikeError('invalid-request', 'these files are byte-identical copies (or not in the catalog): they cannot be "not a duplicate"');
    const batch = newBatchId();
    c.transaction(() => {
      for (let i = 0; i < hashes.length; i++) {
        for (let j = i + 1; j < hashes.length; j++) markNotDuplicate(hashes[i]!, hashes[j]!, { journal: c.journal, notDuplicates: c.notDuplicates }, batch);
      }
    });
    this.deps.index.regroup();
    return { ok: true, actionId: batch };
  }

  /** Undo one batch (an action id; null = the latest resolve run) or one journal entry by its number. */
  async undo(target: { actionId?: string | null; entry?: number }): Promise<UndoResult & { outcomes: UndoOutcome[] }> {
    const outcomes = target.entry !== undefined ? [await undoAction(target.entry, this.#undoDeps())] : await this.#undoBatch(target.actionId ?? null);
    const restored: string[] = [];
    const failed: PathFailure[] = [];
    let batch: string | null = target.actionId ?? null;
    let pairs = false;
    for (const o of outcomes) {
      const entry = this.deps.catalog().journal.get<{ batch?: string; path?: string }>(o.id);
      batch ??= entry?.payload.batch ?? null;
      if (o.kind === 'not-duplicate') pairs ||= o.ok;
      const file = entry?.payload.path;
      if (o.ok && file) restored.push(file);
      else if (!o.ok) failed.push({ path: file ?? `action ${o.id}`, error: o.message });
    }
    if (restored.length > 0) this.deps.index.restore(restored);
    if (pairs) this.deps.index.regroup();
    return { actionId: batch, restored, failed, outcomes };
  }

  async #undoBatch(actionId: string | null): Promise<UndoOutcome[]> {
    if (actionId === null) return undoLatestBatch(this.#undoDeps());
    const entries = this.deps
      .catalog()
      .journal.list<{ batch?: string }>({ limit: 100_000 })
      .filter((e) => e.payload.batch === actionId && UNDOABLE.has(e.kind) && (e.state === 'done' || e.state === 'pending'));
    if (entries.length === 0) throw new LookalikeError('not-found', `nothing to undo for action ${actionId} (already undone?)`);
    const out: UndoOutcome[] = [];
    for (const e of entries) out.push(await undoAction(e.id, this.#undoDeps()));
    return out;
  }

  /**
   * The user's choice as a one-group report: keep and targets must be members of one group as the library groups
   * now, and keep that group's reference and exclusion flags. Anything else (a stale view, a forged request) is
   * refused before a file is touched.
   */
  #currentGroup(req: ResolveGroupRequest): { report: DuplicateReport; files: ReadonlyMap<string, ScannedFile> } {
    const threshold = req.threshold ?? this.deps.index.lastThreshold ?? this.deps.settings().threshold;
    const found = this.deps.index.groupOf(req.keep, threshold);
    const group = found?.group;
    if (!found || !group) {
      throw new LookalikeError('conflict', `${req.keep} is in no duplicate group at threshold ${threshold} (rescan or regroup, then choose again); nothing was done`);
    }
    const outside = req.targets.filter((t) => t === req.keep || !group.members.some((m) => m.path === t));
    if (outside.length > 0) {
      throw new LookalikeError('conflict', `not in the group of ${req.keep} at threshold ${threshold}: ${outside.join(', ')}; nothing was done`);
    }
    const chosen = new Set([req.keep, ...req.targets]);
    // The user's choice of a similar-band group is deliberate: it is planned like any duplicate group.
    const members = group.members.filter((m) => chosen.has(m.path)).map((m) => ({ ...m, isKeeper: m.path === req.keep }));
    const pairRule = group.pairRule ?? 'keep-both';
    return { report: { threshold, groups: [{ tier: 'near-duplicate', keep: req.keep, pairRule, members }] }, files: found.fileOf };
  }

  /** Outcomes → the contract's result; files that left their folder leave the groups too. */
  #result(batch: string, outcomes: readonly ActionOutcome[]): ActionResult {
    const done = outcomes.filter((o) => o.status === 'done').map((o) => o.action.file.path);
    const failed = outcomes.filter((o) => o.status === 'refused' || o.status === 'failed').map((o) => ({ path: o.action.file.path, error: o.message }));
    if (done.length > 0) this.deps.index.remove(done);
    return { actionId: done.length > 0 ? batch : null, done, failed };
  }

  #actionDeps(): ActionDeps {
    const catalog = this.deps.catalog();
    const roots = catalog.roots.list().map((r) => r.path);
    return {
      journal: catalog.journal,
      trash: this.deps.trash,
      hashFile: this.deps.hashFile,
      env: this.deps.env,
      referenceRoots: keepPolicy(catalog, this.deps.settings()).referenceRoots,
      trashMode: requestedTrashMode(this.deps.env),
      // The data folder, then the file's library folder: a holding folder outside the photos where possible.
      holdingBases: (file) => [this.deps.dataDir, ...roots.filter((r) => isUnder(file, r))],
    };
  }

  #undoDeps() {
    const c = this.deps.catalog();
    return { journal: c.journal, notDuplicates: c.notDuplicates, env: this.deps.env };
  }
}
