// Finding and restoring items in a freedesktop.org trash (what the `trash` package and Electron's
// shell.trashItem write on Linux): each trashed file sits in `<trash>/files/<name>` with
// `<trash>/info/<name>.trashinfo` holding its original Path (URL-escaped) and DeletionDate.
// Spec: https://specifications.freedesktop.org/trash-spec/latest/
import { lstat, readdir, readFile, stat, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { moveWithoutOverwrite } from './moveSafely.js';

export interface TrashedItem {
  /** The trash folder (holding files/ and info/). */
  trashDir: string;
  /** Entry name inside files/ (info/ has `<name>.trashinfo`). */
  name: string;
  originalPath: string;
  deletionDate: string;
}

/** `$XDG_DATA_HOME/Trash`, else `$HOME/.local/share/Trash` (a relative XDG_DATA_HOME is invalid per spec). */
export function homeTrashDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  const data = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(data, 'Trash');
}

/** The top directory of the filesystem holding `p` (walk up while the device stays the same). */
export async function mountTop(p: string): Promise<string | null> {
  let dir = path.dirname(path.resolve(p));
  let dev: number;
  try {
    dev = (await stat(dir)).dev;
  } catch {
    return null;
  }
  for (;;) {
    const parent = path.dirname(dir);
    if (parent === dir) return dir;
    try {
      if ((await stat(parent)).dev !== dev) return dir;
    } catch {
      return dir;
    }
    dir = parent;
  }
}

/** Every trash a file at `originalPath` may have gone to: the home trash, then its volume's two trash forms. */
export async function candidateTrashDirs(originalPath: string, env: NodeJS.ProcessEnv = process.env): Promise<string[]> {
  const dirs = [homeTrashDir(env)];
  const top = await mountTop(originalPath);
  const uid = process.getuid?.() ?? 0;
  if (top) dirs.push(path.join(top, '.Trash', String(uid)), path.join(top, `.Trash-${uid}`));
  return [...new Set(dirs)];
}

function parseTrashInfo(text: string, trashDir: string): { originalPath: string; deletionDate: string } | null {
  const lines = text.split(/\r?\n/);
  if (lines[0]?.trim() !== '[Trash Info]') return null;
  let raw: string | null = null;
  let deletionDate = '';
  for (const line of lines.slice(1)) {
    if (line.startsWith('Path=')) raw = line.slice(5);
    else if (line.startsWith('DeletionDate=')) deletionDate = line.slice(13);
  }
  if (raw === null) return null;
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return null;
  }
  // A volume trash may store paths relative to the volume's top directory.
  const volumeTop = path.basename(trashDir).startsWith('.Trash-') ? path.dirname(trashDir) : path.dirname(path.dirname(trashDir));
  return { originalPath: path.isAbsolute(decoded) ? decoded : path.join(volumeTop, decoded), deletionDate };
}

async function readItem(trashDir: string, name: string): Promise<TrashedItem | null> {
  try {
    const info = parseTrashInfo(await readFile(path.join(trashDir, 'info', `${name}.trashinfo`), 'utf8'), trashDir);
    if (!info) return null;
    await lstat(path.join(trashDir, 'files', name));
    return { trashDir, name, ...info };
  } catch {
    return null;
  }
}

/**
 * The trashed item that came from `originalPath`: the named one when a name was recorded at trash time,
 * else the most recently deleted match (DeletionDate has one-second resolution; info mtime breaks ties).
 */
export async function findTrashed(
  originalPath: string,
  opts: { env?: NodeJS.ProcessEnv; trashDir?: string; name?: string; exclude?: ReadonlySet<string> } = {},
): Promise<TrashedItem | null> {
  const wanted = path.resolve(originalPath);
  if (opts.trashDir && opts.name) {
    const item = await readItem(opts.trashDir, opts.name);
    if (item && item.originalPath === wanted) return item;
  }
  let best: { item: TrashedItem; mtime: number } | null = null;
  for (const trashDir of await candidateTrashDirs(wanted, opts.env)) {
    let names: string[];
    try {
      names = await readdir(path.join(trashDir, 'info'));
    } catch {
      continue;
    }
    for (const file of names) {
      if (!file.endsWith('.trashinfo')) continue;
      const name = file.slice(0, -'.trashinfo'.length);
      if (opts.exclude?.has(`${trashDir}\0${name}`)) continue;
      const item = await readItem(trashDir, name);
      if (!item || item.originalPath !== wanted) continue;
      const mtime = (await stat(path.join(trashDir, 'info', file)).catch(() => null))?.mtimeMs ?? 0;
      if (!best || item.deletionDate > best.item.deletionDate || (item.deletionDate === best.item.deletionDate && mtime > best.mtime)) {
        best = { item, mtime };
      }
    }
  }
  return best?.item ?? null;
}

/** Puts the item back where it came from (never over an existing file) and drops its .trashinfo. */
export async function restoreTrashed(item: TrashedItem): Promise<void> {
  await moveWithoutOverwrite(path.join(item.trashDir, 'files', item.name), item.originalPath);
  await unlink(path.join(item.trashDir, 'info', `${item.name}.trashinfo`)).catch(() => undefined);
}
