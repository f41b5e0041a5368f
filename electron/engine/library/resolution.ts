// Safe resolution as the library offers it: one group or every group, trash or move, "not a duplicate", and
// undo by action or by batch. Every path goes through planResolution (keeper, reference and excluded files are
// never targets) and runActions (re-checked against the scan, journaled before acting). An action id is the
// journal batch it wrote, so one undo reverses one user action however many files it touched.
import type { Catalog } from '../catalog/index.js';
import { LookalikeError } from '../errors.js';
import { isUnder } from '../similarity/keepBest.js';
import { markNotDuplicate, newBatchId, runActions, type ActionOutcome, type TrashFn } from '../resolve/actions.js';
import type { HashFile, ScannedFile } from '../resolve/fileGuard.js';
import { planResolution, type ResolveMode } from '../resolve/plan.js';
import { undoAction, undoLatestBatch, type UndoOutcome } from '../resolve/undo.js';
import type { DuplicateReport, ReportMember } from '../similarity/report.js';
import type { ResolveAction, Tier } from '../../shared/values.js';
import { exclusionTest, keepPolicy } from './catalogView.js';
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
}

export interface ResolveGroupRequest {
  keep: string;
  targets: string[];
  action: ResolveAction;
  dest?: string | undefined;
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
  action === 'move' ? { kind: 'move', destDir: dest! } : { kind: 'trash' };

const outcomeView = (o: ActionOutcome): ActionOutcomeView => ({
  id: o.journalId,
  kind: o.action.kind,
  path: o.action.file.path,
  keep: o.action.keeper,
  status: o.status,
  message: o.message,
});

export class Resolution {
  constructor(private readonly deps: ResolutionDeps) {}

  /** The user's choice for one group: its keeper and targets, planned by the same rules as resolve-all. */
  async resolveGroup(req: ResolveGroupRequest): Promise<ActionResult> {
    const { files, failed } = this.#scanned([req.keep, ...req.targets]);
    if (!files.has(req.keep)) throw new LookalikeError('conflict', `the kept file ${req.keep} is not in the library catalog (scan its folder first)`);
    const report = this.#reportOf(req.keep, req.targets.filter((t) => files.has(t)));
    const planned = planResolution(report, files, modeOf(req.action, req.dest));
    const batch = newBatchId();
    const result = this.#result(batch, await runActions(planned, this.#actionDeps(), { batch }));
    return { ...result, failed: [...failed, ...result.failed] };
  }

  async resolveAll(req: ResolveAllRequest): Promise<ResolveAllSummary> {
    const grouped = this.deps.index.report({ threshold: req.threshold, tiers: req.tiers ?? null, includeSimilar: false });
    const empty: ResolveAllSummary = { dryRun: req.dryRun, groups: 0, files: 0, bytes: 0, plan: [], actionId: null, failed: [], actions: [] };
    if (!grouped) return empty;
    const planned = planResolution(grouped.report, grouped.fileOf, modeOf(req.action, req.dest));
    const byKeeper = new Map<string, string[]>();
    for (const a of planned) byKeeper.set(a.keeper, [...(byKeeper.get(a.keeper) ?? []), a.file.path]);
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

  /** A one-group report of the user's choice, flagged by the same policy as the grouper's (reference, excluded). */
  #reportOf(keep: string, targets: readonly string[]): DuplicateReport {
    const settings = this.deps.settings();
    const { referenceRoots } = keepPolicy(this.deps.catalog(), settings);
    const isExcluded = exclusionTest(settings.excludeGlobs);
    const member = (p: string, isKeeper: boolean): ReportMember => ({
      path: p, tier: 'near-duplicate', match: 'near-duplicate', score: 0, reasons: [],
      isKeeper, isReference: referenceRoots.some((r) => isUnder(p, r)), isExcluded: !isKeeper && isExcluded(p),
    });
    return { threshold: 0, groups: [{ tier: 'near-duplicate', keep, members: [member(keep, true), ...targets.map((t) => member(t, false))] }] };
  }

  #scanned(paths: readonly string[]): { files: Map<string, ScannedFile>; failed: PathFailure[] } {
    const files = new Map<string, ScannedFile>();
    const failed: PathFailure[] = [];
    for (const p of paths) {
      const r = this.deps.catalog().files.get(p);
      if (!r || r.status !== 'ok' || !r.contentHash) failed.push({ path: p, error: 'not in the library catalog (scan its folder first)' });
      else files.set(p, { path: r.path, size: r.size, mtimeMs: r.mtimeMs, contentHash: r.contentHash });
    }
    return { files, failed: failed.filter((f) => f.path !== paths[0]) };
  }

  /** Outcomes → the contract's result; files that left their folder leave the groups too. */
  #result(batch: string, outcomes: readonly ActionOutcome[]): ActionResult {
    const done = outcomes.filter((o) => o.status === 'done').map((o) => o.action.file.path);
    const failed = outcomes.filter((o) => o.status === 'refused' || o.status === 'failed').map((o) => ({ path: o.action.file.path, error: o.message }));
    if (done.length > 0) this.deps.index.remove(done);
    return { actionId: done.length > 0 ? batch : null, done, failed };
  }

  #actionDeps() {
    return { journal: this.deps.catalog().journal, trash: this.deps.trash, hashFile: this.deps.hashFile, env: this.deps.env };
  }

  #undoDeps() {
    const c = this.deps.catalog();
    return { journal: c.journal, notDuplicates: c.notDuplicates, env: this.deps.env };
  }
}
