// The engine process's entry (a worker thread today; the same messages suit a utilityProcess). It opens the
// Library in the data folder and answers main's calls with the contract's EngineApi; the Library's job and
// status events go back as contract events. The OS trash is the one thing it asks of main (Electron's shell).
import { parentPort, workerData } from 'node:worker_threads';
import { openLibrary, toErrorPayload } from '../engine/library/index.js';
import type { EngineApi } from '../shared/contract.js';
import type { EngineProcessConfig, FromEngine, ToEngine } from '../shared/rpc.js';
import { createEngineApi } from './api.js';

if (!parentPort) throw new Error('engineProcess/entry.ts must run in a worker thread');
const port = parentPort;
const config = workerData as EngineProcessConfig;
const send = (msg: FromEngine): void => port.postMessage(msg);

const waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
let nextId = 1;
const trashItem = (path: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    send({ type: 'callback', id, name: 'trashItem', path });
  });

const ready = openLibrary({
  dataDir: config.dataDir,
  appVersion: config.appVersion,
  env: { ...process.env, ...config.env },
  engine: config.modelDir ? { modelDir: config.modelDir } : {},
  trash: trashItem,
  onEvent: (e) => {
    if (e.type === 'statusChanged') send({ type: 'event', event: 'statusChanged', payload: e.status });
    else if (e.type === 'jobProgress') send({ type: 'event', event: 'jobProgress', payload: { jobId: e.jobId, kind: e.kind, progress: e.progress } });
    else send({ type: 'event', event: 'jobDone', payload: e.done });
  },
  log: (line) => console.error(`lookalike engine: ${line}`),
}).then((library) => {
  // Load the model now, so the first compare or scan does not wait for it.
  library.session.preload();
  return createEngineApi(library);
});

async function answer(id: number, method: keyof EngineApi, req: unknown): Promise<void> {
  try {
    const api = await ready;
    const fn = api[method] as (req: unknown) => Promise<unknown>;
    send({ type: 'reply', id, ok: true, value: await fn(req) });
  } catch (error) {
    send({ type: 'reply', id, ok: false, error: toErrorPayload(error) });
  }
}

port.on('message', (msg: ToEngine) => {
  if (msg.type === 'call') {
    void answer(msg.id, msg.method, msg.req);
    return;
  }
  const waiter = waiting.get(msg.id);
  waiting.delete(msg.id);
  if (msg.ok) waiter?.resolve();
  else waiter?.reject(new Error(msg.error.message));
});
