// Undo from the journal, in this session or a later one: trashed files come back from the freedesktop trash or
// the holding folder, moved files move back, "not a duplicate" marks are forgotten. Never over a file that now
// sits in the way. An entry a crash left `pending` is settled by where the file actually is (putBack.ts), so an
// interrupted action never blocks undo; only one still running in another live process is left alone.
import os from 'node:os';
import path from 'node:path';
import { lstat, unlink } from 'node:fs/promises';
import type { JournalEntry } from '../catalog/journal.js';
import { LookalikeError } from '../errors.js';
import type { ActionJournal, MovePayload, NotDuplicatePayload, TrashPayload } from './actions.js';
import { findTrashed } from './freedesktopTrash.js';
import { putBack } from './putBack.js';
import { pruneHeldFolders } from './trashStrategy.js';

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

/** A pending entry this old is a crash's leftover whatever its pid says (pids are reused). */
const IN_FLIGHT_MS = 60 * 60 * 1000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** A pending action another process on this machine is still carrying out. */
function inFlightElsewhere(entry: JournalEntry, now = Date.now()): boolean {
  const p = entry.payload as { pid?: number; host?: string };
  if (entry.state !== 'pending' || p.pid === undefined || p.pid === process.pid || p.host !== os.hostname()) return false;
  return now - entry.updatedAt < IN_FLIGHT_MS && alive(p.pid);
}

async function undoTrash(entry: JournalEntry, deps: UndoDeps): Promise<string> {
  const p = entry.payload as TrashPayload;
  const interrupted = entry.state === 'pending';
  if (p.held) {
    const message = await putBack({ original: p.path, moved: p.held, interrupted, backMessage: `restored ${p.path} from ${p.held}` });
    await pruneHeldFolders(p.held);
    return message;
  }
  const item = await findTrashed(p.path, { env: deps.env, trashDir: p.trashDir, name: p.trashName });
  if (!item) {
    // A pending entry whose file never left: the action did not happen.
    if (interrupted && (await exists(p.path))) return `${p.path} was never trashed`;
    throw new LookalikeError('not-found', `${p.path} is not in the trash any more (emptied, or restored by hand?)`);
  }
  const moved = path.join(item.trashDir, 'files', item.name);
  const message = await putBack({ original: p.path, moved, interrupted, backMessage: `restored ${p.path} from the trash` });
  await unlink(path.join(item.trashDir, 'info', `${item.name}.trashinfo`)).catch(() => undefined);
  return message;
}

async function undoEntry(entry: JournalEntry, deps: UndoDeps): Promise<string> {
  switch (entry.kind) {
    case 'trash':
      return undoTrash(entry, deps);
    case 'move': {
      const p = entry.payload as MovePayload;
      return putBack({ original: p.path, moved: p.dest, interrupted: entry.state === 'pending', backMessage: `moved ${p.dest} back to ${p.path}` });
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
  if (inFlightElsewhere(entry)) {
    const pid = (entry.payload as { pid: number }).pid;
    return { id, kind: entry.kind, ok: false, message: `journal entry ${id} is still being carried out by process ${pid}; undo it once that finishes` };
  }
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
