// The engine worker's entry: routes main's messages to the services, one AbortController per job, progress
// throttled so a fast job cannot flood main's event loop with messages.
import { parentPort, workerData } from 'node:worker_threads';
import { PauseGate } from '../../engine/scan/pause.js';
import type { JobKind, JobDone, JobProgressView } from '../../shared/contract.js';
import { toErrorPayload } from '../apiError.js';
import type { CallbackName, EngineHostConfig, FromWorker, HostCallbacks, ToWorker, WorkerMethod } from './protocol.js';
import { createWorkerServices } from './services.js';

const PROGRESS_INTERVAL_MS = 100;

if (!parentPort) throw new Error('engineWorker.ts must run in a worker thread');
const port = parentPort;
const send = (msg: FromWorker): void => port.postMessage(msg);

const callbackWaiters = new Map<number, { resolve(): void; reject(error: Error): void }>();
let nextCallbackId = 1;
const callMain = (name: CallbackName, path: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const id = nextCallbackId++;
    callbackWaiters.set(id, { resolve, reject });
    send({ type: 'callback', id, name, path });
  });
const callbacks: HostCallbacks = { trashItem: (path) => callMain('trashItem', path) };

const services = createWorkerServices(workerData as EngineHostConfig, {
  callbacks,
  onStatus: (status) => send({ type: 'statusChanged', status }),
});
const jobs = new Map<string, { controller: AbortController; gate: PauseGate }>();

async function runCall(id: number, method: WorkerMethod, args: unknown): Promise<void> {
  try {
    const fn = services.calls[method] as (args: unknown) => Promise<unknown>;
    send({ type: 'reply', id, ok: true, value: await fn(args) });
  } catch (error) {
    send({ type: 'reply', id, ok: false, error: toErrorPayload(error) });
  }
}

async function runJob(jobId: string, kind: JobKind, params: unknown): Promise<void> {
  const controller = new AbortController();
  const gate = new PauseGate();
  jobs.set(jobId, { controller, gate });
  let lastSent = 0;
  let latest: JobProgressView | null = null;
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    timer = null;
    if (latest && !controller.signal.aborted) send({ type: 'jobProgress', jobId, kind, progress: latest });
    lastSent = Date.now();
  };
  const onProgress = (progress: JobProgressView): void => {
    latest = progress;
    const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastSent);
    if (wait <= 0) flush();
    else timer ??= setTimeout(flush, wait);
  };
  let done: JobDone;
  try {
    const run = services.jobs[kind] as (p: unknown, o: { signal: AbortSignal; onProgress: typeof onProgress; pause: PauseGate }) => Promise<never>;
    const result = await run(params, { signal: controller.signal, onProgress, pause: gate });
    done = controller.signal.aborted
      ? { jobId, kind, ok: false, cancelled: true, error: 'cancelled' }
      : ({ jobId, kind, ok: true, result } as JobDone);
  } catch (error) {
    const cancelled = controller.signal.aborted;
    done = { jobId, kind, ok: false, cancelled, error: cancelled ? 'cancelled' : toErrorPayload(error).message };
  } finally {
    if (timer) clearTimeout(timer);
    jobs.delete(jobId);
  }
  send({ type: 'jobDone', done });
}

port.on('message', (msg: ToWorker) => {
  switch (msg.type) {
    case 'call':
      void runCall(msg.id, msg.method, msg.args);
      return;
    case 'startJob':
      void runJob(msg.jobId, msg.kind, msg.params);
      return;
    case 'cancelJob':
      jobs.get(msg.jobId)?.controller.abort();
      return;
    case 'pauseJob': {
      const gate = jobs.get(msg.jobId)?.gate;
      if (msg.paused) gate?.pause();
      else gate?.resume();
      return;
    }
    case 'callbackReply': {
      const waiter = callbackWaiters.get(msg.id);
      callbackWaiters.delete(msg.id);
      if (msg.ok) waiter?.resolve();
      else waiter?.reject(new Error(msg.error));
      return;
    }
  }
});
