// Before any file operation: is the file still exactly what the scan saw? A photo edited, replaced or
// re-synced since the scan may no longer be a duplicate of anything, so acting on it is refused.
import { lstat } from 'node:fs/promises';
import { LookalikeError } from '../errors.js';

/** What the catalog recorded for a file at scan time. */
export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
}

/** Content hash as the scanner computes it (injected: the scanner owns the algorithm). */
export type HashFile = (path: string) => Promise<string>;

/** The refusal (code `conflict`): the file on disk is no longer the one the scan saw. */
function changed(path: string, reason: string): LookalikeError {
  return new LookalikeError('conflict', `${path}: ${reason} since the scan; rescan before acting on it`);
}

/**
 * Resolves when the file is unchanged; otherwise throws a LookalikeError with code `conflict` saying what changed.
 * `hashFile: null` is the quick check (present, same size and mtime) for a file already hashed moments ago.
 */
export async function assertUnchanged(file: ScannedFile, hashFile: HashFile | null): Promise<void> {
  let st;
  try {
    st = await lstat(file.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw changed(file.path, code === 'ENOENT' ? 'it was removed' : `it cannot be read (${code ?? String(err)})`);
  }
  if (!st.isFile()) throw changed(file.path, 'it is no longer a regular file');
  if (st.size !== file.size) throw changed(file.path, `its size changed (${file.size} → ${st.size} bytes)`);
  if (st.mtimeMs !== file.mtimeMs) throw changed(file.path, 'its modification time changed');
  // Size and mtime can survive an in-place rewrite (tools that restore mtime); the hash cannot.
  if (hashFile === null) return;
  const hash = await hashFile(file.path);
  if (hash !== file.contentHash) throw changed(file.path, 'its content changed');
}
