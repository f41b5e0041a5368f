// Every contract method, built from injected dependencies (the engine host, the folders, and the few Electron
// services: dialogs and the shell), so the same code runs in the app, under plain Node in tests, and behind the
// renderer's end-to-end test bridge. Requests arrive parsed (ipc.ts). The engine implements the contract itself;
// main adds only guards: a file is resolved only under a library folder and never under a reference one, and
// only main's dialogs and shell are served here.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineApi, Handlers } from '../shared/contract.js';
import { ApiError } from './apiError.js';
import type { EngineHost } from './host/engineHost.js';
import type { RootRef, RootRegistry } from './roots.js';

export interface DialogService {
  openFiles(opts: { title?: string | undefined; multiple: boolean }): Promise<string[]>;
  openFolder(opts: { title?: string | undefined }): Promise<string | null>;
}

export interface ShellService {
  showItemInFolder(path: string): void;
}

export interface HandlerDeps {
  host: Pick<EngineHost, 'api'>;
  /** The library folders (the catalog's roots table, through the engine). */
  roots: RootRegistry;
  dialogs: DialogService;
  shell: ShellService;
  /** Files the user picked in a dialog: the media protocol may show them though they are outside the roots. */
  grants: Set<string>;
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

/** The engine's methods with main's guards in front (the rest pass straight through). */
function guardedEngine(api: EngineApi, roots: RootRegistry): EngineApi {
  return {
    ...api,
    addRoot: async (req) => roots.keep(await api.addRoot(req)),
    removeRoot: async (req) => roots.keep(await api.removeRoot(req)),
    listRoots: async (req) => roots.keep(await api.listRoots(req)),
    async startScan(req) {
      const known = roots.get();
      const unknown = (req?.roots ?? []).filter((r) => !known.some((k) => k.path === path.resolve(r)));
      if (unknown.length > 0) throw new ApiError('invalid-request', `not library folders: ${unknown.join(', ')}`);
      if (known.length === 0) throw new ApiError('invalid-request', 'add a folder to the library first');
      return api.startScan(req);
    },
    async resolveGroup(req) {
      assertResolvable(roots.get(), req.targets);
      if (req.dest) await assertDirectory(req.dest);
      return api.resolveGroup(req);
    },
    async markNotDuplicate(req) {
      for (const p of req.paths) if (!underAny(roots.get(), p)) throw new ApiError('forbidden', `${p} is not under a library folder`);
      return api.markNotDuplicate(req);
    },
    async resolveAll(req) {
      if (req.dest) await assertDirectory(req.dest);
      return api.resolveAll(req);
    },
    async exportFeatures(req) {
      await assertDirectory(path.dirname(req.out));
      return api.exportFeatures(req);
    },
    async exportResults(req) {
      await assertDirectory(path.dirname(req.out));
      return api.exportResults(req);
    },
  };
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const engine = guardedEngine(deps.host.api, deps.roots);
  return {
    ...engine,
    async compare(req) {
      const result = await engine.compare(req);
      // Thumbnails only of what main may serve: files under the folders, or picked in a dialog.
      const shown = (file: string) => Boolean(underAny(deps.roots.get(), file)) || deps.grants.has(file);
      return { ...result, thumbA: shown(req.a) ? result.thumbA : null, thumbB: shown(req.b) ? result.thumbB : null };
    },
    async pickFiles(req) {
      const paths = await deps.dialogs.openFiles({ title: req?.title, multiple: req?.multiple ?? true });
      for (const p of paths) deps.grants.add(p);
      return { paths };
    },
    async pickFolder(req) {
      return { path: await deps.dialogs.openFolder({ title: req?.title }) };
    },
    async showInFolder({ path: file }) {
      const exists = await stat(file).then(() => true, () => false);
      if (!exists) throw new ApiError('not-found', `${file} does not exist`);
      deps.shell.showItemInFolder(file);
      return { ok: true };
    },
  };
}
