// Counts, rate and ETA for a job whose total is known up front.
import type { JobProgress } from '../types.js';

export class ProgressMeter {
  private readonly started = performance.now();
  private succeeded = 0;
  private failed = 0;

  constructor(private readonly total: number) {}

  succeed(): void {
    this.succeeded++;
  }

  fail(): void {
    this.failed++;
  }

  snapshot(current: string | null): JobProgress {
    const done = this.succeeded + this.failed;
    const seconds = (performance.now() - this.started) / 1000;
    const rate = seconds > 0 ? done / seconds : 0;
    return {
      done,
      total: this.total,
      failed: this.failed,
      rate,
      etaSeconds: rate > 0 ? (this.total - done) / rate : null,
      current,
    };
  }
}
