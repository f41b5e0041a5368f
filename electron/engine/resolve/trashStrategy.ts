// Which trash a resolve uses, chosen per platform and volume. Undo must find every file again. The freedesktop
// trash (Linux) records each item's original path in a .trashinfo that undo reads back. The macOS Trash and the
// Windows Recycle Bin give no reliable way back, and on Windows the `trash` package deletes outright on a volume
// without a Recycle Bin; there, and on a Linux volume whose trash cannot be used, a "trashed" file moves into a
// holding folder on its own volume (a rename, never a copy), journaled, and stays there until the user empties
// it. Nothing is deleted.
import { mkdir, rmdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { LookalikeError } from '../errors.js';
import { mountTop } from './freedesktopTrash.js';

export type TrashMode = 'system' | 'holding';

/** `LOOKALIKE_TRASH=holding` (or `system`, `auto`): the trash to use, for tests and for users who want the folder. */
export const TRASH_ENV = 'LOOKALIKE_TRASH';

export const HOLDING_FOLDER = '.lookalike-trash';

export function requestedTrashMode(env: NodeJS.ProcessEnv): TrashMode | 'auto' {
  const value = env[TRASH_ENV]?.trim() || 'auto';
  if (value === 'auto' || value === 'system' || value === 'holding') return value;
  throw new LookalikeError('invalid-request', `${TRASH_ENV} must be auto, system or holding, got "${value}"`);
}

/** The platform's choice; only the freedesktop trash can be undone reliably, and Windows never uses its bin. */
export function trashModeFor(platform: NodeJS.Platform, requested: TrashMode | 'auto' = 'auto'): TrashMode {
  if (platform === 'win32') return 'holding';
  if (requested !== 'auto') return requested;
  return platform === 'linux' ? 'system' : 'holding';
}

/** A batch id as a folder name (its ISO time has colons, which Windows forbids in names). */
const batchFolder = (batch: string): string => batch.replace(/[<>:"/\\|?*]/g, '-');

/**
 * The original absolute path as a path under the batch folder, so the holding folder shows where each file came
 * from: `/a/b.jpg` → `a/b.jpg`, `C:\a\b.jpg` → `C\a\b.jpg`, `\\srv\share\b.jpg` → `UNC\srv\share\b.jpg`.
 */
export function heldRelative(file: string, p: path.PlatformPath = path): string {
  const abs = p.resolve(file);
  const root = p.parse(abs).root;
  const rest = abs.slice(root.length);
  const drive = /^([A-Za-z]):/.exec(root)?.[1];
  if (drive) return p.join(drive.toUpperCase(), rest);
  if (root.length > 1) return p.join('UNC', ...root.split(/[\\/]+/).filter(Boolean), rest);
  return rest;
}

/**
 * Where `file` goes on hold: `<base>/.lookalike-trash/<batch>/<its path>` under the first of `bases`, then its
 * volume's top folder, then its own folder, that is on the file's device and where the folder can be made.
 */
export async function holdingPathFor(file: string, batch: string, bases: readonly string[]): Promise<string> {
  const dev = (await stat(path.dirname(file))).dev;
  const top = await mountTop(file);
  for (const base of [...bases, ...(top ? [top] : []), path.dirname(file)]) {
    const st = await stat(base).catch(() => null);
    if (!st?.isDirectory() || st.dev !== dev) continue;
    const dir = path.join(base, HOLDING_FOLDER);
    if (await mkdir(dir, { recursive: true }).then(() => true, () => false)) return path.join(dir, batchFolder(batch), heldRelative(file));
  }
  throw new LookalikeError('failed', `no folder on the volume of ${file} can hold it for undo; nothing was moved`);
}

/** After a held file went back: its now empty folders inside the holding folder go too (never the folder itself). */
export async function pruneHeldFolders(held: string): Promise<void> {
  const parts = held.split(path.sep);
  const at = parts.lastIndexOf(HOLDING_FOLDER);
  if (at < 0) return;
  const stop = parts.slice(0, at + 1).join(path.sep);
  for (let dir = path.dirname(held); dir.length > stop.length && dir.startsWith(stop); dir = path.dirname(dir)) {
    if (!(await rmdir(dir).then(() => true, () => false))) return;
  }
}
