// Moves that never overwrite and never lose the source: a hard link claims the destination atomically
// (EEXIST if taken) before the source name goes; across devices, an exclusive copy is verified first.
import { copyFile, constants, link, lstat, mkdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { LookalikeError } from '../errors.js';

/** The refusal (code `conflict`) when something already sits where the file would go. */
const destinationTaken = (to: string): LookalikeError => new LookalikeError('conflict', `${to} already exists; nothing was moved`);

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

export async function moveWithoutOverwrite(from: string, to: string): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await link(from, to);
    await unlink(from);
    return;
  } catch (err) {
    if (code(err) === 'EEXIST') throw destinationTaken(to);
    // EXDEV: another filesystem; EPERM/ENOTSUP: a filesystem without hard links (FAT, some network mounts).
    if (!['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK'].includes(code(err) ?? '')) throw err;
  }
  if (code(await lstat(to).catch((e: unknown) => e)) !== 'ENOENT') {
    throw destinationTaken(to);
  }
  try {
    await rename(from, to);
    return;
  } catch (err) {
    if (code(err) !== 'EXDEV') throw err;
  }
  await copyFile(from, to, constants.COPYFILE_EXCL);
  const [a, b] = await Promise.all([lstat(from), lstat(to)]);
  if (a.size !== b.size) {
    await unlink(to);
    throw new LookalikeError('failed', `copy of ${from} to ${to} is incomplete; the original was left in place`);
  }
  await unlink(from);
}

/** `dir/name.ext`, or `dir/name (2).ext`… when taken, so a move into a folder never collides. */
export async function freeNameIn(dir: string, fileName: string): Promise<string> {
  const ext = path.extname(fileName);
  const stem = fileName.slice(0, fileName.length - ext.length);
  for (let n = 1; n < 10_000; n++) {
    const candidate = path.join(dir, n === 1 ? fileName : `${stem} (${n})${ext}`);
    if (code(await lstat(candidate).catch((e: unknown) => e)) === 'ENOENT') return candidate;
  }
  throw new LookalikeError('conflict', `no free name for ${fileName} in ${dir}`);
}
