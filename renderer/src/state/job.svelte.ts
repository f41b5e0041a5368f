// One long job as the UI sees it: started by a call that returns a job id, then fed by the shell's
// jobProgress / jobDone events. Events for other jobs (or late ones from a cancelled job) are ignored.
// Its states are the contract's job states (values.ts `jobStates`) plus the two before the shell has one.
import type { ApiEvents, JobDone, JobInfo, JobProgressView } from '../../../electron/shared/contract.js';
import type { JobKind, JobState as EngineJobState } from '../../../electron/shared/values.js';
import { percent } from '../lib/format.js';

/** `idle`: never started; `starting`: the start call has not returned yet; then the shell's own states. */
export type JobStatus = 'idle' | 'starting' | EngineJobState;

const ACTIVE: ReadonlySet<JobStatus> = new Set(['starting', 'queued', 'running', 'paused']);

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
  /** Not finished: it can still be cancelled, and a second one must not start. */
  readonly active = $derived(ACTIVE.has(this.status));

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

  /**
   * Takes over a job the shell reports (listJobs), e.g. one still running when the window was reloaded: an
   * unfinished one, and only while this one has none of its own in flight. Returns whether it did.
   */
  adopt(info: JobInfo): boolean {
    const own = info.jobId === this.id;
    if (info.kind !== this.kind || (this.active && !own) || (!own && !ACTIVE.has(info.state))) return false;
    this.id = info.jobId;
    this.status = info.state;
    this.progress = info.progress;
    this.error = null;
    return true;
  }

  /** A job waits its turn in the phase "queued"; its first other phase means it runs. */
  onProgress(event: ApiEvents['jobProgress']): boolean {
    if (event.jobId !== this.id || !this.active) return false;
    this.progress = event.progress;
    const queued = event.progress.phase === 'queued';
    if (queued && (this.status === 'starting' || this.status === 'running')) this.status = 'queued';
    else if (!queued && this.status === 'queued') this.status = 'running';
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
