// Moves that never overwrite and never lose the source. On one filesystem a hard link claims the destination
// atomically (EEXIST if taken) before the source name goes. Across filesystems an exclusive copy is made, its
// mtime set to the source's, the copy and its folder synced to disk and both files' content hashes compared,
// and only then is the source unlinked; a copy that fails (a full disk, say) is removed and the source is left
// exactly as it was. A crash in between leaves the source plus an extra link or a partial copy: undo
// (putBack.ts) recognises both.
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { constants, copyFile, link, lstat, mkdir, open, rename, rm, unlink, utimes } from 'node:fs/promises';
import path from 'node:path';
import { LookalikeError } from '../errors.js';
import type { HashFile } from './fileGuard.js';

/** Seams for fault and crash injection in tests: each runs after its step, before the source is unlinked. */
export interface MoveHooks {
  afterLink?(): void | Promise<void>;
  afterCopy?(): void | Promise<void>;
}

export interface MoveOptions {
  /** The source's content hash as the scan recorded it: a cross-device copy must have exactly this content. */
  contentHash?: string;
  /** The scanner's hash (what contentHash was computed with); without it, SHA-256 of both files is compared. */
  hashFile?: HashFile;
  hooks?: MoveHooks;
}

/** The refusal (code `conflict`) when something already sits where the file would go. */
const destinationTaken = (to: string): LookalikeError => new LookalikeError('conflict', `${to} already exists; nothing was moved`);

const code = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code;

/** Filesystems without hard links (FAT, exFAT, some network mounts) answer with one of these. */
const NO_HARD_LINKS = new Set(['EXDEV', 'EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EMLINK']);

export async function moveWithoutOverwrite(from: string, to: string, opts: MoveOptions = {}): Promise<void> {
  await mkdir(path.dirname(to), { recursive: true });
  try {
    await link(from, to);
  } catch (err) {
    if (code(err) === 'EEXIST') throw destinationTaken(to);
    if (!NO_HARD_LINKS.has(code(err) ?? '')) throw err;
    await moveWithoutLink(from, to, opts);
    return;
  }
  await opts.hooks?.afterLink?.();
  await unlink(from);
}

async function moveWithoutLink(from: string, to: string, opts: MoveOptions): Promise<void> {
  if (code(await lstat(to).catch((e: unknown) => e)) !== 'ENOENT') throw destinationTaken(to);
  try {
    await rename(from, to);
    return;
  } catch (err) {
    if (code(err) !== 'EXDEV') throw err;
  }
  await copyAcrossDevices(from, to, opts);
  await opts.hooks?.afterCopy?.();
  await unlink(from);
  await syncFolder(path.dirname(from));
}

/** The exclusive, synced, verified copy; on any failure the copy is removed and the source is untouched. */
async function copyAcrossDevices(from: string, to: string, opts: MoveOptions): Promise<void> {
  const source = await lstat(from);
  try {
    await copyFile(from, to, constants.COPYFILE_EXCL);
  } catch (err) {
    // EEXIST: someone else's file took the name between the check and the copy; it is not ours to remove.
    if (code(err) === 'EEXIST') throw destinationTaken(to);
    await rm(to, { force: true });
    throw copyFailed(from, to, err);
  }
  try {
    await utimes(to, source.atimeMs / 1000, source.mtimeMs / 1000);
    await syncFile(to);
    await syncFolder(path.dirname(to));
    await verifyCopy(from, to, source.size, opts);
  } catch (err) {
    await rm(to, { force: true });
    throw isFileSystemError(err) ? copyFailed(from, to, err) : err;
  }
}

async function verifyCopy(from: string, to: string, size: number, opts: MoveOptions): Promise<void> {
  let same = (await lstat(to)).size === size;
  if (same) {
    const hash = opts.hashFile ?? sha256File;
    // One after the other: the scanner's hasher is one stateful instance.
    const a = await hash(from);
    const b = await hash(to);
    // The scan's hash is in the scanner's algorithm: comparable only when that is the hash used here.
    same = a === b && (opts.hashFile === undefined || opts.contentHash === undefined || a === opts.contentHash);
  }
  if (!same) {
    throw new LookalikeError('failed', `the copy of ${from} on ${path.dirname(to)} does not match it; the copy was removed and the original left in place`);
  }
}

const isFileSystemError = (err: unknown): boolean => !(err instanceof LookalikeError) && typeof code(err) === 'string';

function copyFailed(from: string, to: string, err: unknown): LookalikeError {
  const why = code(err) === 'ENOSPC' ? `no space left on ${path.dirname(to)}` : (err as Error).message;
  return new LookalikeError('failed', `could not copy ${from} to ${to}: ${why}; the original was left in place`, { cause: err });
}

async function syncFile(file: string): Promise<void> {
  const handle = await open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a folder's new or removed entry durable; where a folder cannot be opened for sync (Windows), a no-op. */
export async function syncFolder(dir: string): Promise<void> {
  let handle;
  try {
    handle = await open(dir, 'r');
  } catch {
    return;
  }
  try {
    await handle.sync();
  } catch (err) {
    if (!['EINVAL', 'EISDIR', 'EPERM', 'EBADF', 'ENOTSUP'].includes(code(err) ?? '')) throw err;
  } finally {
    await handle.close();
  }
}

async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
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
