// The per-file stages of a scan, joined by bounded queues:
//   stat/classify (classifyStage.ts, batches of 256) -> hash + sniff (hashStage.ts, 2)
//   -> decode/preprocess + EXIF (decodeStage.ts, 2) -> embed (embedStage.ts, one batch at a time)
// and a batched writer. Unchanged files stop at the first stage without being opened. A file whose bytes
// already have a vector for this model (a move, a rename, a copy) stops after hashing.
import { ClassifyStage } from './classifyStage.js';
import { DecodeStage } from './decodeStage.js';
import { EmbedStage } from './embedStage.js';
import { FileOutcomes } from './fileOutcomes.js';
import { ContentHasher } from './hash.js';
import { HashStage } from './hashStage.js';
import type { FileJob, HashedJob, PipelineContext, PipelineCounts, PreparedJob } from './pipelineTypes.js';
import { BoundedQueue, drain } from './queue.js';
import type { FailedFile } from './types.js';

export type { PipelineContext, PipelineCounts } from './pipelineTypes.js';

/** Paths stat'ed and looked up together; two batches in flight, so async stats (a slow device) overlap. */
const CLASSIFY_BATCH = 256;
const CLASSIFY_CONCURRENCY = 2;
const HASH_CONCURRENCY = 2;
const DECODE_CONCURRENCY = 2;

export class ScanPipeline {
  private readonly statQueue = new BoundedQueue<string>(CLASSIFY_BATCH * CLASSIFY_CONCURRENCY);
  private readonly hashQueue = new BoundedQueue<HashedJob | FileJob>(64);
  private readonly decodeQueue = new BoundedQueue<HashedJob>(8);
  private readonly embedQueue: BoundedQueue<PreparedJob>;
  private readonly out: FileOutcomes;
  private readonly classifier: ClassifyStage;
  private readonly hasher: HashStage;
  private readonly decoder: DecodeStage;
  private readonly embedder: EmbedStage;
  private fatal: unknown = null;

  constructor(private readonly ctx: PipelineContext) {
    this.embedQueue = new BoundedQueue<PreparedJob>(Math.max(2, ctx.batchSize * 2));
    this.out = new FileOutcomes(ctx);
    const stopped = (): boolean => this.stopped;
    this.classifier = new ClassifyStage(ctx, this.out, this.hashQueue, stopped);
    this.hasher = new HashStage(ctx, this.out, this.decodeQueue, stopped);
    this.embedder = new EmbedStage(ctx, this.out);
    this.decoder = new DecodeStage(ctx, this.out, this.embedQueue, this.embedder, stopped);
  }

  get counts(): PipelineCounts {
    return this.out.counts;
  }

  get failed(): FailedFile[] {
    return this.out.failed;
  }

  /** Called after each writer commit: committed content is now found by the catalog lookups. */
  committed(): void {
    this.out.committed();
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
    const stats = guard(this.classifyAll()).then(() => this.hashQueue.close());
    // A hasher holds one file's running state: each job borrows a free one and gives it back (handing them out in
    // turn would let a quick job's successor share a hasher with a long hash still running, mixing two files).
    const freeHashers = await Promise.all(Array.from({ length: HASH_CONCURRENCY }, () => ContentHasher.create()));
    const hashWithFreeHasher = async (job: HashedJob | FileJob): Promise<void> => {
      const hasher = freeHashers.pop()!;
      try {
        await this.hasher.hash(job, hasher);
      } finally {
        freeHashers.push(hasher);
      }
    };
    const hashes = guard(drain(this.hashQueue, HASH_CONCURRENCY, hashWithFreeHasher)).then(() => this.decodeQueue.close());
    const decodes = guard(drain(this.decodeQueue, Math.max(DECODE_CONCURRENCY, (this.ctx.engine.preprocessWorkers ?? 0) + 1), (job) => this.decoder.decode(job))).then(() => this.embedQueue.close());
    const embeds = guard(this.embedder.loop(this.embedQueue));
    await Promise.all([feed, stats, hashes, decodes, embeds]);
    if (this.fatal) throw this.fatal;
  }

  private async classifyAll(): Promise<void> {
    const loop = async (): Promise<void> => {
      for (let b = await this.statQueue.takeUpTo(CLASSIFY_BATCH); b.length > 0; b = await this.statQueue.takeUpTo(CLASSIFY_BATCH)) {
        await this.classifier.classifyBatch(b);
      }
    };
    await Promise.all(Array.from({ length: CLASSIFY_CONCURRENCY }, loop));
  }

  private get stopped(): boolean {
    return this.ctx.signal.aborted || this.fatal !== null;
  }
}
