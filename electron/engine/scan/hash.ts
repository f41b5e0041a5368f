// Content hashing. We hash every byte with XXH3-128 (hash-wasm, ~2 GB/s here) rather than a cheap
// size + head/tail hash for files of unique size: the content hash keys the embeddings, so a cheap hash that
// is later "promoted" to a full one would orphan vectors or need re-keying, and every new file is decoded
// anyway (which reads all of its bytes: decode runs at tens of MB/s, so the full hash costs a few percent).
// Unchanged files (same size and mtime) are never read at all, which is what makes rescans fast.
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { createXXHash128, type IHasher } from 'hash-wasm';
import { isLookalikeError, LookalikeError } from '../errors.js';
import { SNIFF_BYTES } from '../preprocess/sniffFormat.js';

/** Larger than any photo we expect; refusing protects the hash stage from multi-gigabyte videos named .jpg. */
export const MAX_PHOTO_BYTES = 2 * 1024 ** 3;
const CHUNK_BYTES = 1 << 20;

export interface HashedFile {
  /** `xxh128:` + 32 hex digits. */
  contentHash: string;
  size: number;
  /** The first bytes, for format sniffing without opening the file again. */
  head: Uint8Array;
}

/** Why one file could not be read, in words (code `failed`: the scan reports it against the file and goes on). */
const unreadable = (reason: string, cause?: unknown): LookalikeError => new LookalikeError('failed', reason, { cause });

/** One WASM hasher and one read buffer, reused for every file a worker hashes. */
export class ContentHasher {
  private constructor(
    private readonly hasher: IHasher,
    private readonly buffer: Buffer,
  ) {}

  static async create(): Promise<ContentHasher> {
    return new ContentHasher(await createXXHash128(), Buffer.allocUnsafe(CHUNK_BYTES));
  }

  /** The content hash of bytes already in memory (what hashFile gives for a file holding exactly these bytes). */
  hashBytes(bytes: Uint8Array): string {
    this.hasher.init();
    this.hasher.update(bytes);
    return `xxh128:${this.hasher.digest('hex')}`;
  }

  async hashFile(file: string, signal?: AbortSignal): Promise<HashedFile> {
    // O_NONBLOCK: if the path was swapped for a FIFO since we stat'ed it, open() returns instead of waiting
    // for a writer; fstat below then refuses it. (No effect on regular files.)
    const flags = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);
    const fh = await open(file, flags).catch((err: NodeJS.ErrnoException) => {
      throw unreadable(describeOpenError(err), err);
    });
    try {
      const st = await fh.stat();
      if (!st.isFile()) throw unreadable('not a regular file');
      if (st.size > MAX_PHOTO_BYTES) throw unreadable(`too large for a photo (${st.size} bytes)`);
      this.hasher.init();
      const head = new Uint8Array(SNIFF_BYTES);
      let headLength = 0;
      let size = 0;
      for (;;) {
        if (signal?.aborted) throw signal.reason;
        const { bytesRead } = await fh.read(this.buffer, 0, CHUNK_BYTES, null);
        if (bytesRead === 0) break;
        const chunk = this.buffer.subarray(0, bytesRead);
        if (headLength < SNIFF_BYTES) {
          const take = Math.min(SNIFF_BYTES - headLength, bytesRead);
          head.set(chunk.subarray(0, take), headLength);
          headLength += take;
        }
        this.hasher.update(chunk);
        size += bytesRead;
        if (size > MAX_PHOTO_BYTES) throw unreadable('too large for a photo');
      }
      return { contentHash: `xxh128:${this.hasher.digest('hex')}`, size, head: head.subarray(0, headLength) };
    } catch (err) {
      if (isLookalikeError(err, 'failed') || signal?.aborted) throw err;
      throw unreadable(describeOpenError(err as NodeJS.ErrnoException), err);
    } finally {
      await fh.close();
    }
  }
}

/** Errno codes in words a person understands. */
export function describeOpenError(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'ENOENT':
      return 'file disappeared during the scan';
    case 'ELOOP':
      return 'symbolic link loop';
    case 'EISDIR':
      return 'is a folder';
    case 'EIO':
      return 'input/output error (disk or network problem)';
    default:
      return err.code ? `${err.code}: ${err.message}` : err.message;
  }
}
