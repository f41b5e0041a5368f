// A file written under a temporary name in its final folder and put in place only when complete, so a reader
// never sees a half-written export under the name it asked for. An existing file of that name is never replaced
// unless the caller says `overwrite` (after the user confirmed it): then an atomic rename replaces it; otherwise a
// hard link claims the name (EEXIST if taken, so no race can clobber a file) and the refusal is a `conflict`.
import { randomBytes } from 'node:crypto';
import { link, lstat, open, rename, rm, unlink, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import { LookalikeError } from '../errors.js';

/** Appends go through one buffer of this size: big enough that syscalls are rare, small enough to stay flat. */
const BUFFER_BYTES = 4 << 20;

export class OutputFile {
  private readonly buffer = Buffer.allocUnsafe(BUFFER_BYTES);
  private buffered = 0;
  /** File offset of the first buffered byte. */
  private flushedTo = 0;
  private closed = false;

  private constructor(
    readonly finalPath: string,
    readonly tempPath: string,
    private readonly handle: FileHandle,
    private readonly overwrite: boolean,
  ) {}

  /**
   * Opens `<dir>/.<name>.<random>.partial` next to `finalPath`; refuses at once (before any work) when `finalPath`
   * exists and `overwrite` is not set.
   */
  static async create(finalPath: string, opts: { overwrite?: boolean } = {}): Promise<OutputFile> {
    const overwrite = opts.overwrite ?? false;
    if (!overwrite) await assertNoFile(finalPath);
    const dir = path.dirname(path.resolve(finalPath));
    const tempPath = path.join(dir, `.${path.basename(finalPath)}.${randomBytes(4).toString('hex')}.partial`);
    const handle = await open(tempPath, 'wx');
    return new OutputFile(path.resolve(finalPath), tempPath, handle, overwrite);
  }

  /** Bytes appended so far (buffered or on disk). */
  get size(): number {
    return this.flushedTo + this.buffered;
  }

  async append(bytes: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < bytes.length) {
      const n = Math.min(bytes.length - offset, BUFFER_BYTES - this.buffered);
      this.buffer.set(bytes.subarray(offset, offset + n), this.buffered);
      this.buffered += n;
      offset += n;
      if (this.buffered === BUFFER_BYTES) await this.flush();
    }
  }

  async appendText(text: string): Promise<void> {
    await this.append(Buffer.from(text, 'utf8'));
  }

  async flush(): Promise<void> {
    let written = 0;
    while (written < this.buffered) {
      const { bytesWritten } = await this.handle.write(this.buffer, written, this.buffered - written, this.flushedTo + written);
      written += bytesWritten;
    }
    this.flushedTo += this.buffered;
    this.buffered = 0;
  }

  /** Overwrites bytes already appended (a header reserved at the start, rewritten with the final shape). */
  async writeAt(position: number, bytes: Uint8Array): Promise<void> {
    if (position + bytes.length > this.size) throw new Error('writeAt may only overwrite bytes already appended');
    await this.flush();
    let written = 0;
    while (written < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, written, bytes.length - written, position + written);
      written += bytesWritten;
    }
  }

  /** Flushes, syncs and puts the file in place: over an older one only with `overwrite`, else a `conflict`. */
  async commit(): Promise<void> {
    await this.flush();
    await this.handle.sync();
    await this.close();
    if (this.overwrite) {
      await rename(this.tempPath, this.finalPath);
      return;
    }
    try {
      await link(this.tempPath, this.finalPath);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code ?? '';
      if (code === 'EEXIST') throw exists(this.finalPath);
      // No hard links here (FAT, exFAT, some network shares): check, then rename (a narrow race, not a silent one).
      if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'EXDEV', 'EMLINK'].includes(code)) throw err;
      await assertNoFile(this.finalPath);
      await rename(this.tempPath, this.finalPath);
      return;
    }
    await unlink(this.tempPath);
  }

  /** Closes and deletes the temporary file; safe to call more than once, and after a failed commit. */
  async discard(): Promise<void> {
    await this.close().catch(() => undefined);
    await rm(this.tempPath, { force: true });
  }

  private async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.handle.close();
  }
}

const exists = (file: string): LookalikeError =>
  new LookalikeError('conflict', `${path.resolve(file)} already exists; nothing was written over it`);

/** A `conflict` when `file` exists (the export's early refusal, before any work). */
export async function assertNoFile(file: string): Promise<void> {
  const code = await lstat(file).then(
    () => 'exists',
    (err: NodeJS.ErrnoException) => err.code,
  );
  if (code !== 'ENOENT') throw code === 'exists' ? exists(file) : new LookalikeError('failed', `cannot write ${file} (${code})`);
}
