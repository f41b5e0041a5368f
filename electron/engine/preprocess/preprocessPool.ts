// A pool of preprocessing worker threads (preprocessWorker.ts), so that decoding and resampling photos runs on
// the cores onnxruntime is not using (preprocessSplit.ts) instead of on the thread that feeds it. Jobs wait in
// one queue and go to whichever worker is free; each worker does one photo at a time, so at most `size` full-size
// decodes are in memory at once.
//
// Failures stay with their photo: a bad file is that job's error (the worker carries on), and a worker that dies
// fails only the job it had, and is replaced. Workers are unref'd while idle, so a pool nobody closed never
// keeps the process alive; close() waits for the jobs that are running and refuses the rest.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PreprocessMode } from '../../shared/values.js';
import { LookalikeError, type ErrorCode } from '../errors.js';
import type { ProcessorConfig } from '../types.js';
import type { DecodedInfo, PreparedPixels } from './prepareImage.js';
import type { WorkerSetup } from './preprocessWorker.js';

export interface PoolRequest {
  id: number;
  /** A path, or the file's bytes (copied to the worker: the caller keeps its own). */
  input: string | Uint8Array;
  /** For messages and the test-only fault. */
  label: string;
  mode: PreprocessMode;
  maxPixels: number | undefined;
  extras: boolean;
}

export type PoolReply =
  | { id: number; ok: true; tensor: Float32Array; decoded: DecodedInfo; pixelHash: string | undefined; pixelThumb: Uint8Array | undefined }
  | { id: number; ok: false; code: ErrorCode; message: string };

export type PoolJob = Omit<PoolRequest, 'id'>;

interface Waiting {
  req: PoolRequest;
  resolve: (value: PreparedPixels) => void;
  reject: (error: Error) => void;
}

/** A worker must say it is ready within this long, or the pool is not used (in-process preprocessing instead). */
const START_TIMEOUT_MS = 20_000;
/** Replacements in a row that may die before taking a job; past this a slot stays empty. */
const MAX_RESPAWNS = 8;

/**
 * The compiled worker next to this module; under a test runner that loads the TypeScript sources, the one tsc
 * wrote to dist/ (npm test builds first). Null when there is none: the engine then preprocesses in-process.
 */
export function workerScript(from: string = import.meta.url): string | null {
  const here = fileURLToPath(from);
  const sibling = path.join(path.dirname(here), 'preprocessWorker.js');
  if (here.endsWith('.js')) return existsSync(sibling) ? sibling : null;
  const root = path.resolve(path.dirname(here), '..', '..', '..');
  const built = path.join(root, 'dist', path.relative(root, path.dirname(here)), 'preprocessWorker.js');
  return existsSync(built) ? built : null;
}

class Slot {
  job: Waiting | null = null;
  constructor(readonly worker: Worker) {}
}

export class PreprocessPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Waiting[] = [];
  private nextId = 1;
  private closed = false;
  private respawns = 0;
  /** Workers starting now (replacements included): close() waits for them, and jobs wait for them to come up. */
  private readonly starting = new Set<Promise<void>>();
  private drained: (() => void) | null = null;

  private constructor(
    private readonly script: string,
    private readonly setup: WorkerSetup,
    private readonly log: ((line: string) => void) | undefined,
  ) {}

  /** `size` workers, all started; null when none can be (no worker file, or workers fail to start here). */
  static async start(size: number, processor: ProcessorConfig, log?: (line: string) => void): Promise<PreprocessPool | null> {
    const script = workerScript();
    if (size < 1 || script === null) return null;
    const pool = new PreprocessPool(script, { processor }, log);
    const started = await Promise.allSettled(Array.from({ length: size }, () => pool.spawn()));
    const failed = started.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) {
      log?.(`preprocessing workers could not start (${(failed.reason as Error).message}): preprocessing in-process`);
      await pool.close();
      return null;
    }
    return pool;
  }

  get size(): number {
    return this.slots.length;
  }

  /** The workers' thread ids, for tests that check none is left behind. */
  get threadIds(): number[] {
    return this.slots.map((s) => s.worker.threadId);
  }

  run(job: PoolJob): Promise<PreparedPixels> {
    if (this.closed) return Promise.reject(new LookalikeError('cancelled', 'the engine was closed'));
    // Bytes are copied into a fresh buffer the worker may own: the caller (the scan reads EXIF from them) keeps its own.
    const input = typeof job.input === 'string' ? job.input : new Uint8Array(job.input);
    return new Promise((resolve, reject) => {
      this.queue.push({ req: { ...job, input, id: this.nextId++ }, resolve, reject });
      this.dispatch();
    });
  }

  /** Refuses queued jobs, lets running ones finish, then ends every worker. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.queue.splice(0)) w.reject(new LookalikeError('cancelled', 'the engine was closed'));
    if (this.slots.some((s) => s.job)) await new Promise<void>((resolve) => (this.drained = resolve));
    await Promise.allSettled([...this.starting]);
    const slots = this.slots.splice(0);
    await Promise.all(slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Promise<void> {
    const started = this.startWorker();
    this.starting.add(started);
    const done = (): void => void this.starting.delete(started);
    started.then(done, done);
    return started;
  }

  private startWorker(): Promise<void> {
    const worker = new Worker(this.script, { workerData: this.setup, env: process.env });
    const slot = new Slot(worker);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => void worker.terminate().then(() => reject(new Error('no answer from a new worker'))), START_TIMEOUT_MS);
      const onStartError = (error: Error): void => {
        clearTimeout(timer);
        reject(error);
      };
      worker.once('error', onStartError);
      worker.once('message', () => {
        clearTimeout(timer);
        worker.off('error', onStartError);
        // A replacement that came up after close(): nothing will end it but this.
        if (this.closed) return void worker.terminate().then(() => resolve());
        worker.unref();
        this.slots.push(slot);
        worker.on('message', (reply: PoolReply) => this.settle(slot, reply));
        worker.on('error', (error) => this.lose(slot, error));
        worker.on('exit', (code) => this.lose(slot, new Error(`it exited with code ${code}`)));
        this.dispatch();
        resolve();
      });
    });
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      // Referenced while it works: an awaited job keeps the process alive, an idle pool does not.
      slot.worker.ref();
      const input = job.req.input;
      slot.worker.postMessage(job.req, typeof input === 'string' ? [] : [input.buffer as ArrayBuffer]);
    }
  }

  private settle(slot: Slot, reply: PoolReply): void {
    const job = slot.job;
    if (!job || job.req.id !== reply.id) return;
    this.respawns = 0;
    this.finish(slot);
    if (reply.ok) job.resolve({ tensor: reply.tensor, decoded: reply.decoded, pixelHash: reply.pixelHash, pixelThumb: reply.pixelThumb });
    else job.reject(new LookalikeError(reply.code, reply.message));
  }

  private finish(slot: Slot): void {
    slot.job = null;
    slot.worker.unref();
    if (this.drained && !this.slots.some((s) => s.job)) this.drained();
    this.dispatch();
  }

  /** A worker that died: its job fails with the reason, and a new worker takes its place. */
  private lose(slot: Slot, error: Error): void {
    const at = this.slots.indexOf(slot);
    if (at < 0) return;
    this.slots.splice(at, 1);
    const job = slot.job;
    slot.job = null;
    if (job) job.reject(new LookalikeError('failed', `the preprocessing worker stopped while reading ${job.req.label}: ${error.message}`));
    if (this.drained && !this.slots.some((s) => s.job)) this.drained();
    if (this.closed) return;
    if (this.respawns++ >= MAX_RESPAWNS) {
      this.log?.('preprocessing workers keep dying: no more replacements');
      return this.failQueueIfEmpty();
    }
    this.spawn().catch((e: unknown) => {
      this.log?.(`a replacement preprocessing worker could not start: ${(e as Error).message}`);
      this.failQueueIfEmpty();
    });
  }

  /** With no worker left, queued jobs would wait for ever: they fail instead. */
  private failQueueIfEmpty(): void {
    if (this.slots.length + this.starting.size > 0) return;
    for (const w of this.queue.splice(0)) w.reject(new LookalikeError('failed', `no preprocessing worker is left to read ${w.req.label}`));
  }

  /** Whether any worker is left to take jobs. */
  get alive(): boolean {
    return !this.closed && this.slots.length + this.starting.size > 0;
  }
}
