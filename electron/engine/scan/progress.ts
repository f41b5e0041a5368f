// Counts, rate and ETA for a scan, reported at most every `intervalMs` (plus phase changes and the end).
import type { ScanPhase, ScanProgress } from './types.js';

export class ScanMeter {
  found = 0;
  done = 0;
  hashed = 0;
  embedded = 0;
  failed = 0;
  bytes = 0;
  current: string | null = null;
  phase: ScanPhase = 'crawling';
  private startedAt = performance.now();
  private lastReport = 0;

  constructor(
    private readonly onProgress: ((p: ScanProgress) => void) | undefined,
    private readonly intervalMs = 200,
  ) {}

  /** The rate counts from here (after the crawl), so the ETA is not skewed by walking folders. */
  startWork(): void {
    this.startedAt = performance.now();
  }

  setPhase(phase: ScanPhase): void {
    this.phase = phase;
    this.report(true);
  }

  snapshot(): ScanProgress {
    const seconds = (performance.now() - this.startedAt) / 1000;
    const rate = seconds > 0 && this.phase !== 'crawling' ? this.done / seconds : 0;
    const left = Math.max(0, this.found - this.done);
    return {
      phase: this.phase,
      found: this.found,
      done: this.done,
      total: this.found,
      hashed: this.hashed,
      embedded: this.embedded,
      failed: this.failed,
      bytes: this.bytes,
      rate,
      etaSeconds: rate > 0 && this.phase === 'scanning' ? left / rate : this.phase === 'done' ? 0 : null,
      current: this.current,
    };
  }

  report(force = false): void {
    if (!this.onProgress) return;
    const now = performance.now();
    if (!force && now - this.lastReport < this.intervalMs) return;
    this.lastReport = now;
    this.onProgress(this.snapshot());
  }
}
