// The second stage: hash the bytes and sniff the format. A file whose bytes already have a vector for this
// model (a move, a rename, a copy) ends here with the stored metadata; new bytes are queued for one decode.
import type { ContentMetadata } from '../catalog/index.js';
import { sniffFormat } from '../preprocess/sniffFormat.js';
import type { FileOutcomes } from './fileOutcomes.js';
import { ContentHasher } from './hash.js';
import { HardLinks } from './hardLinks.js';
import type { FileJob, HashedJob, PipelineContext } from './pipelineTypes.js';
import type { BoundedQueue } from './queue.js';

export class HashStage {
  private readonly links = new HardLinks();

  constructor(
    private readonly ctx: PipelineContext,
    private readonly out: FileOutcomes,
    private readonly next: BoundedQueue<HashedJob>,
    private readonly stopped: () => boolean,
  ) {}

  async hash(job: HashedJob | FileJob, hasher: ContentHasher): Promise<void> {
    await this.ctx.gate.wait(this.ctx.signal);
    if (this.stopped()) return;
    const hashed = 'contentHash' in job ? job : await this.links.hashOnce(job, () => this.hashBytes(job, hasher));
    if (hashed) await this.route(hashed);
  }

  /** Hash + sniff; null when the file failed (recorded) or the scan was cancelled. */
  private async hashBytes(job: FileJob, hasher: ContentHasher): Promise<HashedJob | null> {
    this.ctx.meter.current = job.path;
    let result;
    try {
      result = await hasher.hashFile(job.path, this.ctx.signal);
    } catch (err) {
      if (!this.ctx.signal.aborted) this.out.fail(job, (err as Error).message);
      return null;
    }
    this.ctx.meter.hashed++;
    this.ctx.meter.bytes += result.size;
    // The size we read is the truth if the file changed since stat.
    const read: FileJob = { ...job, size: result.size };
    const sniffed = sniffFormat(result.head);
    if (sniffed.kind === 'refused') {
      this.out.fail(read, sniffed.reason, result.contentHash);
      return null;
    }
    return { ...read, contentHash: result.contentHash, format: sniffed.format };
  }

  /** Known bytes end with their stored metadata; new bytes are decoded once for every path that has them. */
  private async route(hashed: HashedJob): Promise<void> {
    const known = this.knownMetadata(hashed.contentHash);
    if (known?.pixelThumb) return this.out.writeOk(hashed, known);
    // Embedded before pixel thumbnails were kept: one decode fills the thumbnail, the stored vector stays.
    const job = known ? { ...hashed, vectorKnown: true } : hashed;
    if (!this.out.claim(job)) return;
    if (!(await this.next.push(job))) this.out.release(job);
  }

  /** Metadata for bytes that already have a vector for this model, so no decode is needed. */
  private knownMetadata(contentHash: string): ContentMetadata | null {
    const pending = this.out.uncommitted.get(contentHash);
    if (pending) return pending;
    if (!this.ctx.catalog.embeddings.has(contentHash, this.ctx.modelKey)) return null;
    return this.ctx.catalog.files.metadataFor(contentHash);
  }
}
