// The last stage: the model embeds prepared tensors one batch at a time, and each batch commits with its files,
// so a kill loses at most the batch in flight. A failing batch is retried one by one to find the bad input.
import type { FileOutcomes } from './fileOutcomes.js';
import type { PipelineContext, PreparedJob } from './pipelineTypes.js';
import type { BoundedQueue } from './queue.js';

export class EmbedStage {
  constructor(
    private readonly ctx: PipelineContext,
    private readonly out: FileOutcomes,
  ) {}

  /** A suspect of an earlier crash: embedded by itself and committed at once. */
  async embedAlone(item: PreparedJob): Promise<void> {
    const [vector] = await this.ctx.native.run('embed', [item.job.path], () => this.runBatch([item.tensor]), true);
    this.settleEmbedded(item, vector!);
    this.ctx.writer.flush();
  }

  async loop(input: BoundedQueue<PreparedJob>): Promise<void> {
    const { batchSize, writer, native } = this.ctx;
    for (let batch = await input.takeUpTo(batchSize); batch.length > 0; batch = await input.takeUpTo(batchSize)) {
      const vectors = await native.run('embed', batch.map((b) => b.job.path), () => this.runBatch(batch.map((b) => b.tensor)));
      batch.forEach((item, i) => this.settleEmbedded(item, vectors[i]!));
      // One commit per batch: a kill loses at most the batch in flight.
      writer.flush();
      this.ctx.meter.report(true);
    }
  }

  private settleEmbedded(item: PreparedJob, v: Float32Array | string): void {
    const { dim } = this.ctx.engine;
    if (typeof v === 'string') return this.out.settle(item.job, { reason: v });
    if (v.length !== dim) return this.out.settle(item.job, { reason: `model returned ${v.length} values, expected ${dim}` });
    this.ctx.meter.embedded++;
    this.out.settle(item.job, { meta: item.meta, vector: v });
  }

  /** Vectors, or a reason per tensor. */
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
}
