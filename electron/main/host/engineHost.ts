// Main's side of the engine process. The engine (onnxruntime, sharp, the catalog's SQLite) runs apart from the
// main process's event loop, which serves IPC, menus and window events, so it never waits on a model run. The
// host is a typed client of the contract's EngineApi: `host.api.getGroups(req)` is the engine's getGroups. A
// crashed engine fails what was in flight with a clear error and is started again on the next call.
import { Worker } from 'node:worker_threads';
import { engineMethods, type EngineApi, type EngineMethod } from '../../shared/contract.js';
import type { EngineEvent, EngineProcessConfig, FromEngine, HostCallbacks, ToEngine } from '../../shared/rpc.js';
import { ApiError } from '../apiError.js';

export interface EngineHost {
  api: EngineApi;
  onEvent(listener: (event: EngineEvent) => void): () => void;
  close(): Promise<void>;
}

export interface EngineHostOptions {
  /** The compiled engine process entry (engineProcess/entry.js). */
  entryUrl: URL;
  config: EngineProcessConfig;
  callbacks: HostCallbacks;
  log?: (line: string) => void;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

class EngineConnection {
  readonly listeners = new Set<(event: EngineEvent) => void>();
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #worker: Worker | null = null;
  #closed = false;

  constructor(private readonly options: EngineHostOptions) {}

  call(method: EngineMethod, req: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      this.#pending.set(id, { resolve, reject });
      try {
        this.#current().postMessage({ type: 'call', id, method, req } satisfies ToEngine);
      } catch (error) {
        this.#pending.delete(id);
        reject(error as Error);
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const w = this.#worker;
    this.#worker = null;
    this.#failPending('the engine is closing');
    if (w) await w.terminate();
  }

  #current(): Worker {
    if (this.#closed) throw new ApiError('unavailable', 'the engine host is closed');
    this.#worker ??= this.#spawn();
    return this.#worker;
  }

  #spawn(): Worker {
    const w = new Worker(this.options.entryUrl, { workerData: this.options.config, name: 'lookalike-engine' });
    w.on('message', (msg: FromEngine) => this.#onMessage(w, msg));
    w.on('error', (error) => this.options.log?.(`engine error: ${error.stack ?? error.message}`));
    w.on('exit', (code) => {
      if (this.#worker === w) this.#worker = null;
      if (this.#closed) return;
      const reason = `the engine stopped (exit code ${code})`;
      this.options.log?.(reason);
      this.#failPending(reason);
    });
    return w;
  }

  #failPending(reason: string): void {
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new ApiError('unavailable', reason));
    }
  }

  #onMessage(w: Worker, msg: FromEngine): void {
    if (msg.type === 'event') {
      for (const listener of this.listeners) listener(msg);
    } else if (msg.type === 'reply') {
      const p = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(new ApiError(msg.error.code, msg.error.message));
    } else {
      const reply = (error: string | null): void =>
        w.postMessage((error === null ? { type: 'reply', id: msg.id, ok: true, value: null } : { type: 'reply', id: msg.id, ok: false, error: { code: 'failed', message: error } }) satisfies ToEngine);
      this.options.callbacks[msg.name](msg.path).then(
        () => reply(null),
        (error: unknown) => reply(error instanceof Error ? error.message : String(error)),
      );
    }
  }
}

export function startEngineHost(options: EngineHostOptions): EngineHost {
  const connection = new EngineConnection(options);
  const api = Object.fromEntries(engineMethods.map((m) => [m, (req: unknown) => connection.call(m, req)])) as unknown as EngineApi;
  return {
    api,
    onEvent(listener) {
      connection.listeners.add(listener);
      return () => connection.listeners.delete(listener);
    },
    close: () => connection.close(),
  };
}
