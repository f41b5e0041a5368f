// Everything the engine worker can do, as typed functions: one per worker call and one per job kind. The worker
// entry (engineWorker.ts) only routes messages here, so these run the same under tests as in the app.
import { cosineSimilarity } from '../../engine/vectors.js';
import { exportFeatures } from '../../engine/export/exportFeatures.js';
import { fileFeatureSource } from '../../engine/export/sources.js';
import { cosineToScore, tierCutoffs } from '../../engine/similarity/threshold.js';
import type { JobKind, JobProgressView, JobResults, Tier } from '../../shared/contract.js';
import { ApiError } from '../apiError.js';
import { createEngineSession } from './engineSession.js';
import { createModelServices } from './modelServices.js';
import { patchHeatmap } from './patchHeatmap.js';
import type { EngineHostConfig, EngineStatus, HostCallbacks, JobParams, WorkerCalls, WorkerMethod } from './protocol.js';

export interface JobRunOptions {
  signal: AbortSignal;
  onProgress(progress: JobProgressView): void;
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

/** The library (catalog, scan, groups, resolve) is wired here once the engine's scan/ and resolve/ modules land. */
const libraryPending = (what: string) => async (): Promise<never> => {
  throw new ApiError('unavailable', `${what} is not available yet: the library scanner is still being built`);
};

function tierOf(cosine: number, threshold: number): Tier | null {
  const { near, similar } = tierCutoffs(threshold);
  if (cosine >= near) return 'near-duplicate';
  return cosine >= similar ? 'similar' : null;
}

export function createWorkerServices(config: EngineHostConfig, environment: WorkerEnvironment): WorkerServices {
  const session = createEngineSession(config, environment.onStatus);
  const env = { ...process.env, ...config.env };
  const models = createModelServices(config.dataDir, env);

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
      search: libraryPending('search'),
      rootCounts: async ({ roots }) => roots.map(() => null),
      listFailed: async () => [],
      getGroups: libraryPending('grouping'),
      resolveGroup: libraryPending('resolving a group'),
      markNotDuplicate: libraryPending('marking not-duplicate'),
      undo: libraryPending('undo'),
      resolveAll: libraryPending('resolve all'),
      exportResults: libraryPending('exporting results'),
      listModels: () => models.list(),
      importModel: ({ path, name }) => models.import(path, name),
      async useModel({ id }) {
        await models.select(id);
        return session.reload();
      },
    },
    jobs: {
      scan: libraryPending('scanning'),
      async exportFeatures(params, { signal, onProgress }) {
        if (!params.inputs) throw new ApiError('unavailable', 'exporting the whole catalog needs the library scanner');
        const engine = await session.engine();
        const source = await fileFeatureSource({ embedder: engine, inputs: params.inputs, pooled: params.pooled });
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
    close: () => session.close(),
  };
}
