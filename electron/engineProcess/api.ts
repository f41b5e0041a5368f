// The contract's engine methods, implemented by the Library: one line each, because the Library's answers are
// the contract's types. This is the whole of the app's engine-side logic; everything else is the Library.
import { toScanSummary, type Library } from '../engine/library/index.js';
import type { EngineApi } from '../shared/contract.js';

export function createEngineApi(library: Library): EngineApi {
  const { resolution, jobs, models, session } = library;
  return {
    getStatus: async () => library.getStatus(),
    compare: (req) => library.compare(req),
    listRoots: async () => library.listRoots(),
    addRoot: (req) => library.addRoot(req),
    removeRoot: (req) => library.removeRoot(req),
    // The first scan with a model calibrates it afterwards (a job of its own, so the scan's result is not held up).
    startScan: async (req) => ({ jobId: library.startJob('scan', async (control) => toScanSummary(await library.scan({ roots: req?.roots }, control).then((s) => (library.calibrateIfNew(), s)))) }),
    pauseJob: async ({ jobId }) => ({ ok: jobs.pause(jobId) }),
    resumeJob: async ({ jobId }) => ({ ok: await jobs.resume(jobId) }),
    cancelJob: async ({ jobId }) => ({ ok: jobs.cancel(jobId) }),
    listJobs: async () => library.listJobs(),
    listFailed: async () => library.listFailed(),
    getGroups: async (req) => library.getGroups(req),
    resolveGroup: (req) => resolution.resolveGroup(req),
    markNotDuplicate: async ({ paths }) => resolution.markNotDuplicate(paths),
    undo: async (req) => {
      const { outcomes: _outcomes, ...result } = await resolution.undo({ actionId: req?.actionId ?? null });
      return result;
    },
    resolveAll: (req) => resolution.resolveAll(req),
    search: (req) => library.search(req),
    startCalibration: async (req) => ({ jobId: library.startJob('calibrate', (control) => library.calibrate({ sample: req?.sample }, control)) }),
    getCalibration: async () => library.getCalibration(),
    exportFeatures: async (req) => ({ jobId: library.startJob('exportFeatures', async (control) => exportSummary(await library.exportFeatures(req, control))) }),
    exportResults: (req) => library.exportResults(req),
    listModels: () => models.list(),
    downloadModel: async ({ id, dtype, use }) => ({ jobId: library.startJob('downloadModel', (control) => library.downloadModel(id, control, { dtype, use })) }),
    importModel: ({ path, name }) => models.import(path, name),
    useModel: async ({ id, dtype }) => {
      await models.select(id, dtype);
      await session.reload();
      return library.getStatus();
    },
    getSettings: async () => library.settings.get(),
    setSettings: (change) => library.setSettings(change),
    // main's media protocol only (methods.ts internalEngineMethods), after its path checks.
    thumbnail: ({ path, size }) => library.thumbnail(path, size),
  };
}

type FeatureExport = Awaited<ReturnType<Library['exportFeatures']>>;

const exportSummary = (r: FeatureExport) => ({
  out: r.out,
  manifestPath: r.manifestPath,
  rows: r.manifest.rows.length,
  failed: r.manifest.failed.length,
  bytesWritten: r.bytesWritten,
});
