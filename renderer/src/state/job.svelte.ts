// One long job as the UI sees it: started by a call that returns a job id, then fed by the shell's
// jobProgress / jobDone events. Events for other jobs (or late ones from a cancelled job) are ignored.
import type { ApiEvents, JobDone, JobKind, JobProgressView } from '../../../electron/shared/contract.js';
import { percent } from '../lib/format.js';

export type JobStatus = 'idle' | 'starting' | 'running' | 'paused' | 'done' | 'failed' | 'cancelled';

/** What a progress display reads from any job. */
export interface JobView {
  readonly status: JobStatus;
  readonly progress: JobProgressView | null;
  readonly percent: number;
  readonly error: string | null;
  readonly active: boolean;
}

export class JobState<K extends JobKind = JobKind> implements JobView {
  id = $state<string | null>(null);
  status = $state<JobStatus>('idle');
  progress = $state.raw<JobProgressView | null>(null);
  error = $state<string | null>(null);
  result = $state.raw<Extract<JobDone, { kind: K; ok: true }>['result'] | null>(null);
  readonly kind: K;

  readonly percent = $derived(this.progress ? percent(this.progress.done, this.progress.total) : 0);
  readonly active = $derived(this.status === 'starting' || this.status === 'running' || this.status === 'paused');

  constructor(kind: K) {
    this.kind = kind;
  }

  /** Before the call that starts the job returns: the UI shows "starting" and blocks a second start. */
  starting(): void {
    this.status = 'starting';
    this.progress = null;
    this.error = null;
    this.result = null;
  }

  started(id: string): void {
    this.id = id;
    if (this.status === 'starting' || this.status === 'idle') this.status = 'running';
  }

  failedToStart(message: string): void {
    this.status = 'failed';
    this.error = message;
  }

  onProgress(event: ApiEvents['jobProgress']): boolean {
    if (event.jobId !== this.id || !this.active) return false;
    this.progress = event.progress;
    return true;
  }

  setPaused(paused: boolean): void {
    if (this.status === 'running' || this.status === 'paused') this.status = paused ? 'paused' : 'running';
  }

  onDone(event: JobDone): boolean {
    if (event.jobId !== this.id || event.kind !== this.kind) return false;
    if (event.ok) {
      this.status = 'done';
      this.result = event.result as typeof this.result;
    } else {
      this.status = event.cancelled ? 'cancelled' : 'failed';
      this.error = event.cancelled ? null : event.error;
    }
    return true;
  }
}
