// Main's view of running jobs, with pause and resume. Pause stops the worker's run (its AbortController) and
// keeps the job's id and parameters; resume starts the same job again under the same id. That is honest for the
// kinds marked resumable: a scan is incremental (the catalog skips what is already embedded) and a download
// resumes its partial files. An export cannot be paused.
import type { JobDone, JobInfo, JobKind } from '../shared/contract.js';
import { ApiError } from './apiError.js';
import type { EngineHost, HostEvent } from './host/engineHost.js';
import type { JobParams } from './host/protocol.js';

const resumable: ReadonlySet<JobKind> = new Set(['scan', 'downloadModel']);

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
      if (!entry || entry.info.state !== 'running') return;
      entry.info.progress = event.progress;
    } else if (event.type === 'jobDone') {
      const entry = jobs.get(event.done.jobId);
      entry?.stopped?.();
      if (entry?.info.state === 'paused') return;
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
      if (entry.info.state !== 'running' || !resumable.has(entry.info.kind)) return false;
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
      await entry.stopping;
      if (entry.info.state !== 'paused') return false;
      entry.info.state = 'running';
      host.startJob(entry.info.kind, entry.params, jobId);
      return true;
    },
    cancel(jobId) {
      const entry = get(jobId);
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

