// How each file's scan ends, whichever stage ends it: a row for the writer, a count and a progress tick. Also the
// contents in flight (decoded once, however many paths share them) and those written but not committed yet.
import type { ContentMetadata } from '../catalog/index.js';
import type { FileJob, HashedJob, PipelineContext, PipelineCounts } from './pipelineTypes.js';
import type { FailedFile } from './types.js';

export type ContentOutcome = { meta: ContentMetadata; vector?: Float32Array } | { reason: string };

export class FileOutcomes {
  readonly counts: PipelineCounts = { new: 0, changed: 0, unchanged: 0 };
  readonly failed: FailedFile[] = [];
  /**
   * Content being decoded/embedded now, with the other paths that share it (they wait for its metadata instead
   * of decoding the same bytes again), and content embedded but not yet committed.
   */
  readonly inFlight = new Map<string, HashedJob[]>();
  readonly uncommitted = new Map<string, ContentMetadata>();

  constructor(private readonly ctx: PipelineContext) {}

  /** Called after each writer commit: committed content is now found by the catalog lookups. */
  committed(): void {
    this.uncommitted.clear();
  }

  finish(path: string): void {
    this.ctx.meter.done++;
    this.ctx.meter.current = path;
    this.ctx.meter.report();
  }

  fail(job: FileJob, reason: string, contentHash: string | null = null): void {
    this.ctx.writer.add({ file: { path: job.path, size: job.size, mtimeMs: job.mtimeMs, status: 'failed', error: reason, contentHash } });
    this.failed.push({ path: job.path, reason });
    this.ctx.meter.failed++;
    this.finish(job.path);
  }

  /** Same bytes, same verdict: a failed row reported again without reading the file. */
  failedAgain(path: string, reason: string | null): void {
    this.failed.push({ path, reason: reason ?? 'failed' });
    this.ctx.meter.failed++;
    this.finish(path);
  }

  writeOk(job: HashedJob, meta: ContentMetadata, vector?: Float32Array): void {
    this.ctx.writer.add({ file: { path: job.path, size: job.size, mtimeMs: job.mtimeMs, status: 'ok', meta }, vector });
    this.finish(job.path);
  }

  /**
   * Claims the decode of `job`'s content: true if this job leads it, false if another path already does (this
   * one then waits for its outcome in `settle`).
   */
  claim(job: HashedJob): boolean {
    const waiting = this.inFlight.get(job.contentHash);
    if (waiting) {
      waiting.push(job);
      return false;
    }
    this.inFlight.set(job.contentHash, []);
    return true;
  }

  /** The claim is dropped (the scan stopped before the decode was queued). */
  release(job: HashedJob): void {
    this.inFlight.delete(job.contentHash);
  }

  /** Writes a decoded (or failed) content and every path that was waiting on the same bytes. */
  settle(leader: HashedJob, outcome: ContentOutcome): void {
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
