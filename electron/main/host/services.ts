// Everything the engine worker can do, as typed functions: one per worker call and one per job kind. The worker
// entry (engineWorker.ts) only routes messages here, so these run the same under tests as in the app.
import { cosineSimilarity } from '../../engine/vectors.js';
import { exportFeatures } from '../../engine/export/exportFeatures.js';
import { catalogFeatureReader } from '../../engine/export/catalogFeatures.js';
import { catalogFeatureSource, fileFeatureSource } from '../../engine/export/sources.js';
import type { PauseGate } from '../../engine/scan/index.js';
import { cosineToScore, tierCutoffs } from '../../engine/similarity/threshold.js';
import type { JobKind, JobProgressView, JobResults, Tier } from '../../shared/contract.js';
import { ApiError } from '../apiError.js';
import { createEngineSession } from './engineSession.js';
import { createLibraryServices } from './libraryServices.js';
import { createModelServices } from './modelServices.js';
import { patchHeatmap } from './patchHeatmap.js';
import type { EngineHostConfig, EngineStatus, HostCallbacks, JobParams, WorkerCalls, WorkerMethod } from './protocol.js';

export interface JobRunOptions {
  signal: AbortSignal;
  onProgress(progress: JobProgressView): void;
  /** Given to jobs that can pause in place (scans): they hold at the next file while it is paused. */
  pause?: PauseGate;
}

export interface WorkerServices {
  calls: { [M in WorkerMethod]: (args: WorkerCalls[M]['args']) => Promise<WorkerCalls[M]['result']> };
  jobs: { [K in JobKind]: (params: JobParams[K], opts: JobRunOptions) => Promise<JobResults[K]> };
  close(): Promise<void>;
}

export interface WorkerEnvironment {
  callbacks: HostCallbacks;
  onStatus(status: EngineStatus): void;
}

function tierOf(cosine: number, threshold: number): Tier | null {
  const { near, similar } = tierCutoffs(threshold);
  if (cosine >= near) return 'near-duplicate';
  return cosine >= similar ? 'similar' : null;
}

export function createWorkerServices(config: EngineHostConfig, environment: WorkerEnvironment): WorkerServices {
  const session = createEngineSession(config, environment.onStatus);
  const env = { ...process.env, ...config.env };
  const models = createModelServices(config.dataDir, env);
  const library = createLibraryServices({
    dataDir: config.dataDir,
    engine: () => session.engine(),
    currentEngine: () => session.current(),
    trash: (file) => environment.callbacks.trashItem(file),
    env,
  });

  return {
    calls: {
      status: async () => session.status(),
      configure: ({ device, threads }) => session.reload({ device, threads }),
      ping: async () => ({ at: Date.now() }),
      async compare({ a, b, threshold }) {
        const engine = await session.engine();
        const [pa, pb] = await Promise.all([engine.prepare(a), engine.prepare(b)]);
        const [va, vb] = await engine.runBatch([pa.tensor, pb.tensor], { pooled: true });
        const cosine = cosineSimilarity(va!, vb!);
        let heatmap = null;
        if (engine.tokens > 1) {
          const [ta, tb] = await engine.runBatch([pa.tensor, pb.tensor], { pooled: false });
          heatmap = patchHeatmap(ta!, tb!, engine.tokens, engine.tokenDim);
        }
        const sameBytes = pa.pixelHash === pb.pixelHash;
        return {
          score: sameBytes ? 100 : cosineToScore(cosine),
          cosine,
          tier: sameBytes ? 'same-pixels' : tierOf(cosine, threshold),
          model: engine.provenance.id,
          device: engine.device,
          heatmap,
        };
      },
      search: library.search,
      listRoots: library.listRoots,
      addRoot: library.addRoot,
      removeRoot: library.removeRoot,
      listFailed: library.listFailed,
      getGroups: library.getGroups,
      resolveGroup: library.resolveGroup,
      markNotDuplicate: library.markNotDuplicate,
      undo: library.undo,
      resolveAll: library.resolveAll,
      exportResults: library.exportResults,
      listModels: () => models.list(),
      importModel: ({ path, name }) => models.import(path, name),
      async useModel({ id }) {
        await models.select(id);
        return session.reload();
      },
    },
    jobs: {
      scan: library.scan,
      async exportFeatures(params, { signal, onProgress }) {
        const engine = await session.engine();
        // No inputs: everything the library's catalog holds (stored vectors reused, the rest embedded).
        const source = params.inputs
          ? await fileFeatureSource({ embedder: engine, inputs: params.inputs, pooled: params.pooled })
          : await catalogFeatureSource({ embedder: engine, catalog: catalogFeatureReader(library.catalog(), engine.provenance), pooled: params.pooled });
        if (source.expectedRows === 0) throw new ApiError('invalid-request', 'nothing to export: no photos found (or none in the library)');
        const result = await exportFeatures(
          { source, out: params.out, ...(params.format ? { format: params.format } : {}), ...(params.dtype ? { dtype: params.dtype } : {}) },
          { signal, onProgress: (p) => onProgress({ ...p, phase: 'embedding' }) },
        );
        return {
          out: result.out,
          manifestPath: result.manifestPath,
          rows: result.manifest.rows.length,
          failed: result.manifest.failed.length,
          bytesWritten: result.bytesWritten,
        };
      },
      async downloadModel({ id }, opts) {
        const info = await models.download(id, opts);
        if (session.status().engineState !== 'ready') await session.reload();
        return info;
      },
    },
    async close() {
      library.close();
      await session.close();
    },
  };
}
