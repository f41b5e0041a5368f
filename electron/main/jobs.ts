// Main's view of running jobs, with pause and resume. A scan pauses in place: the scanner's own pause gate holds
// it at the next file, nothing is stopped or redone. A download pauses by stopping the worker's run (its
// AbortController) and keeping the job's id and parameters; resume starts it again under the same id, which is
// honest because a download resumes its partial files. An export cannot be paused.
import type { JobDone, JobInfo, JobKind } from '../shared/contract.js';
import { ApiError } from './apiError.js';
import type { EngineHost, HostEvent } from './host/engineHost.js';
import type { JobParams } from './host/protocol.js';

const pausesInPlace: ReadonlySet<JobKind> = new Set(['scan']);
const restartable: ReadonlySet<JobKind> = new Set(['downloadModel']);

interface Entry {
  info: JobInfo;
  params: JobParams[JobKind];
  /** Set while a paused run is still winding down in the worker; resume waits for it. */
  stopping: Promise<void> | null;
  stopped: (() => void) | null;
}

export interface JobRegistry {
  start<K extends JobKind>(kind: K, params: JobParams[K]): string;
  pause(jobId: string): boolean;
  resume(jobId: string): Promise<boolean>;
  cancel(jobId: string): boolean;
  list(): JobInfo[];
  /** Host events as the renderer should see them (a paused job's abort is not a "done"). */
  onEvent(listener: (event: HostEvent) => void): () => void;
}

export function createJobRegistry(host: EngineHost, now: () => number = Date.now): JobRegistry {
  const jobs = new Map<string, Entry>();
  const listeners = new Set<(event: HostEvent) => void>();
  const emit = (event: HostEvent): void => listeners.forEach((l) => l(event));

  host.onEvent((event) => {
    if (event.type === 'jobProgress') {
      const entry = jobs.get(event.jobId);
      if (!entry) return;
      // A job paused in place still reports (its phase says "paused"); a stopped one's late reports are dropped.
      if (entry.info.state !== 'running' && !(entry.info.state === 'paused' && pausesInPlace.has(entry.info.kind))) return;
      entry.info.progress = event.progress;
    } else if (event.type === 'jobDone') {
      const entry = jobs.get(event.done.jobId);
      entry?.stopped?.();
      if (entry?.info.state === 'paused' && !pausesInPlace.has(entry.info.kind)) return;
      if (entry) entry.info.state = finalState(event.done);
    }
    emit(event);
  });

  const get = (jobId: string): Entry => {
    const entry = jobs.get(jobId);
    if (!entry) throw new ApiError('not-found', `no job ${jobId}`);
    return entry;
  };

  return {
    start(kind, params) {
      const jobId = host.startJob(kind, params);
      const info: JobInfo = { jobId, kind, state: 'running', progress: null, startedAt: now() };
      jobs.set(jobId, { info, params, stopping: null, stopped: null });
      return jobId;
    },
    pause(jobId) {
      const entry = get(jobId);
      if (entry.info.state !== 'running') return false;
      if (pausesInPlace.has(entry.info.kind)) {
        entry.info.state = 'paused';
        host.pauseJob(jobId, true);
        return true;
      }
      if (!restartable.has(entry.info.kind)) return false;
      entry.info.state = 'paused';
      entry.stopping = new Promise((resolve) => {
        entry.stopped = () => {
          entry.stopping = null;
          entry.stopped = null;
          resolve();
        };
      });
      host.cancelJob(jobId);
      return true;
    },
    async resume(jobId) {
      const entry = get(jobId);
      if (entry.info.state !== 'paused') return false;
      if (pausesInPlace.has(entry.info.kind)) {
        entry.info.state = 'running';
        host.pauseJob(jobId, false);
        return true;
      }
      await entry.stopping;
      if (entry.info.state !== 'paused') return false;
      entry.info.state = 'running';
      host.startJob(entry.info.kind, entry.params, jobId);
      return true;
    },
    cancel(jobId) {
      const entry = get(jobId);
      if (entry.info.state === 'paused' && pausesInPlace.has(entry.info.kind)) {
        // The gate lets go on abort: the scan ends as cancelled, keeping what it finished.
        host.cancelJob(jobId);
        return true;
      }
      if (entry.info.state === 'paused') {
        entry.info.state = 'cancelled';
        emit({ type: 'jobDone', done: { jobId, kind: entry.info.kind, ok: false, cancelled: true, error: 'cancelled' } });
        return true;
      }
      if (entry.info.state !== 'running') return false;
      host.cancelJob(jobId);
      return true;
    },
    list: () => [...jobs.values()].map((e) => ({ ...e.info })),
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}

function finalState(done: JobDone): JobInfo['state'] {
  if (done.ok) return 'done';
  return done.cancelled ? 'cancelled' : 'failed';
}

