// The library's one engine: loaded on first use from the selected model (or a given folder), reloaded when the
// user switches model or device. Its state is what getStatus reports, including the provider actually in use.
import type { Engine } from '../engine.js';
import { LookalikeError, isLookalikeError } from '../errors.js';
import { resolveSelectedModel } from '../models/selection.js';
import type { DeviceChoice, ModelDtype, PreprocessMode } from '../types.js';
import type { EngineStatus } from './types.js';

export interface EngineOptions {
  device: DeviceChoice;
  threads: number | null;
  /** A model folder to use instead of the selected one (`--model`, `LOOKALIKE_MODEL`). */
  modelDir?: string | null;
  dtype?: ModelDtype | null;
  batchSize?: number | null;
  /** How the library's scans preprocess (settings.preprocess, `--preprocess`); exports and compare use 'exact'. */
  preprocess?: PreprocessMode | null;
  log?: (line: string) => void;
}

/** What an engine that is not (yet) running reports: the one definition for the session and main's host. */
export const emptyStatus = (state: EngineStatus['engineState'], error: string | null): EngineStatus => ({
  engineState: state,
  engineError: error,
  modelId: null,
  modelInstalled: false,
  device: null,
  deviceFallbacks: [],
  pooling: null,
  dim: null,
  dtype: null,
});

const readyStatus = (engine: Engine): EngineStatus => ({
  engineState: 'ready',
  engineError: null,
  modelId: engine.provenance.id,
  modelInstalled: true,
  device: engine.device,
  deviceFallbacks: [...engine.deviceFallbacks],
  pooling: engine.pooling,
  dim: engine.dim,
  dtype: engine.provenance.dtype,
});

export class EngineSession {
  #options: EngineOptions;
  #current: Engine | null = null;
  #state: EngineStatus = emptyStatus('starting', null);
  #loading: Promise<void> | null = null;

  constructor(
    private readonly dataDir: string,
    options: EngineOptions,
    private readonly env: NodeJS.ProcessEnv,
    private readonly onStatus: (status: EngineStatus) => void = () => undefined,
  ) {
    this.#options = options;
  }

  status(): EngineStatus {
    return this.#state;
  }

  /** The engine when it is loaded and ready, without waiting or loading. */
  current(): Engine | null {
    return this.#current;
  }

  /** The ready engine (loading it on first use); a LookalikeError ('no-model' | 'unavailable') otherwise. */
  async engine(): Promise<Engine> {
    await (this.#loading ??= this.#load());
    if (this.#current) return this.#current;
    if (this.#state.engineState === 'no-model') throw new LookalikeError('no-model', this.#state.engineError ?? 'no model installed');
    throw new LookalikeError('unavailable', `the model could not be loaded: ${this.#state.engineError ?? 'unknown error'}`);
  }

  /** Starts loading without waiting (the app does at start, so the first compare is quick). */
  preload(): void {
    this.#loading ??= this.#load();
  }

  /** Loads again (after a model switch or a device/threads change). */
  async reload(change: Partial<Pick<EngineOptions, 'device' | 'threads' | 'preprocess'>> = {}): Promise<EngineStatus> {
    this.#options = { ...this.#options, ...change };
    const previous = this.#loading ?? Promise.resolve();
    this.#loading = previous.then(() => this.#load());
    await this.#loading;
    return this.#state;
  }

  async close(): Promise<void> {
    await this.#loading;
    await this.#current?.close();
    this.#current = null;
  }

  #setStatus(next: EngineStatus): void {
    this.#state = next;
    this.onStatus(next);
  }

  async #load(): Promise<void> {
    const previous = this.#current;
    this.#current = null;
    await previous?.close().catch(() => undefined);
    this.#setStatus(emptyStatus('starting', null));
    try {
      const o = this.#options;
      const resolved = o.modelDir ? { dir: o.modelDir, dtype: o.dtype ?? null } : await resolveSelectedModel(this.dataDir, this.env);
      // The engine reads the model's id and revision from the model manager's manifest in that folder.
      // Loaded on first use: commands that never run the model (dupes, status, models) never load onnxruntime.
      const { createEngine } = await import('../engine.js');
      const engine = await createEngine({
        modelDir: resolved.dir,
        device: o.device,
        ...((o.dtype ?? resolved.dtype) ? { dtype: (o.dtype ?? resolved.dtype)! } : {}),
        ...(o.threads ? { threads: o.threads } : {}),
        ...(o.batchSize ? { batchSize: o.batchSize } : {}),
        ...(o.preprocess ? { preprocess: o.preprocess } : {}),
        ...(o.log ? { log: o.log } : {}),
      });
      this.#current = engine;
      this.#setStatus(readyStatus(engine));
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      this.#setStatus(emptyStatus(isLookalikeError(error, 'no-model') ? 'no-model' : 'error', message));
    }
  }
}
