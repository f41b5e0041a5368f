// The third stage: read the bytes once (checked against the hash stage's hash), decode and preprocess them, and
// read EXIF, giving the content's metadata and the tensor the model embeds.
import type { ContentMetadata } from '../catalog/index.js';
import { perceptualPrint } from '../similarity/perceptualHash.js';
import type { EmbedStage } from './embedStage.js';
import { readExif } from './exif.js';
import type { FileOutcomes } from './fileOutcomes.js';
import { ContentHasher } from './hash.js';
import type { HashedJob, PipelineContext, PreparedJob } from './pipelineTypes.js';
import type { BoundedQueue } from './queue.js';
import type { ScanEmbedder } from './types.js';
import { readVerified } from './verifiedRead.js';

type Prepared = Awaited<ReturnType<ScanEmbedder['prepare']>>;

function metadataOf(job: HashedJob, prepared: Prepared, exif: Awaited<ReturnType<typeof readExif>>): ContentMetadata {
  const { decoded } = prepared;
  return {
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
}

export class DecodeStage {
  private readonly byteHashers: ContentHasher[] = [];

  constructor(
    private readonly ctx: PipelineContext,
    private readonly out: FileOutcomes,
    private readonly next: BoundedQueue<PreparedJob>,
    private readonly embed: EmbedStage,
    private readonly stopped: () => boolean,
  ) {}

  async decode(job: HashedJob): Promise<void> {
    await this.ctx.gate.wait(this.ctx.signal);
    if (this.stopped()) return;
    this.ctx.meter.current = job.path;
    let prepared: Prepared;
    let exif: Awaited<ReturnType<typeof readExif>>;
    // A suspect of an earlier crash is decoded and embedded with nothing else in native work, so that a crash
    // now names it alone.
    const alone = this.ctx.native.isSuspect(job.path);
    try {
      const bytes = await this.readVerified(job);
      const decoding = this.ctx.native.run('decode', [job.path], () => this.ctx.engine.prepare(bytes, job.path), alone);
      [prepared, exif] = await Promise.all([decoding, readExif(bytes)]);
    } catch (err) {
      if (!this.ctx.signal.aborted) this.out.settle(job, { reason: (err as Error).message });
      return;
    }
    const meta = metadataOf(job, prepared, exif);
    if (job.vectorKnown) return this.out.settle(job, { meta });
    if (alone) return this.embed.embedAlone({ job, tensor: prepared.tensor, meta });
    await this.next.push({ job, tensor: prepared.tensor, meta });
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
}
