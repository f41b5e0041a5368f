// The per-file stages of a scan, joined by bounded queues:
//   stat/classify (16 in flight) -> hash + sniff (2) -> decode/preprocess + EXIF (2) -> embed (one batch at a time)
// and a batched writer. Unchanged files stop at the first stage without being opened. A file whose bytes
// already have a vector for this model (a move, a rename, a copy) stops after hashing.
import { lstat, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { Catalog, ContentMetadata, FileLookup } from '../catalog/index.js';
import { sniffFormat } from '../preprocess/sniffFormat.js';
import { perceptualPrint } from '../similarity/perceptualHash.js';
import { readExif } from './exif.js';
import { readVerified } from './verifiedRead.js';
import { ContentHasher, describeOpenError } from './hash.js';
import type { NativeWork } from './nativeWork.js';
import type { PauseGate } from './pause.js';
import type { ScanMeter } from './progress.js';
import { BoundedQueue, drain } from './queue.js';
import type { FailedFile, ScanEmbedder } from './types.js';
import type { CatalogWriter } from './writer.js';

const STAT_CONCURRENCY = 16;
const HASH_CONCURRENCY = 2;
const DECODE_CONCURRENCY = 2;

/** A file that must be read: its bytes are new to us, or its vector for this model is missing. */
interface FileJob {
  path: string;
  size: number;
  mtimeMs: number;
}

interface HashedJob extends FileJob {
  contentHash: string;
  format: string;
  /**
   * The vector for this model is stored already; only the metadata lacks the pixel thumbnail (a row scanned
   * before thumbnails were kept). Decoded to fill it, never embedded again.
   */
  vectorKnown?: boolean;
}

interface PreparedJob {
  job: HashedJob;
  tensor: Float32Array;
  meta: ContentMetadata;
}

export interface PipelineCounts {
  new: number;
  changed: number;
  unchanged: number;
}

export interface PipelineContext {
  catalog: Catalog;
  engine: ScanEmbedder;
  modelKey: string;
  batchSize: number;
  writer: CatalogWriter;
  meter: ScanMeter;
  gate: PauseGate;
  signal: AbortSignal;
  /** Where decodes and model batches run, recorded for a supervisor (nativeWork.ts). */
  native: NativeWork;
}

function describeNonFile(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

export class ScanPipeline {
  readonly counts: PipelineCounts = { new: 0, changed: 0, unchanged: 0 };
  readonly failed: FailedFile[] = [];
  private readonly statQueue = new BoundedQueue<string>(256);
  private readonly hashQueue = new BoundedQueue<HashedJob | FileJob>(64);
  private readonly decodeQueue = new BoundedQueue<HashedJob>(8);
  private readonly embedQueue: BoundedQueue<PreparedJob>;
  /**
   * Content being decoded/embedded now, with the other paths that share it (they wait for its metadata instead
   * of decoding the same bytes again), and content embedded but not yet committed.
   */
  private readonly inFlight = new Map<string, HashedJob[]>();
  private readonly uncommitted = new Map<string, ContentMetadata>();
  private readonly byteHashers: ContentHasher[] = [];
  private fatal: unknown = null;

  constructor(private readonly ctx: PipelineContext) {
    this.embedQueue = new BoundedQueue<PreparedJob>(Math.max(2, ctx.batchSize * 2));
  }

  /** Called after each writer commit: committed content is now found by the catalog lookups. */
  committed(): void {
    this.uncommitted.clear();
  }

  /** Stops every stage: queued work is dropped, work in flight finishes and is kept. */
  stop(): void {
    for (const q of [this.statQueue, this.hashQueue, this.decodeQueue, this.embedQueue]) q.discard();
  }

  async run(paths: readonly string[]): Promise<void> {
    const guard = (p: Promise<void>): Promise<void> =>
      p.catch((err: unknown) => {
        this.fatal ??= err;
        this.stop();
      });
    const { signal, gate } = this.ctx;
    const feed = guard((async () => {
      for (const p of paths) {
        await gate.wait(signal);
        if (signal.aborted || !(await this.statQueue.push(p))) break;
      }
      this.statQueue.close();
    })());
    const stats = guard(drain(this.statQueue, STAT_CONCURRENCY, (p) => this.classify(p))).then(() => this.hashQueue.close());
    // A hasher holds one file's running state: each job borrows a free one and gives it back (handing them out in
    // turn would let a quick job's successor share a hasher with a long hash still running, mixing two files).
    const freeHashers = await Promise.all(Array.from({ length: HASH_CONCURRENCY }, () => ContentHasher.create()));
    const hashWithFreeHasher = async (job: HashedJob | FileJob): Promise<void> => {
      const hasher = freeHashers.pop()!;
      try {
        await this.hash(job, hasher);
      } finally {
        freeHashers.push(hasher);
      }
    };
    const hashes = guard(drain(this.hashQueue, HASH_CONCURRENCY, hashWithFreeHasher)).then(() => this.decodeQueue.close());
    const decodes = guard(drain(this.decodeQueue, DECODE_CONCURRENCY, (job) => this.decode(job))).then(() => this.embedQueue.close());
    const embeds = guard(this.embedLoop());
    await Promise.all([feed, stats, hashes, decodes, embeds]);
    if (this.fatal) throw this.fatal;
  }

  private get stopped(): boolean {
    return this.ctx.signal.aborted || this.fatal !== null;
  }

  private finish(path: string): void {
    this.ctx.meter.done++;
    this.ctx.meter.current = path;
    this.ctx.meter.report();
  }

  private fail(job: FileJob, reason: string, contentHash: string | null = null): void {
    this.ctx.writer.add({ file: { ...job, status: 'failed', error: reason, contentHash } });
    this.failed.push({ path: job.path, reason });
    this.ctx.meter.failed++;
    this.finish(job.path);
  }

  private writeOk(job: HashedJob, meta: ContentMetadata, vector?: Float32Array): void {
    this.ctx.writer.add({ file: { path: job.path, size: job.size, mtimeMs: job.mtimeMs, status: 'ok', meta }, vector });
    this.finish(job.path);
  }

  /** stat (never open) and compare with the catalog: unchanged files end here. */
  private async classify(path: string): Promise<void> {
    await this.ctx.gate.wait(this.ctx.signal);
    if (this.stopped) return;
    let st: Stats;
    try {
      st = await stat(path);
    } catch (err) {
      const link = await lstat(path).catch(() => null);
      const job: FileJob = { path, size: link?.size ?? 0, mtimeMs: link?.mtimeMs ?? 0 };
      this.lookup(job);
      const broken = link?.isSymbolicLink() && (err as NodeJS.ErrnoException).code === 'ENOENT';
      return this.fail(job, broken ? 'broken symbolic link (its target does not exist)' : describeOpenError(err as NodeJS.ErrnoException));
    }
    const job: FileJob = { path, size: st.size, mtimeMs: st.mtimeMs };
    const { row, unchanged } = this.lookup(job);
    if (!st.isFile()) return this.fail(job, `not a regular file: ${describeNonFile(st)}`);
    if (row && unchanged) {
      if (row.status === 'failed') {
        // Same bytes, same verdict: reported again without reading the file.
        this.failed.push({ path, reason: row.error ?? 'failed' });
        this.ctx.meter.failed++;
        return this.finish(path);
      }
      if (row.hasEmbedding && row.hasPixelThumb) return this.finish(path);
      // Known bytes, but no vector for this model yet, or no pixel thumbnail: decode without hashing again.
      if (row.contentHash && row.format) {
        await this.hashQueue.push({ ...job, contentHash: row.contentHash, format: row.format });
        return;
      }
    }
    await this.hashQueue.push(job);
  }

  /** The catalog's row for the path, counted as new, changed or unchanged (same size and mtime). */
  private lookup(job: FileJob): { row: FileLookup | null; unchanged: boolean } {
    const row = this.ctx.catalog.files.lookup(job.path, this.ctx.modelKey);
    if (row) this.ctx.writer.seen.add(row.id);
    if (!row || row.status === 'missing') {
      this.counts.new++;
      return { row, unchanged: false };
    }
    const unchanged = row.size === job.size && row.mtimeMs === job.mtimeMs;
    if (unchanged) this.counts.unchanged++;
    else this.counts.changed++;
    return { row, unchanged };
  }

  private async hash(job: HashedJob | FileJob, hasher: ContentHasher): Promise<void> {
    await this.ctx.gate.wait(this.ctx.signal);
    if (this.stopped) return;
    let hashed: HashedJob;
    if ('contentHash' in job) {
      hashed = job;
    } else {
      this.ctx.meter.current = job.path;
      let result;
      try {
        result = await hasher.hashFile(job.path, this.ctx.signal);
      } catch (err) {
        if (!this.ctx.signal.aborted) this.fail(job, (err as Error).message);
        return;
      }
      this.ctx.meter.hashed++;
      this.ctx.meter.bytes += result.size;
      // The size we read is the truth if the file changed since stat.
      const read: FileJob = { ...job, size: result.size };
      const sniffed = sniffFormat(result.head);
      if (sniffed.kind === 'refused') return this.fail(read, sniffed.reason, result.contentHash);
      hashed = { ...read, contentHash: result.contentHash, format: sniffed.format };
    }
    const known = this.knownMetadata(hashed.contentHash);
    if (known?.pixelThumb) return this.writeOk(hashed, known);
    // Embedded before pixel thumbnails were kept: one decode fills the thumbnail, the stored vector stays.
    if (known) hashed = { ...hashed, vectorKnown: true };
    const waiting = this.inFlight.get(hashed.contentHash);
    if (waiting) {
      waiting.push(hashed);
      return;
    }
    this.inFlight.set(hashed.contentHash, []);
    if (!(await this.decodeQueue.push(hashed))) this.inFlight.delete(hashed.contentHash);
  }

  /** Metadata for bytes that already have a vector for this model, so no decode is needed. */
  private knownMetadata(contentHash: string): ContentMetadata | null {
    const pending = this.uncommitted.get(contentHash);
    if (pending) return pending;
    if (!this.ctx.catalog.embeddings.has(contentHash, this.ctx.modelKey)) return null;
    return this.ctx.catalog.files.metadataFor(contentHash);
  }

  /** One read per decode, checked against the hash stage's hash (scan/verifiedRead.ts); hashers are borrowed. */
  private async readVerified(job: HashedJob): Promise<Buffer> {
    const hasher = this.byteHashers.pop() ?? (await ContentHasher.create());
    try {
      return await readVerified(job.path, job.contentHash, hasher);
    } finally {
      this.byteHashers.push(hasher);
    }
  }

  private async decode(job: HashedJob): Promise<void> {
    await this.ctx.gate.wait(this.ctx.signal);
    if (this.stopped) return;
    this.ctx.meter.current = job.path;
    let prepared: Awaited<ReturnType<ScanEmbedder['prepare']>>;
    let exif: Awaited<ReturnType<typeof readExif>>;
    // A suspect of an earlier crash is decoded and embedded with nothing else in native work, so that a crash
    // now names it alone.
    const alone = this.ctx.native.isSuspect(job.path);
    try {
      const bytes = await this.readVerified(job);
      const decoding = this.ctx.native.run('decode', [job.path], () => this.ctx.engine.prepare(bytes, job.path), alone);
      [prepared, exif] = await Promise.all([decoding, readExif(bytes)]);
    } catch (err) {
      if (!this.ctx.signal.aborted) this.settle(job, { reason: (err as Error).message });
      return;
    }
    const { decoded } = prepared;
    const meta: ContentMetadata = {
      contentHash: job.contentHash,
      width: decoded.width,
      height: decoded.height,
      format: decoded.format, // the decoder's word: a DNG, NEF or ARW sniffs as TIFF, its IFDs tell
      decodedFrom: decoded.decodedFrom ?? null,
      takenAt: exif.takenAt,
      cameraMake: exif.cameraMake,
      cameraModel: exif.cameraModel,
      // What the decoder applied, so it always explains width/height (HEIF rotates by its container, not EXIF).
      orientation: decoded.orientation,
      pixelHash: prepared.pixelHash,
      pixelThumb: prepared.pixelThumb,
      perceptualPrint: perceptualPrint(prepared.pixelThumb),
    };
    if (job.vectorKnown) return this.settle(job, { meta });
    if (alone) return this.embedAlone({ job, tensor: prepared.tensor, meta });
    await this.embedQueue.push({ job, tensor: prepared.tensor, meta });
  }

  private async embedAlone(item: PreparedJob): Promise<void> {
    const [vector] = await this.ctx.native.run('embed', [item.job.path], () => this.runBatch([item.tensor]), true);
    this.settleEmbedded(item, vector!);
    this.ctx.writer.flush();
  }

  private async embedLoop(): Promise<void> {
    const { batchSize, writer, native } = this.ctx;
    for (let batch = await this.embedQueue.takeUpTo(batchSize); batch.length > 0; batch = await this.embedQueue.takeUpTo(batchSize)) {
      const vectors = await native.run('embed', batch.map((b) => b.job.path), () => this.runBatch(batch.map((b) => b.tensor)));
      batch.forEach((item, i) => this.settleEmbedded(item, vectors[i]!));
      // One commit per batch: a kill loses at most the batch in flight.
      writer.flush();
      this.ctx.meter.report(true);
    }
  }

  private settleEmbedded(item: PreparedJob, v: Float32Array | string): void {
    const { dim } = this.ctx.engine;
    if (typeof v === 'string') return this.settle(item.job, { reason: v });
    if (v.length !== dim) return this.settle(item.job, { reason: `model returned ${v.length} values, expected ${dim}` });
    this.ctx.meter.embedded++;
    this.settle(item.job, { meta: item.meta, vector: v });
  }

  /** Vectors, or a reason per tensor: a failing batch is retried one by one to find the bad input. */
  private async runBatch(tensors: Float32Array[]): Promise<(Float32Array | string)[]> {
    try {
      return await this.ctx.engine.runBatch(tensors);
    } catch (err) {
      if (tensors.length === 1) return [`inference failed: ${(err as Error).message}`];
      const out: (Float32Array | string)[] = [];
      for (const t of tensors) out.push((await this.runBatch([t]))[0]!);
      return out;
    }
  }

  /** Writes a decoded (or failed) content and every path that was waiting on the same bytes. */
  private settle(leader: HashedJob, outcome: { meta: ContentMetadata; vector?: Float32Array } | { reason: string }): void {
    const followers = this.inFlight.get(leader.contentHash) ?? [];
    this.inFlight.delete(leader.contentHash);
    if ('reason' in outcome) {
      for (const job of [leader, ...followers]) this.fail(job, outcome.reason, job.contentHash);
      return;
    }
    this.uncommitted.set(leader.contentHash, outcome.meta);
    this.writeOk(leader, outcome.meta, outcome.vector);
    for (const job of followers) this.writeOk(job, outcome.meta);
  }
}
