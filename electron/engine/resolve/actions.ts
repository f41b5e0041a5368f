// Safe file actions on duplicates: move to the OS trash, move to a folder, or mark "not a duplicate".
// Nothing is deleted. Each action re-checks its file against the scan, is written to the journal as
// `pending` BEFORE it touches anything, and ends `done` (with where the file went) or `failed` (with why),
// so undo works in a later session and a crash leaves a record of what may have happened.
import { lstat } from 'node:fs/promises';
import path from 'node:path';
import type { JournalStore } from '../catalog/journal.js';
import { isLookalikeError, LookalikeError } from '../errors.js';
import { assertUnchanged, type HashFile, type ScannedFile } from './fileGuard.js';
import { findTrashed } from './freedesktopTrash.js';
import { freeNameIn, moveWithoutOverwrite } from './moveSafely.js';

/** Moves one path to the OS trash: the `trash` package in the CLI, `shell.trashItem` in the app. */
export type TrashFn = (path: string) => Promise<void>;

export type ActionJournal = Pick<JournalStore, 'add' | 'setState' | 'setPayload' | 'get' | 'list'>;

export type PlannedAction =
  | { kind: 'trash'; file: ScannedFile; keeper: string }
  | { kind: 'move'; file: ScannedFile; keeper: string; destDir: string };

interface FilePayload {
  /** Actions of one resolve run share a batch, so `undo` without an id undoes the whole run. */
  batch: string;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
  keeper: string;
  error?: string;
}
export interface TrashPayload extends FilePayload {
  /** Where the freedesktop trash put it (Linux), found right after trashing. */
  trashDir?: string;
  trashName?: string;
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

export interface ActionDeps {
  journal: ActionJournal;
  trash: TrashFn;
  hashFile: HashFile;
  env?: NodeJS.ProcessEnv;
}

export function newBatchId(now = Date.now()): string {
  return `${new Date(now).toISOString()}-${Math.random().toString(36).slice(2, 8)}`;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function gone(p: string): Promise<boolean> {
  return lstat(p).then(
    () => false,
    (err: NodeJS.ErrnoException) => err.code === 'ENOENT',
  );
}

async function runTrash(a: Extract<PlannedAction, { kind: 'trash' }>, deps: ActionDeps, batch: string): Promise<ActionOutcome> {
  const payload: TrashPayload = { batch, ...a.file, keeper: a.keeper };
  const id = deps.journal.add('trash', payload);
  try {
    await deps.trash(a.file.path);
    if (!(await gone(a.file.path))) throw new LookalikeError('failed', 'the trash left the file in place');
    if (process.platform === 'linux') {
      const item = await findTrashed(a.file.path, { env: deps.env });
      if (item) deps.journal.setPayload<TrashPayload>(id, { ...payload, trashDir: item.trashDir, trashName: item.name });
    }
    deps.journal.setState(id, 'done');
    return { action: a, status: 'done', journalId: id, message: `trashed ${a.file.path} (kept ${a.keeper})` };
  } catch (err) {
    deps.journal.setPayload<TrashPayload>(id, { ...payload, error: errorText(err) });
    deps.journal.setState(id, 'failed');
    return { action: a, status: 'failed', journalId: id, message: `could not trash ${a.file.path}: ${errorText(err)}` };
  }
}

async function runMove(a: Extract<PlannedAction, { kind: 'move' }>, deps: ActionDeps, batch: string): Promise<ActionOutcome> {
  const dest = await freeNameIn(a.destDir, path.basename(a.file.path));
  const payload: MovePayload = { batch, ...a.file, keeper: a.keeper, dest };
  const id = deps.journal.add('move', payload);
  try {
    await moveWithoutOverwrite(a.file.path, dest);
    deps.journal.setState(id, 'done');
    return { action: a, status: 'done', journalId: id, message: `moved ${a.file.path} → ${dest} (kept ${a.keeper})` };
  } catch (err) {
    deps.journal.setPayload<MovePayload>(id, { ...payload, error: errorText(err) });
    deps.journal.setState(id, 'failed');
    return { action: a, status: 'failed', journalId: id, message: `could not move ${a.file.path}: ${errorText(err)}` };
  }
}

function describe(a: PlannedAction): string {
  return a.kind === 'trash' ? `would trash ${a.file.path} (keeping ${a.keeper})` : `would move ${a.file.path} to ${a.destDir} (keeping ${a.keeper})`;
}

/** One action: refused when the file is not what the scan saw (a `conflict`), failed on any other error. */
async function runAction(a: PlannedAction, deps: ActionDeps, batch: string, dryRun: boolean): Promise<ActionOutcome> {
  const notDone = (status: 'refused' | 'failed', err: unknown): ActionOutcome => ({ action: a, status, journalId: null, message: `${status}: ${errorText(err)}` });
  try {
    await assertUnchanged(a.file, deps.hashFile);
  } catch (err) {
    return notDone(isLookalikeError(err, 'conflict') ? 'refused' : 'failed', err);
  }
  try {
    if (dryRun) return { action: a, status: 'dry-run', journalId: null, message: describe(a) };
    return a.kind === 'trash' ? await runTrash(a, deps, batch) : await runMove(a, deps, batch);
  } catch (err) {
    return notDone('failed', err);
  }
}

/** Runs actions one by one (a failure never stops the rest); `dryRun` checks files but changes nothing. */
export async function runActions(
  actions: readonly PlannedAction[],
  deps: ActionDeps,
  opts: { dryRun?: boolean; batch?: string; signal?: AbortSignal; onOutcome?: (o: ActionOutcome) => void } = {},
): Promise<ActionOutcome[]> {
  const batch = opts.batch ?? newBatchId();
  const outcomes: ActionOutcome[] = [];
  for (const a of actions) {
    if (opts.signal?.aborted) break;
    const outcome = await runAction(a, deps, batch, opts.dryRun ?? false);
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
