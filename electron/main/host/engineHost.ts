// Main's side of the engine worker. The engine (onnxruntime, sharp, the catalog's SQLite) runs in a worker thread
// so the main process's event loop, which serves IPC, menus and window events, never waits on a model run.
// A crashed worker fails what was in flight with a clear error and is started again on the next call.
import { randomUUID } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import type { JobDone, JobKind, JobProgressView } from '../../shared/contract.js';
import { ApiError } from '../apiError.js';
import type {
  EngineHostConfig,
  EngineStatus,
  FromWorker,
  HostCallbacks,
  JobParams,
  ToWorker,
  WorkerCalls,
  WorkerMethod,
} from './protocol.js';

export type HostEvent =
  | { type: 'jobProgress'; jobId: string; kind: JobKind; progress: JobProgressView }
  | { type: 'jobDone'; done: JobDone }
  | { type: 'statusChanged'; status: EngineStatus };

export interface EngineHost {
  call<M extends WorkerMethod>(method: M, args: WorkerCalls[M]['args']): Promise<WorkerCalls[M]['result']>;
  /** Starts a job in the worker; `jobId` is given when resuming a paused job under its old id. */
  startJob<K extends JobKind>(kind: K, params: JobParams[K], jobId?: string): string;
  cancelJob(jobId: string): void;
  /** Holds (or releases) a job that pauses in place (a scan) at its next file. */
  pauseJob(jobId: string, paused: boolean): void;
  onEvent(listener: (event: HostEvent) => void): () => void;
  close(): Promise<void>;
}

export interface EngineHostOptions {
  /** The compiled worker entry (engineWorker.js). */
  workerUrl: URL;
  config: EngineHostConfig;
  callbacks: HostCallbacks;
  log?: (line: string) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export function startEngineHost(options: EngineHostOptions): EngineHost {
  const listeners = new Set<(event: HostEvent) => void>();
  const pending = new Map<number, Pending>();
  const running = new Map<string, JobKind>();
  let nextId = 1;
  let worker: Worker | null = null;
  let closed = false;

  const emit = (event: HostEvent): void => {
    for (const listener of listeners) listener(event);
  };

  function spawn(): Worker {
    const w = new Worker(options.workerUrl, { workerData: options.config, name: 'lookalike-engine' });
    w.on('message', (msg: FromWorker) => onMessage(w, msg));
    w.on('error', (error) => options.log?.(`engine worker error: ${error.stack ?? error.message}`));
    w.on('exit', (code) => {
      if (worker === w) worker = null;
      if (closed) return;
      const reason = `the engine worker stopped (exit code ${code})`;
      options.log?.(reason);
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new ApiError('unavailable', reason));
      }
      for (const [jobId, kind] of running) {
        running.delete(jobId);
        emit({ type: 'jobDone', done: { jobId, kind, ok: false, cancelled: false, error: reason } });
      }
    });
    return w;
  }

  const current = (): Worker => {
    if (closed) throw new ApiError('unavailable', 'the engine host is closed');
    worker ??= spawn();
    return worker;
  };
  const post = (msg: ToWorker): void => current().postMessage(msg);

  function onMessage(w: Worker, msg: FromWorker): void {
    switch (msg.type) {
      case 'reply': {
        const p = pending.get(msg.id);
        if (!p) return;
        pending.delete(msg.id);
        if (msg.ok) p.resolve(msg.value);
        else p.reject(new ApiError(msg.error.code, msg.error.message));
        return;
      }
      case 'jobProgress':
        if (running.has(msg.jobId)) emit(msg);
        return;
      case 'jobDone':
        running.delete(msg.done.jobId);
        emit(msg);
        return;
      case 'statusChanged':
        emit(msg);
        return;
      case 'callback': {
        const reply = (error: string | null): void => {
          const answer: ToWorker =
            error === null ? { type: 'callbackReply', id: msg.id, ok: true } : { type: 'callbackReply', id: msg.id, ok: false, error };
          w.postMessage(answer);
        };
        options.callbacks[msg.name](msg.path).then(
          () => reply(null),
          (error: unknown) => reply(error instanceof Error ? error.message : String(error)),
        );
        return;
      }
    }
  }

  return {
    call(method, args) {
      return new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve: resolve as (value: unknown) => void, reject });
        try {
          post({ type: 'call', id, method, args });
        } catch (error) {
          pending.delete(id);
          reject(error as Error);
        }
      });
    },
    startJob(kind, params, jobId = randomUUID()) {
      if (running.has(jobId)) throw new ApiError('failed', `job ${jobId} is already running`);
      running.set(jobId, kind);
      post({ type: 'startJob', jobId, kind, params });
      return jobId;
    },
    cancelJob(jobId) {
      if (running.has(jobId) && worker) worker.postMessage({ type: 'cancelJob', jobId } satisfies ToWorker);
    },
    pauseJob(jobId, paused) {
      if (running.has(jobId) && worker) worker.postMessage({ type: 'pauseJob', jobId, paused } satisfies ToWorker);
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    async close() {
      closed = true;
      const w = worker;
      worker = null;
      for (const [id, p] of pending) {
        pending.delete(id);
        p.reject(new ApiError('unavailable', 'the engine host is closing'));
      }
      if (w) await w.terminate();
    },
  };
}
