// Safe file actions on duplicates: move to the trash, move to a folder, or mark "not a duplicate". Nothing is
// deleted. Before a file is touched: it is still what the scan saw, its group's keeper is too (a group whose keeper
// was deleted, edited or unmounted is left alone: its copies may be the only ones left), and its real path is in
// no reference folder and is not the keeper's. Each action is journaled `pending` BEFORE it acts and ends `done`
// (with where the file went) or `failed` (with why), so undo works in a later session and after a crash.
import type { JournalStore } from '../catalog/journal.js';
import { isLookalikeError } from '../errors.js';
import { realPathOf } from '../scan/crawl.js';
import { isUnder } from '../similarity/keepBest.js';
import { errorText, runMove, runTrash } from './fileActions.js';
import { assertUnchanged, type HashFile, type ScannedFile } from './fileGuard.js';
import type { MoveHooks } from './moveSafely.js';
import type { TrashMode } from './trashStrategy.js';

/** Moves one path to the OS trash: the `trash` package in the CLI, `shell.trashItem` in the app. */
export type TrashFn = (path: string) => Promise<void>;

export type ActionJournal = Pick<JournalStore, 'add' | 'setState' | 'setPayload' | 'get' | 'list'>;

export type PlannedAction =
  | { kind: 'trash'; file: ScannedFile; keeper: ScannedFile }
  | { kind: 'move'; file: ScannedFile; keeper: ScannedFile; destDir: string };

interface FilePayload {
  /** Actions of one resolve run share a batch, so `undo` without an id undoes the whole run. */
  batch: string;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  keeper: string;
  /** The process that ran it (an undo elsewhere leaves an action still in flight alone). */
  pid?: number;
  host?: string;
  error?: string;
}
export interface TrashPayload extends FilePayload {
  /** Where the freedesktop trash put it (Linux), found right after trashing. */
  trashDir?: string;
  trashName?: string;
  /** Where it went in the holding folder (decided, and journaled, before the move). */
  held?: string;
}
export interface MovePayload extends FilePayload {
  dest: string;
}
export interface NotDuplicatePayload {
  batch: string;
  hashA: string;
  hashB: string;
}

export interface ActionOutcome {
  action: PlannedAction;
  status: 'done' | 'dry-run' | 'refused' | 'failed';
  journalId: number | null;
  message: string;
}

/** Test seams: crash or fault injection after each step of a file operation. */
export interface ActionHooks extends MoveHooks {
  /** After the file moved (trash, hold or move), before the journal records it done. */
  afterFileOp?(): void | Promise<void>;
}

export interface ActionDeps {
  journal: ActionJournal;
  trash: TrashFn;
  hashFile: HashFile;
  env?: NodeJS.ProcessEnv;
  /** The library's reference folders: no file whose real path lies under one is ever touched. */
  referenceRoots?: readonly string[];
  /** `auto` (default): the platform's choice (trashStrategy.ts). */
  trashMode?: TrashMode | 'auto';
  /** Folders to try first for a file's holding folder (the data folder, the file's library folder). */
  holdingBases?: (file: string) => string[];
  hooks?: ActionHooks;
}

export function newBatchId(now = Date.now()): string {
  return `${new Date(now).toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
}

function describe(a: PlannedAction): string {
  const keeping = `(keeping ${a.keeper.path})`;
  return a.kind === 'trash' ? `would trash ${a.file.path} ${keeping}` : `would move ${a.file.path} to ${a.destDir} ${keeping}`;
}

/** Why the keeper makes its group's actions unsafe, or null. Checked in full (hash) once per keeper and run. */
class KeeperChecks {
  readonly #verified = new Map<string, Promise<string | null>>();
  constructor(private readonly hashFile: HashFile) {}

  async refusal(keeper: ScannedFile): Promise<string | null> {
    let full = this.#verified.get(keeper.path);
    if (!full) {
      full = this.#check(keeper, this.hashFile);
      this.#verified.set(keeper.path, full);
      return full;
    }
    // Already hashed this run: a quick look (present, same size and mtime) before each further action.
    return (await full) ?? this.#check(keeper, null);
  }

  async #check(keeper: ScannedFile, hashFile: HashFile | null): Promise<string | null> {
    try {
      await assertUnchanged(keeper, hashFile);
      return null;
    } catch (err) {
      const why = isLookalikeError(err, 'conflict') ? errorText(err) : `${keeper.path} could not be checked (${errorText(err)})`;
      return `the kept file ${why}; its group was left alone`;
    }
  }
}

/** The real-path checks: a target reached through a link may be the keeper itself or a reference original. */
function realPathRefusal(a: PlannedAction, realReferenceRoots: readonly string[]): string | null {
  const real = realPathOf(a.file.path);
  if (real === realPathOf(a.keeper.path)) return `${a.file.path} is the kept file itself (${real}); nothing was done`;
  const root = realReferenceRoots.find((r) => isUnder(real, r));
  return root ? `${a.file.path} lies in the reference folder ${root}${real === a.file.path ? '' : ` (it is ${real})`}; reference files are never touched` : null;
}

type RunContext = { deps: ActionDeps; batch: string; dryRun: boolean; keepers: KeeperChecks; realReferenceRoots: readonly string[] };

/** One action: refused when its file, its keeper or its place is not what the plan assumed; failed on any other error. */
async function runAction(a: PlannedAction, ctx: RunContext): Promise<ActionOutcome> {
  const notDone = (status: 'refused' | 'failed', message: string): ActionOutcome => ({ action: a, status, journalId: null, message: `${status}: ${message}` });
  const placed = realPathRefusal(a, ctx.realReferenceRoots);
  if (placed) return notDone('refused', placed);
  try {
    await assertUnchanged(a.file, ctx.deps.hashFile);
  } catch (err) {
    return notDone(isLookalikeError(err, 'conflict') ? 'refused' : 'failed', errorText(err));
  }
  const keeper = await ctx.keepers.refusal(a.keeper);
  if (keeper) return notDone('refused', keeper);
  try {
    if (ctx.dryRun) return { action: a, status: 'dry-run', journalId: null, message: describe(a) };
    return a.kind === 'trash' ? await runTrash(a, ctx.deps, ctx.batch) : await runMove(a, ctx.deps, ctx.batch);
  } catch (err) {
    return notDone('failed', errorText(err));
  }
}

/** Runs actions one by one (a failure never stops the rest); `dryRun` checks files but changes nothing. */
export async function runActions(
  actions: readonly PlannedAction[],
  deps: ActionDeps,
  opts: { dryRun?: boolean; batch?: string; signal?: AbortSignal; onOutcome?: (o: ActionOutcome) => void } = {},
): Promise<ActionOutcome[]> {
  const ctx: RunContext = {
    deps,
    batch: opts.batch ?? newBatchId(),
    dryRun: opts.dryRun ?? false,
    keepers: new KeeperChecks(deps.hashFile),
    realReferenceRoots: [...new Set((deps.referenceRoots ?? []).flatMap((r) => [r, realPathOf(r)]))],
  };
  const outcomes: ActionOutcome[] = [];
  for (const a of actions) {
    if (opts.signal?.aborted) break;
    const outcome = await runAction(a, ctx);
    outcomes.push(outcome);
    opts.onOutcome?.(outcome);
  }
  return outcomes;
}

/** Remembers that two contents are different photos; journaled so `undo` can forget it again. */
export function markNotDuplicate(
  hashA: string,
  hashB: string,
  deps: { journal: ActionJournal; notDuplicates: { add(a: string, b: string): void } },
  batch = newBatchId(),
): number {
  const id = deps.journal.add<NotDuplicatePayload>('not-duplicate', { batch, hashA, hashB });
  deps.notDuplicates.add(hashA, hashB);
  deps.journal.setState(id, 'done');
  return id;
}
