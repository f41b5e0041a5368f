// The first stage: stat each path (never open it) and compare with the catalog, a batch at a time (statBatch.ts,
// catalog/scanLookup.ts: per-call costs are what bound a rescan). Unchanged files end here; the rest go on to be
// hashed, or straight to decoding when their bytes are known but lack a vector.
import { lstat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import type { FileLookup } from '../catalog/index.js';
import { ScanLookup } from '../catalog/scanLookup.js';
import type { FileOutcomes } from './fileOutcomes.js';
import { describeOpenError } from './hash.js';
import type { FileJob, HashedJob, PipelineContext } from './pipelineTypes.js';
import type { BoundedQueue } from './queue.js';
import { BatchStatter, type StatOutcome } from './statBatch.js';

function describeNonFile(st: Stats): string {
  if (st.isDirectory()) return 'a folder';
  if (st.isFIFO()) return 'a named pipe (FIFO)';
  if (st.isSocket()) return 'a socket';
  if (st.isBlockDevice() || st.isCharacterDevice()) return 'a device';
  return 'not a regular file';
}

/** What stat said about a regular file: its size and mtime, and `dev:ino` when it has other hard links. */
function jobOf(path: string, st: Stats): FileJob {
  const job: FileJob = { path, size: st.size, mtimeMs: st.mtimeMs };
  if (st.nlink > 1) {
    job.linkKey = `${st.dev}:${st.ino}`;
    job.links = st.nlink;
  }
  return job;
}

export class ClassifyStage {
  private readonly statter = new BatchStatter();
  private readonly rows: ScanLookup;

  constructor(
    private readonly ctx: PipelineContext,
    private readonly out: FileOutcomes,
    private readonly next: BoundedQueue<HashedJob | FileJob>,
    private readonly stopped: () => boolean,
  ) {
    this.rows = new ScanLookup(ctx.catalog.db, ctx.catalog.files);
  }

  async classifyBatch(paths: readonly string[]): Promise<void> {
    await this.ctx.gate.wait(this.ctx.signal);
    if (this.stopped()) return;
    const stats = await this.statter.statAll(paths);
    const rows = this.rows.lookupMany(paths, this.ctx.modelKey);
    for (let i = 0; i < paths.length; i++) {
      if (this.stopped()) return;
      await this.classify(paths[i]!, stats[i]!, rows[i] ?? null);
    }
  }

  private async classify(path: string, stat: StatOutcome, row: FileLookup | null): Promise<void> {
    if (stat.err) return this.failStat(path, stat.err, row);
    const job = jobOf(path, stat.st);
    const unchanged = this.count(job, row);
    if (!stat.st.isFile()) return this.out.fail(job, `not a regular file: ${describeNonFile(stat.st)}`);
    if (row && unchanged) {
      if (row.status === 'failed') return this.out.failedAgain(path, row.error);
      if (row.hasEmbedding && row.hasPixelThumb) return this.out.finish(path);
      // Known bytes, but no vector for this model yet, or no pixel thumbnail: decode without hashing again.
      if (row.contentHash && row.format) {
        await this.next.push({ ...job, contentHash: row.contentHash, format: row.format });
        return;
      }
    }
    await this.next.push(job);
  }

  /** A path that cannot be stat'ed (gone, a dangling link, no permission): recorded as failed, with why. */
  private async failStat(path: string, err: NodeJS.ErrnoException, row: FileLookup | null): Promise<void> {
    const link = await lstat(path).catch(() => null);
    const job: FileJob = { path, size: link?.size ?? 0, mtimeMs: link?.mtimeMs ?? 0 };
    this.count(job, row);
    const broken = link?.isSymbolicLink() && err.code === 'ENOENT';
    this.out.fail(job, broken ? 'broken symbolic link (its target does not exist)' : describeOpenError(err));
  }

  /** Counts the path as new, changed or unchanged (same size and mtime as its row); true when unchanged. */
  private count(job: FileJob, row: FileLookup | null): boolean {
    if (row) this.ctx.writer.seen.add(row.id);
    const { counts } = this.out;
    if (!row || row.status === 'missing') {
      counts.new++;
      return false;
    }
    const unchanged = row.size === job.size && row.mtimeMs === job.mtimeMs;
    if (unchanged) counts.unchanged++;
    else counts.changed++;
    return unchanged;
  }
}
