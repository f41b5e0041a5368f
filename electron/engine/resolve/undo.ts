// Undo from the journal, in this session or a later one: trashed files come back from the freedesktop trash,
// moved files move back, "not a duplicate" marks are forgotten. Never over a file that now sits in the way.
import { lstat } from 'node:fs/promises';
import type { JournalEntry } from '../catalog/journal.js';
import { LookalikeError } from '../errors.js';
import type { ActionJournal, MovePayload, NotDuplicatePayload, TrashPayload } from './actions.js';
import { findTrashed, restoreTrashed } from './freedesktopTrash.js';
import { moveWithoutOverwrite } from './moveSafely.js';

export interface UndoDeps {
  journal: ActionJournal;
  notDuplicates: { remove(a: string, b: string): boolean };
  env?: NodeJS.ProcessEnv;
}

export interface UndoOutcome {
  id: number;
  kind: string;
  ok: boolean;
  message: string;
}

const UNDOABLE = new Set(['trash', 'move', 'not-duplicate']);

const exists = (p: string): Promise<boolean> => lstat(p).then(() => true, () => false);

async function undoEntry(entry: JournalEntry, deps: UndoDeps): Promise<string> {
  switch (entry.kind) {
    case 'trash': {
      const p = entry.payload as TrashPayload;
      const item = await findTrashed(p.path, { env: deps.env, trashDir: p.trashDir, name: p.trashName });
      if (!item) {
        // A pending entry whose file never left: the action did not happen.
        if (entry.state === 'pending' && (await exists(p.path))) return `${p.path} was never trashed`;
        throw new LookalikeError('not-found', `${p.path} is not in the trash any more (emptied, or restored by hand?)`);
      }
      await restoreTrashed(item);
      return `restored ${p.path} from the trash`;
    }
    case 'move': {
      const p = entry.payload as MovePayload;
      if (!(await exists(p.dest))) {
        if (entry.state === 'pending' && (await exists(p.path))) return `${p.path} was never moved`;
        throw new LookalikeError('not-found', `${p.dest} is gone; cannot move it back to ${p.path}`);
      }
      await moveWithoutOverwrite(p.dest, p.path);
      return `moved ${p.dest} back to ${p.path}`;
    }
    case 'not-duplicate': {
      const p = entry.payload as NotDuplicatePayload;
      deps.notDuplicates.remove(p.hashA, p.hashB);
      return 'forgot the "not a duplicate" mark';
    }
    default:
      throw new LookalikeError('conflict', `journal entry ${entry.id} (${entry.kind}) cannot be undone`);
  }
}

export async function undoAction(id: number, deps: UndoDeps): Promise<UndoOutcome> {
  const entry = deps.journal.get(id);
  if (!entry) throw new LookalikeError('not-found', `no journal entry ${id}`);
  // The entry exists, but its kind or state rules an undo out.
  if (!UNDOABLE.has(entry.kind)) throw new LookalikeError('conflict', `journal entry ${id} (${entry.kind}) cannot be undone`);
  if (entry.state === 'undone') throw new LookalikeError('conflict', `journal entry ${id} was already undone`);
  if (entry.state === 'failed') throw new LookalikeError('conflict', `journal entry ${id} failed, so there is nothing to undo`);
  try {
    const message = await undoEntry(entry, deps);
    deps.journal.setState(id, 'undone');
    return { id, kind: entry.kind, ok: true, message };
  } catch (err) {
    return { id, kind: entry.kind, ok: false, message: (err as Error).message };
  }
}

/** Undoes every done (or interrupted) action of the most recent batch, newest first. */
export async function undoLatestBatch(deps: UndoDeps): Promise<UndoOutcome[]> {
  const candidates = deps.journal
    .list<{ batch?: string }>({ limit: 10_000 })
    .filter((e) => UNDOABLE.has(e.kind) && (e.state === 'done' || e.state === 'pending'));
  const batch = candidates[0]?.payload.batch;
  if (batch === undefined) throw new LookalikeError('not-found', 'nothing to undo');
  const out: UndoOutcome[] = [];
  for (const e of candidates.filter((c) => c.payload.batch === batch)) out.push(await undoAction(e.id, deps));
  return out;
}
