// The engine process's entry: a child process of main (Electron's utilityProcess in the app, child_process.fork
// under plain Node), so a native crash in sharp/libvips, heic-decode or onnxruntime ends this process, never
// main's; main's host sees the exit, fails what was in flight and starts another. It opens the Library in the
// data folder and answers main's calls with the contract's EngineApi; the Library's job and status events go back
// as contract events. The OS trash is the one thing it asks of main (Electron's shell).
import { openLibrary, toErrorPayload, type Library } from '../engine/library/index.js';
import type { EngineApi } from '../shared/contract.js';
import type { ToEngine } from '../shared/rpc.js';
import { createEngineApi } from './api.js';
import { parentLine, readConfig } from './channel.js';

const line = parentLine();
const config = readConfig();
const send = line.send;

const waiting = new Map<number, { resolve(): void; reject(error: Error): void }>();
let nextId = 1;
const trashItem = (path: string): Promise<void> =>
  new Promise((resolve, reject) => {
    const id = nextId++;
    waiting.set(id, { resolve, reject });
    send({ type: 'callback', id, name: 'trashItem', path });
  });

const opened: Promise<Library> = openLibrary({
  dataDir: config.dataDir,
  appVersion: config.appVersion,
  env: { ...process.env, ...config.env },
  engine: config.modelDir ? { modelDir: config.modelDir } : {},
  scanJournal: config.scanJournal ?? null,
  trash: trashItem,
  onEvent: (e) => {
    if (e.type === 'statusChanged') send({ type: 'event', event: 'statusChanged', payload: e.status });
    else if (e.type === 'jobProgress') send({ type: 'event', event: 'jobProgress', payload: { jobId: e.jobId, kind: e.kind, progress: e.progress } });
    else send({ type: 'event', event: 'jobDone', payload: e.done });
  },
  log: (text) => console.error(`lookalike engine: ${text}`),
});
const ready = opened.then((library) => {
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

line.onMessage((msg: ToEngine) => {
  if (msg.type === 'call') {
    void answer(msg.id, msg.method, msg.req);
    return;
  }
  const waiter = waiting.get(msg.id);
  waiting.delete(msg.id);
  if (msg.ok) waiter?.resolve();
  else waiter?.reject(new Error(msg.error.message));
});

// Main closed the line (it is quitting, or it died): stop the jobs, keeping what they finished, and close the catalog.
line.onGone(() => {
  const deadline = setTimeout(() => process.exit(0), 5000);
  deadline.unref();
  void opened
    .then((library) => library.close())
    .catch(() => undefined)
    .finally(() => process.exit(0));
});
