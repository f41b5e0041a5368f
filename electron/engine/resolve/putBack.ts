// Putting a moved file back (undo of a move, of a hold, of a freedesktop trash), including after a crash in the
// middle of the move: the source then still exists beside an extra hard link to it or a partial copy of it.
// Neither holds anything the source does not, so the extra one is removed and the source stays; two different
// files are never resolved by guessing: the answer says where each one is.
import { lstat, open, unlink, type FileHandle } from 'node:fs/promises';
import { LookalikeError } from '../errors.js';
import { moveWithoutOverwrite } from './moveSafely.js';

export interface PutBackRequest {
  /** Where the file lived. */
  original: string;
  /** Where the action put it (the move's destination, the holding folder, the trash's files/ entry). */
  moved: string;
  /** The journal entry never reached `done`: the action may have stopped halfway. */
  interrupted: boolean;
  /** What to say when the file went back. */
  backMessage: string;
}

const stat = (p: string) => lstat(p).catch(() => null);

export async function putBack(req: PutBackRequest): Promise<string> {
  const [original, moved] = await Promise.all([stat(req.original), stat(req.moved)]);
  if (!moved) {
    if (original && req.interrupted) return `${req.original} never left its folder`;
    throw new LookalikeError('not-found', `${req.moved} is gone; cannot put it back at ${req.original}`);
  }
  if (!original) {
    await moveWithoutOverwrite(req.moved, req.original);
    return req.backMessage;
  }
  if (original.dev === moved.dev && original.ino === moved.ino) {
    // One file under two names: the move stopped after its hard link. Dropping the second name loses nothing.
    await unlink(req.moved);
    return `${req.original} is in place (the move had stopped halfway; removed its second name ${req.moved})`;
  }
  if (await isCopyOf(req.moved, req.original, req.interrupted)) {
    await unlink(req.moved);
    return `${req.original} is in place (removed the ${req.interrupted ? 'unfinished ' : ''}copy ${req.moved})`;
  }
  throw new LookalikeError('conflict', `${req.original} already exists and is another file; the moved one is still at ${req.moved}`);
}

const CHUNK = 1 << 20;

/**
 * True when `copy` holds the same bytes as `original` (or, for an interrupted copy, the first bytes of it): a copy
 * that adds nothing. Compared byte for byte, not by hash, so it needs no catalog.
 */
async function isCopyOf(copy: string, original: string, prefixAllowed: boolean): Promise<boolean> {
  const [c, o] = await Promise.all([lstat(copy), lstat(original)]);
  if (!c.isFile() || !o.isFile() || c.size > o.size || (!prefixAllowed && c.size !== o.size)) return false;
  const [a, b] = await Promise.all([open(copy, 'r'), open(original, 'r')]);
  try {
    return await sameBytes(a, b, c.size);
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
}

async function sameBytes(a: FileHandle, b: FileHandle, length: number): Promise<boolean> {
  const bufA = Buffer.alloc(CHUNK);
  const bufB = Buffer.alloc(CHUNK);
  for (let pos = 0; pos < length; pos += CHUNK) {
    const n = Math.min(CHUNK, length - pos);
    const [ra, rb] = await Promise.all([a.read(bufA, 0, n, pos), b.read(bufB, 0, n, pos)]);
    if (ra.bytesRead !== n || rb.bytesRead !== n || !bufA.subarray(0, n).equals(bufB.subarray(0, n))) return false;
  }
  return true;
}
