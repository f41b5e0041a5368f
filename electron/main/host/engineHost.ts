// Main's side of the engine process. The engine (onnxruntime, sharp, the catalog's SQLite) runs in a child
// process (engineChild.ts), apart from the main process's event loop, which serves IPC, menus and window events,
// so it never waits on a model run, and a native crash there never takes main down. The host is a typed client of
// the contract's EngineApi: `host.api.getGroups(req)` is the engine's getGroups.
//
// When the engine process dies, the host reads the scan's crash journal (the file it died on is recorded as
// failed, with the reason, by the next scan), fails what was in flight with a clear error, ends its jobs with a
// failed jobDone and reports the engine's state with statusChanged, so the renderer shows what happened; the next
// call starts it again. A file whose decode runs past the per-file limit is a hang: the watchdog kills the process
// and the same happens, with the limit as the reason. The journal is <data folder>/engine-scan-journal.json, so a
// scan cut short by the whole app being killed still treats the files it was on as suspects next time.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { emptyEngineStatus, fileTimeoutMs, overdueCalls, readJournal, settleDeath, type Death } from '../../engine/library/index.js';
import { engineMethods, type EngineApi, type EngineMethod, type JobDone, type JobKind, type Status } from '../../shared/contract.js';
import { ENGINE_CONFIG_ENV, type EngineEvent, type EngineProcessConfig, type FromEngine, type HostCallbacks, type ToEngine } from '../../shared/rpc.js';
import { ApiError } from '../apiError.js';
import { spawnEngineChild, type ChildExit, type EngineChild } from './engineChild.js';

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
  /** The per-file limit on a decode or model run; default LOOKALIKE_FILE_TIMEOUT_S, else 60 s. */
  fileTimeoutMs?: number;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
}

/** The methods that start a job, so the host knows the jobs a crash ends. */
const jobStarters: Partial<Record<EngineMethod, JobKind>> = { startScan: 'scan', exportFeatures: 'exportFeatures', downloadModel: 'downloadModel' };
const STOP_GRACE_MS = 5000;

class EngineConnection {
  readonly listeners = new Set<(event: EngineEvent) => void>();
  readonly #pending = new Map<number, Pending>();
  readonly #jobs = new Map<string, JobKind>();
  readonly #journal: string;
  readonly #timeoutMs: number;
  #nextId = 1;
  #child: EngineChild | null = null;
  #watchdog: ReturnType<typeof setInterval> | null = null;
  #hung: Death['hung'] = [];
  #lastStatus: Status | null = null;
  #closed = false;

  constructor(private readonly options: EngineHostOptions) {
    this.#journal = options.config.scanJournal ?? path.join(options.config.dataDir, 'engine-scan-journal.json');
    this.#timeoutMs = options.fileTimeoutMs ?? fileTimeoutMs(process.env);
  }

  call(method: EngineMethod, req: unknown): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const id = this.#nextId++;
      const kind = jobStarters[method];
      const settle = (value: unknown): void => {
        if (kind) this.#trackJob((value as { jobId: string }).jobId, kind);
        resolve(value);
      };
      this.#pending.set(id, { resolve: settle, reject });
      try {
        this.#current().send({ type: 'call', id, method, req } satisfies ToEngine);
      } catch (error) {
        this.#pending.delete(id);
        reject(error as Error);
      }
    });
  }

  async close(): Promise<void> {
    this.#closed = true;
    const child = this.#child;
    this.#child = null;
    this.#stopWatchdog();
    this.#failPending('the engine is closing');
    await child?.stop(STOP_GRACE_MS);
  }

  #current(): EngineChild {
    if (this.#closed) throw new ApiError('unavailable', 'the engine host is closed');
    this.#child ??= this.#spawn();
    return this.#child;
  }

  #spawn(): EngineChild {
    const config: EngineProcessConfig = { ...this.options.config, scanJournal: this.#journal };
    // The config's env reaches the engine process itself too, so onnxruntime's getenv() sees what it should.
    const env = { ...process.env, ...config.env, [ENGINE_CONFIG_ENV]: JSON.stringify(config), ORT_DISABLE_TELEMETRY: '1' };
    const child: EngineChild = spawnEngineChild(fileURLToPath(this.options.entryUrl), env, {
      message: (msg) => this.#onMessage(child, msg),
      exit: (exit) => this.#onExit(child, exit),
    });
    this.#hung = [];
    this.#startWatchdog(child);
    return child;
  }

  /** Reads the crash journal while the engine runs; a decode or batch past the limit gets the process killed. */
  #startWatchdog(child: EngineChild): void {
    this.#stopWatchdog();
    this.#watchdog = setInterval(() => {
      if (this.#jobs.size === 0 || this.#hung.length > 0) return;
      const overdue = overdueCalls(readJournal(this.#journal), this.#timeoutMs);
      if (overdue.length === 0) return;
      this.#hung = overdue;
      this.options.log?.(`engine: ${overdue[0]!.paths.join(', ')} ran over ${Math.round(this.#timeoutMs / 1000)} s; stopping the engine`);
      child.kill();
    }, Math.min(1000, Math.max(100, this.#timeoutMs / 4)));
    this.#watchdog.unref();
  }

  #stopWatchdog(): void {
    if (this.#watchdog) clearInterval(this.#watchdog);
    this.#watchdog = null;
  }

  #onExit(child: EngineChild, exit: ChildExit): void {
    if (this.#child !== child) return;
    this.#child = null;
    this.#stopWatchdog();
    if (this.#closed) return;
    const reason = this.#settle(exit);
    this.options.log?.(reason);
    this.#failPending(`${reason}; it starts again on the next call`);
    for (const [jobId, kind] of this.#jobs) {
      const error = kind === 'scan' ? `${reason}. Scan again to go on: finished files are kept.` : reason;
      this.#emit({ event: 'jobDone', payload: { jobId, kind, ok: false, cancelled: false, error } as JobDone });
    }
    this.#jobs.clear();
    this.#emit({ event: 'statusChanged', payload: { ...this.#baseStatus(), engineState: 'error', engineError: reason } });
  }

  /** What the death was, from the journal (which it prepares for the next scan). */
  #settle(exit: ChildExit): string {
    const death: Death = { signal: exit.signal, code: exit.code, hung: this.#hung, timeoutMs: this.#timeoutMs };
    this.#hung = [];
    try {
      return settleDeath(this.#journal, death).message;
    } catch (error) {
      return `the engine stopped (${exit.signal ?? `exit code ${exit.code}`}); its crash journal could not be written: ${(error as Error).message}`;
    }
  }

  #baseStatus(): Status {
    return (
      this.#lastStatus ?? { appVersion: this.options.config.appVersion, dataDir: this.options.config.dataDir, ...emptyEngineStatus('error', null) }
    );
  }

  #trackJob(jobId: string, kind: JobKind): void {
    this.#jobs.set(jobId, kind);
  }

  #emit(event: EngineEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  #failPending(reason: string): void {
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.reject(new ApiError('unavailable', reason));
    }
  }

  #onEvent(event: EngineEvent): void {
    if (event.event === 'statusChanged') this.#lastStatus = event.payload;
    else if (event.event === 'jobProgress') this.#trackJob(event.payload.jobId, event.payload.kind);
    else this.#jobs.delete(event.payload.jobId);
    this.#emit(event);
  }

  #onMessage(child: EngineChild, msg: FromEngine): void {
    if (msg.type === 'event') {
      this.#onEvent(msg);
    } else if (msg.type === 'reply') {
      const p = this.#pending.get(msg.id);
      this.#pending.delete(msg.id);
      if (msg.ok) p?.resolve(msg.value);
      else p?.reject(new ApiError(msg.error.code, msg.error.message));
    } else {
      const reply = (error: string | null): void =>
        child.send((error === null ? { type: 'reply', id: msg.id, ok: true, value: null } : { type: 'reply', id: msg.id, ok: false, error: { code: 'failed', message: error } }) satisfies ToEngine);
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
