// One trash or move and its journal entry: `pending`, with everything undo needs to find the file (where it will
// go, when that is known in advance), BEFORE the file is touched; `done` after. The file operation and the
// bookkeeping stand apart: once the file has moved, a journal error (a busy or full database) never turns the
// action into a failure. The write is retried, and if it still fails the entry stays `pending` with where the file
// went, which undo treats like any interrupted action.
import { lstat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { JournalState } from '../catalog/journal.js';
import { LookalikeError } from '../errors.js';
import type { ActionDeps, ActionOutcome, MovePayload, PlannedAction, TrashPayload } from './actions.js';
import { findTrashed } from './freedesktopTrash.js';
import { freeNameIn, moveWithoutOverwrite, type MoveOptions } from './moveSafely.js';
import { holdingPathFor, trashModeFor } from './trashStrategy.js';

type TrashAction = Extract<PlannedAction, { kind: 'trash' }>;
type MoveAction = Extract<PlannedAction, { kind: 'move' }>;
type Payload = TrashPayload | MovePayload;

export const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

const present = (p: string): Promise<boolean> =>
  lstat(p).then(
    () => true,
    (err: NodeJS.ErrnoException) => err.code !== 'ENOENT',
  );

/** Who runs the action, so an undo in another process can tell an action in flight from one a crash stopped. */
const owner = (): { pid: number; host: string } => ({ pid: process.pid, host: os.hostname() });

/** Waits between journal retries (ms), after SQLite's own busy timeout has already run out once. */
const RETRY_MS = [50, 250, 1000];

/** Writes the entry's payload and state; returns why it could not, after the retries, or null. */
async function record(deps: ActionDeps, id: number, payload: Payload, state: JournalState): Promise<string | null> {
  let last: unknown = null;
  for (let attempt = 0; attempt <= RETRY_MS.length; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, RETRY_MS[attempt - 1]));
    try {
      deps.journal.setPayload(id, payload);
      deps.journal.setState(id, state);
      return null;
    } catch (err) {
      last = err;
    }
  }
  return errorText(last);
}

const moveOptions = (a: PlannedAction, deps: ActionDeps): MoveOptions => ({
  contentHash: a.file.contentHash,
  hashFile: deps.hashFile,
  ...(deps.hooks ? { hooks: deps.hooks } : {}),
});

interface Journaled {
  kind: 'trash' | 'move';
  payload: Payload;
  /**
   * Moves the file; `journal` records a change of plan (where the file will go) before it is carried out. What it
   * returns (where the file went, found afterwards) is written with `done`.
   */
  run(journal: (p: Payload) => void): Promise<Payload | void>;
  /** After an error: where the file went, if it left its folder all the same (null: unknown). */
  whereAfterError(payload: Payload): Promise<string | null>;
  done(payload: Payload): string;
}

/** Journal, act, record: the shape every file action shares. */
async function journaled(a: PlannedAction, deps: ActionDeps, op: Journaled): Promise<ActionOutcome> {
  const id = deps.journal.add(op.kind, op.payload);
  const outcome = (status: ActionOutcome['status'], message: string): ActionOutcome => ({ action: a, status, journalId: id, message });
  let payload = op.payload;
  const journal = (p: Payload): void => {
    deps.journal.setPayload(id, p);
    payload = p;
  };
  try {
    payload = (await op.run(journal)) ?? payload;
  } catch (err) {
    const failure = { ...payload, error: errorText(err) };
    if (!(await present(a.file.path))) {
      const where = await op.whereAfterError(payload);
      if (where === null) {
        // Left in `pending`, so undo still looks for it.
        await record(deps, id, failure, 'pending');
        return outcome('failed', `${a.file.path} left its folder but the ${op.kind} reported: ${errorText(err)}; journal entry ${id} stays open for undo`);
      }
    } else {
      await record(deps, id, failure, 'failed');
      return outcome('failed', `could not ${op.kind} ${a.file.path}: ${errorText(err)}`);
    }
  }
  await deps.hooks?.afterFileOp?.();
  const journalError = await record(deps, id, payload, 'done');
  const note = journalError === null ? '' : `; the journal could not record it (${journalError}), so entry ${id} stays pending and undo still finds the file`;
  return outcome('done', op.done(payload) + note);
}

/** Trash through the system (when it can be undone), else into the volume's holding folder. */
export async function runTrash(a: TrashAction, deps: ActionDeps, batch: string): Promise<ActionOutcome> {
  const mode = trashModeFor(process.platform, deps.trashMode ?? 'auto');
  const hold = () => holdingPathFor(a.file.path, batch, deps.holdingBases?.(a.file.path) ?? []);
  const base: TrashPayload = { batch, ...a.file, keeper: a.keeper.path, ...owner() };
  const payload: TrashPayload = mode === 'holding' ? { ...base, held: await hold() } : base;
  return journaled(a, deps, {
    kind: 'trash',
    payload,
    run: async (journal) => {
      if (payload.held) await moveWithoutOverwrite(a.file.path, payload.held, moveOptions(a, deps));
      else return trashBySystem(a, deps, payload, journal, hold);
    },
    whereAfterError: async (p) => {
      const held = (p as TrashPayload).held;
      if (held) return (await present(held)) ? held : null;
      return (await findTrashed(a.file.path, { env: deps.env }))?.trashDir ?? null;
    },
    done: (p) => {
      const held = (p as TrashPayload).held;
      return held ? `trashed ${a.file.path} into the holding folder ${held} (kept ${a.keeper.path})` : `trashed ${a.file.path} (kept ${a.keeper.path})`;
    },
  });
}

/** The OS trash; on Linux a volume whose trash fails (none, read-only, no permission) falls back to holding. */
async function trashBySystem(
  a: TrashAction,
  deps: ActionDeps,
  payload: TrashPayload,
  journal: (p: TrashPayload) => void,
  hold: () => Promise<string>,
): Promise<TrashPayload | void> {
  try {
    await deps.trash(a.file.path);
  } catch (err) {
    if (process.platform !== 'linux' || !(await present(a.file.path))) throw err;
    const held = await hold();
    journal({ ...payload, held });
    await moveWithoutOverwrite(a.file.path, held, moveOptions(a, deps));
    return;
  }
  if (await present(a.file.path)) throw new LookalikeError('failed', 'the trash left the file in place');
  if (process.platform !== 'linux') return;
  const item = await findTrashed(a.file.path, { env: deps.env });
  if (item) return { ...payload, trashDir: item.trashDir, trashName: item.name };
}

export async function runMove(a: MoveAction, deps: ActionDeps, batch: string): Promise<ActionOutcome> {
  const dest = await freeNameIn(a.destDir, path.basename(a.file.path));
  const payload: MovePayload = { batch, ...a.file, keeper: a.keeper.path, dest, ...owner() };
  return journaled(a, deps, {
    kind: 'move',
    payload,
    run: () => moveWithoutOverwrite(a.file.path, dest, moveOptions(a, deps)),
    whereAfterError: async () => ((await present(dest)) ? dest : null),
    done: () => `moved ${a.file.path} → ${dest} (kept ${a.keeper.path})`,
  });
}
