// Every contract method, built from injected dependencies (the engine host, stores, and the few Electron
// services: dialogs and the shell), so the same code runs in the app, under plain Node in tests, and behind the
// renderer's end-to-end test bridge. Requests arrive parsed (ipc.ts); the guards here are about meaning:
// only files under the user's roots are ever resolved, and never one under a reference root.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { thumbUrl, type Root, type Settings, type Status } from '../shared/contract.js';
import { ApiError } from './apiError.js';
import type { EngineHost } from './host/engineHost.js';
import type { RootRef } from './host/protocol.js';
import type { Handlers } from './ipc.js';
import type { JobRegistry } from './jobs.js';
import type { JsonStore } from './jsonStore.js';
import type { RootRegistry } from './roots.js';

export interface DialogService {
  openFiles(opts: { title?: string | undefined; multiple: boolean }): Promise<string[]>;
  openFolder(opts: { title?: string | undefined }): Promise<string | null>;
}

export interface ShellService {
  showItemInFolder(path: string): void;
}

export interface HandlerDeps {
  host: EngineHost;
  jobs: JobRegistry;
  settings: JsonStore<Settings>;
  /** The library folders (the catalog's roots table, through the worker). */
  roots: RootRegistry;
  dialogs: DialogService;
  shell: ShellService;
  /** Files the user picked in a dialog: the media protocol may show them though they are outside the roots. */
  grants: Set<string>;
  app: { version: string; dataDir: string };
}

const underAny = (roots: readonly RootRef[], file: string): RootRef | undefined =>
  roots.find((r) => {
    const rel = path.relative(r.path, file);
    return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  });

function assertResolvable(roots: readonly RootRef[], targets: readonly string[]): void {
  for (const target of targets) {
    const root = underAny(roots, target);
    if (!root) throw new ApiError('forbidden', `${target} is not under a library folder`);
    if (root.reference) throw new ApiError('forbidden', `${target} is under the reference folder ${root.path}, which is never modified`);
  }
}

async function assertDirectory(dir: string): Promise<void> {
  const info = await stat(dir).catch(() => null);
  if (!info) throw new ApiError('not-found', `${dir} does not exist`);
  if (!info.isDirectory()) throw new ApiError('invalid-request', `${dir} is not a folder`);
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const { host, jobs, settings, roots } = deps;
  const thumbOrNull = (file: string): string | null =>
    underAny(roots.get(), file) || deps.grants.has(file) ? thumbUrl(file) : null;

  const listRoots = (): Promise<Root[]> => roots.list();
  const grouping = () => ({ keepRules: settings.get().keepRules });

  async function getStatus(): Promise<Status> {
    return { appVersion: deps.app.version, dataDir: deps.app.dataDir, ...(await host.call('status', {})) };
  }

  return {
    getStatus,
    async compare({ a, b }) {
      const result = await host.call('compare', { a, b, threshold: settings.get().threshold });
      return { ...result, thumbA: thumbOrNull(a), thumbB: thumbOrNull(b) };
    },
    async pickFiles(req) {
      const paths = await deps.dialogs.openFiles({ title: req?.title, multiple: req?.multiple ?? true });
      for (const p of paths) deps.grants.add(p);
      return { paths };
    },
    async pickFolder(req) {
      return { path: await deps.dialogs.openFolder({ title: req?.title }) };
    },
    listRoots,
    async addRoot({ path: dir, reference }) {
      await assertDirectory(dir);
      return roots.add(path.resolve(dir), reference);
    },
    async removeRoot({ path: dir }) {
      const resolved = path.resolve(dir);
      if (!roots.get().some((r) => r.path === resolved)) throw new ApiError('not-found', `${resolved} is not a library folder`);
      return roots.remove(resolved);
    },
    async startScan(req) {
      const all = roots.get();
      const wanted = req?.roots?.map((r) => path.resolve(r));
      const selected = wanted ? all.filter((r) => wanted.includes(r.path)) : all;
      const unknown = wanted?.filter((w) => !all.some((r) => r.path === w)) ?? [];
      if (unknown.length > 0) throw new ApiError('invalid-request', `not library folders: ${unknown.join(', ')}`);
      if (selected.length === 0) throw new ApiError('invalid-request', 'add a folder to the library first');
      return { jobId: jobs.start('scan', { roots: selected, excludeGlobs: settings.get().excludeGlobs }) };
    },
    pauseJob: async ({ jobId }) => ({ ok: jobs.pause(jobId) }),
    resumeJob: async ({ jobId }) => ({ ok: await jobs.resume(jobId) }),
    cancelJob: async ({ jobId }) => ({ ok: jobs.cancel(jobId) }),
    listJobs: async () => jobs.list(),
    listFailed: () => host.call('listFailed', {}),
    async getGroups({ threshold, tiers }) {
      const { groups } = await host.call('getGroups', { threshold, tiers: tiers ?? null, ...grouping() });
      const totals = groups.reduce(
        (t, g) => ({ groups: t.groups + 1, files: t.files + g.members.length, reclaimableBytes: t.reclaimableBytes + g.reclaimableBytes }),
        { groups: 0, files: 0, reclaimableBytes: 0 },
      );
      return { threshold, groups, totals };
    },
    async resolveGroup(req) {
      assertResolvable(roots.get(), req.targets);
      if (req.dest) await assertDirectory(req.dest);
      return host.call('resolveGroup', req);
    },
    async markNotDuplicate(req) {
      for (const p of req.paths) if (!underAny(roots.get(), p)) throw new ApiError('forbidden', `${p} is not under a library folder`);
      return host.call('markNotDuplicate', req);
    },
    undo: (req) => host.call('undo', { actionId: req?.actionId ?? null }),
    async resolveAll(req) {
      if (req.dest) await assertDirectory(req.dest);
      return host.call('resolveAll', { ...req, ...grouping() });
    },
    search: (req) => host.call('search', { ...req, threshold: settings.get().threshold }),
    async exportFeatures(req) {
      await assertDirectory(path.dirname(req.out));
      return { jobId: jobs.start('exportFeatures', req) };
    },
    async exportResults(req) {
      await assertDirectory(path.dirname(req.out));
      return host.call('exportResults', { ...req, ...grouping() });
    },
    listModels: () => host.call('listModels', {}),
    downloadModel: async ({ id }) => ({ jobId: jobs.start('downloadModel', { id }) }),
    importModel: (req) => host.call('importModel', req),
    async useModel({ id }) {
      await host.call('useModel', { id });
      return getStatus();
    },
    getSettings: async () => settings.get(),
    async setSettings(change) {
      const before = settings.get();
      const after = await settings.set({ ...before, ...change });
      if (after.device !== before.device || after.threads !== before.threads) {
        await host.call('configure', { device: after.device, threads: after.threads });
      }
      return after;
    },
    async showInFolder({ path: file }) {
      const exists = await stat(file).then(() => true, () => false);
      if (!exists) throw new ApiError('not-found', `${file} does not exist`);
      deps.shell.showItemInFolder(file);
      return { ok: true };
    },
  };
}
