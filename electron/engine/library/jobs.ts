// The one job model for every long job (scan, model download, feature export): queued → running ⇄ paused →
// done | failed | cancelled, one Progress type, one throttle. Jobs of one kind run one at a time (a second scan
// waits for the first rather than racing it over the catalog). A scan pauses in place (its gate holds it at the
// next file); a download pauses by stopping and resumes by starting again under the same id, which is honest
// because downloads resume their partial files; an export cannot pause.
import { randomUUID } from 'node:crypto';
import { PauseGate } from '../scan/pause.js';
import { LookalikeError, toErrorPayload } from '../errors.js';
import type { JobKind, JobState } from '../../shared/values.js';
import type { JobDone, JobInfo, JobProgressView, JobResults } from './types.js';

/** What a running job is given: the `(params, { signal, onProgress })` shape every long job takes. */
export interface JobControl {
  signal: AbortSignal;
  onProgress(progress: JobProgressView): void;
  /** Holds the job at its next item while paused (jobs that pause in place). */
  pause?: PauseGate;
}

export type JobEvent = { type: 'jobProgress'; jobId: string; kind: JobKind; progress: JobProgressView } | { type: 'jobDone'; done: JobDone };

export type JobRun<K extends JobKind> = (control: JobControl) => Promise<JobResults[K]>;

const PROGRESS_INTERVAL_MS = 100;
const PAUSES_IN_PLACE: ReadonlySet<JobKind> = new Set(['scan']);
const RESTARTABLE: ReadonlySet<JobKind> = new Set(['downloadModel']);

interface Job {
  info: JobInfo;
  run: JobRun<JobKind>;
  controller: AbortController;
  gate: PauseGate;
  /** Settles when the current run has ended (a paused download waits on it before starting again). */
  ended: Promise<void>;
}

export class JobRunner {
  readonly #jobs = new Map<string, Job>();
  readonly #tails = new Map<JobKind, Promise<void>>();

  constructor(
    private readonly emit: (event: JobEvent) => void,
    private readonly now: () => number = Date.now,
  ) {}

  start<K extends JobKind>(kind: K, run: JobRun<K>): string {
    const jobId = randomUUID();
    const job: Job = {
      info: { jobId, kind, state: 'queued', progress: null, startedAt: this.now() },
      run: run as JobRun<JobKind>,
      controller: new AbortController(),
      gate: new PauseGate(),
      ended: Promise.resolve(),
    };
    this.#jobs.set(jobId, job);
    this.#enqueue(job);
    return jobId;
  }

  pause(jobId: string): boolean {
    const job = this.#get(jobId);
    if (job.info.state !== 'running') return false;
    if (PAUSES_IN_PLACE.has(job.info.kind)) job.gate.pause();
    else if (RESTARTABLE.has(job.info.kind)) job.controller.abort();
    else return false;
    job.info.state = 'paused';
    return true;
  }

  async resume(jobId: string): Promise<boolean> {
    const job = this.#get(jobId);
    if (job.info.state !== 'paused') return false;
    if (PAUSES_IN_PLACE.has(job.info.kind)) {
      job.info.state = 'running';
      job.gate.resume();
      return true;
    }
    await job.ended;
    if (job.info.state !== 'paused') return false;
    job.controller = new AbortController();
    this.#enqueue(job);
    return true;
  }

  cancel(jobId: string): boolean {
    const job = this.#get(jobId);
    const { state, kind } = job.info;
    if (state === 'done' || state === 'failed' || state === 'cancelled') return false;
    // A stopped (restartable) job has no run to end: it is cancelled here and now.
    const stopped = state === 'paused' && !PAUSES_IN_PLACE.has(kind);
    job.controller.abort();
    if (stopped) this.#finish(job, { jobId, kind, ok: false, cancelled: true, error: 'cancelled' } as JobDone);
    return true;
  }

  list(): JobInfo[] {
    return [...this.#jobs.values()].map((j) => ({ ...j.info }));
  }

  /** Cancels everything and waits for the runs to end (closing the library). */
  async stopAll(): Promise<void> {
    for (const job of this.#jobs.values()) job.controller.abort();
    await Promise.all([...this.#jobs.values()].map((j) => j.ended));
  }

  #get(jobId: string): Job {
    const job = this.#jobs.get(jobId);
    if (!job) throw new LookalikeError('not-found', `no job ${jobId}`);
    return job;
  }

  #enqueue(job: Job): void {
    const tail = this.#tails.get(job.info.kind) ?? Promise.resolve();
    job.info.state = 'queued';
    job.ended = tail.then(() => this.#execute(job));
    this.#tails.set(job.info.kind, job.ended);
  }

  async #execute(job: Job): Promise<void> {
    const { jobId, kind } = job.info;
    if (job.controller.signal.aborted) return this.#finish(job, { jobId, kind, ok: false, cancelled: true, error: 'cancelled' } as JobDone);
    job.info.state = 'running';
    const progress = this.#throttledProgress(job);
    let done: JobDone;
    try {
      const result = await job.run({ signal: job.controller.signal, onProgress: progress.report, pause: job.gate });
      done = job.controller.signal.aborted ? this.#stopped(job) : ({ jobId, kind, ok: true, result } as JobDone);
    } catch (error) {
      done = job.controller.signal.aborted ? this.#stopped(job) : ({ jobId, kind, ok: false, cancelled: false, error: toErrorPayload(error).message } as JobDone);
    } finally {
      progress.stop();
    }
    // A paused restartable job stopped on purpose: it is not done, it waits for resume.
    if ((job.info.state as JobState) === 'paused' && !PAUSES_IN_PLACE.has(kind)) return;
    this.#finish(job, done);
  }

  #stopped(job: Job): JobDone {
    return { jobId: job.info.jobId, kind: job.info.kind, ok: false, cancelled: true, error: 'cancelled' } as JobDone;
  }

  #finish(job: Job, done: JobDone): void {
    job.info.state = finalState(done);
    this.emit({ type: 'jobDone', done });
  }

  /** At most one progress event per interval, the latest one, so a fast job cannot flood the front end. */
  #throttledProgress(job: Job): { report(p: JobProgressView): void; stop(): void } {
    let lastSent = 0;
    let latest: JobProgressView | null = null;
    let timer: NodeJS.Timeout | null = null;
    const flush = (): void => {
      timer = null;
      lastSent = Date.now();
      if (!latest || job.controller.signal.aborted) return;
      job.info.progress = latest;
      this.emit({ type: 'jobProgress', jobId: job.info.jobId, kind: job.info.kind, progress: latest });
    };
    return {
      report(p) {
        latest = p;
        const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastSent);
        if (wait <= 0) flush();
        else timer ??= setTimeout(flush, wait);
      },
      stop() {
        // The last report goes out before the job's end, so a finished panel shows the final counts.
        if (timer) {
          clearTimeout(timer);
          flush();
        }
        if (latest) job.info.progress = latest;
      },
    };
  }
}

function finalState(done: JobDone): JobState {
  if (done.ok) return 'done';
  return done.cancelled ? 'cancelled' : 'failed';
}
