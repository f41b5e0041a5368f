// The worker's one engine: loaded at start from the selected model (or the configured folder), reloaded when the
// user switches model or device. Its state is what getStatus reports, including the provider actually in use.
import { createEngine, type Engine } from '../../engine/engine.js';
import { NoModelError, resolveSelectedModel } from '../../engine/models/selection.js';
import { ApiError } from '../apiError.js';
import type { EngineHostConfig, EngineStatus } from './protocol.js';

export interface EngineSession {
  status(): EngineStatus;
  /** The ready engine; waits for a load in progress, throws ApiError('no-model' | 'unavailable') otherwise. */
  engine(): Promise<Engine>;
  /** The engine when it is loaded and ready, without waiting (null while loading or after a failure). */
  current(): Engine | null;
  /** Loads again (after a model switch or a device/threads change). */
  reload(change?: Partial<Pick<EngineHostConfig, 'device' | 'threads'>>): Promise<EngineStatus>;
  close(): Promise<void>;
}

const emptyStatus = (state: EngineStatus['engineState'], error: string | null): EngineStatus => ({
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

export function createEngineSession(config: EngineHostConfig, onStatus: (status: EngineStatus) => void): EngineSession {
  let settings = { device: config.device, threads: config.threads };
  let current: Engine | null = null;
  let state: EngineStatus = emptyStatus('starting', null);
  let loading: Promise<void> = Promise.resolve();

  const setStatus = (next: EngineStatus): void => {
    state = next;
    onStatus(next);
  };

  async function load(): Promise<void> {
    const previous = current;
    current = null;
    await previous?.close().catch(() => undefined);
    setStatus(emptyStatus('starting', null));
    try {
      const env = { ...process.env, ...config.env };
      const resolved = config.modelDir
        ? { dir: config.modelDir, dtype: null }
        : await resolveSelectedModel(config.dataDir, env);
      // The engine reads the model's id and revision from the model manager's manifest in that folder.
      const engine = await createEngine({
        modelDir: resolved.dir,
        device: settings.device,
        ...(resolved.dtype ? { dtype: resolved.dtype } : {}),
        ...(settings.threads ? { threads: settings.threads } : {}),
      });
      current = engine;
      setStatus({
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
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      setStatus(emptyStatus(error instanceof NoModelError ? 'no-model' : 'error', message));
    }
  }

  loading = load();

  return {
    status: () => state,
    current: () => current,
    async engine() {
      await loading;
      if (current) return current;
      if (state.engineState === 'no-model') throw new ApiError('no-model', state.engineError ?? 'no model installed');
      throw new ApiError('unavailable', `the model could not be loaded: ${state.engineError ?? 'unknown error'}`);
    },
    async reload(change = {}) {
      settings = { ...settings, ...change };
      loading = loading.then(load);
      await loading;
      return state;
    },
    async close() {
      await loading;
      await current?.close();
      current = null;
    },
  };
}
