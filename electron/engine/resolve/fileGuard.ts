// Before any file operation: is the file still exactly what the scan saw? A photo edited, replaced or
// re-synced since the scan may no longer be a duplicate of anything, so acting on it is refused.
import { lstat } from 'node:fs/promises';

/** What the catalog recorded for a file at scan time. */
export interface ScannedFile {
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string;
}

/** Content hash as the scanner computes it (injected: the scanner owns the algorithm). */
export type HashFile = (path: string) => Promise<string>;

export class FileChangedError extends Error {
  override name = 'FileChangedError';
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path}: ${reason} since the scan; rescan before acting on it`);
  }
}

/** Resolves when the file is unchanged; throws FileChangedError otherwise. */
export async function assertUnchanged(file: ScannedFile, hashFile: HashFile): Promise<void> {
  let st;
  try {
    st = await lstat(file.path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FileChangedError(file.path, code === 'ENOENT' ? 'it was removed' : `it cannot be read (${code ?? String(err)})`);
  }
  if (!st.isFile()) throw new FileChangedError(file.path, 'it is no longer a regular file');
  if (st.size !== file.size) throw new FileChangedError(file.path, `its size changed (${file.size} → ${st.size} bytes)`);
  if (st.mtimeMs !== file.mtimeMs) throw new FileChangedError(file.path, 'its modification time changed');
  // Size and mtime can survive an in-place rewrite (tools that restore mtime); the hash cannot.
  const hash = await hashFile(file.path);
  if (hash !== file.contentHash) throw new FileChangedError(file.path, 'its content changed');
}
