// Every contract method, built from injected dependencies (the engine host, the folders, and the few Electron
// services: dialogs and the shell), so the same code runs in the app, under plain Node in tests, and behind the
// renderer's end-to-end test bridge. Requests arrive parsed (ipc.ts). The engine implements the contract itself;
// main adds only guards (guards.ts: paths are capabilities the user granted in main's dialogs) and serves its
// dialogs and shell here. On Windows no request may name a UNC path: refused on the string, before any fs call.
import { stat } from 'node:fs/promises';
import type { Handlers } from '../shared/contract.js';
import { ApiError } from './apiError.js';
import { assertNoUncPaths, assertNotUnc, CapabilityStore } from './capabilities.js';
import { guardedEngine, underAny } from './guards.js';
import type { EngineHost } from './host/engineHost.js';
import type { RootRegistry } from './roots.js';

export interface DialogService {
  openFiles(opts: { title?: string | undefined; multiple: boolean }): Promise<string[]>;
  openFolder(opts: { title?: string | undefined }): Promise<string | null>;
  /** A save dialog. The system's dialog asks before an existing file is replaced, so an existing answer was confirmed. */
  saveFile(opts: { title?: string | undefined; defaultName: string; extensions: string[] }): Promise<string | null>;
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
  /** What the user chose in main's dialogs, by purpose (a fresh store when absent). */
  capabilities?: CapabilityStore;
  /** For the UNC rule (tests pass win32). */
  platform?: NodeJS.Platform;
}

/** Every handler refuses a request naming a UNC path before it does anything else. */
function refusingUncPaths(handlers: Handlers, platform: NodeJS.Platform): Handlers {
  const wrapped: Record<string, (req: unknown) => Promise<unknown>> = {};
  for (const [method, handler] of Object.entries(handlers) as [string, (req: unknown) => Promise<unknown>][]) {
    wrapped[method] = async (req) => {
      assertNoUncPaths(req, platform);
      return handler(req);
    };
  }
  return wrapped as unknown as Handlers;
}

export function createHandlers(deps: HandlerDeps): Handlers {
  const platform = deps.platform ?? process.platform;
  const caps = deps.capabilities ?? new CapabilityStore(platform);
  // main's own engine methods (the media protocol's thumbnails) are not the renderer's.
  const { thumbnail: _mainOnly, ...engine } = guardedEngine(deps.host.api, deps.roots, caps);
  const handlers: Handlers = {
    ...engine,
    async compare(req) {
      const result = await engine.compare(req);
      // Thumbnails only of what main may serve: files under the folders, or picked in a dialog.
      const shown = (file: string) => Boolean(underAny(deps.roots.get(), file)) || deps.grants.has(file);
      return { ...result, thumbA: shown(req.a) ? result.thumbA : null, thumbB: shown(req.b) ? result.thumbB : null };
    },
    async pickFiles(req) {
      const paths = await deps.dialogs.openFiles({ title: req?.title, multiple: req?.multiple ?? true });
      for (const p of paths) assertNotUnc(p, platform);
      for (const p of paths) deps.grants.add(p);
      return { paths };
    },
    async pickFolder({ title, purpose }) {
      const chosen = await deps.dialogs.openFolder({ title });
      if (chosen !== null) await caps.grant(purpose, chosen);
      return { path: chosen };
    },
    async pickSaveFile({ title, defaultName, format }) {
      const chosen = await deps.dialogs.saveFile({ title, defaultName, extensions: [format] });
      if (chosen === null) return { path: null, overwrite: false };
      const cap = await caps.grant('save-target', chosen);
      return { path: chosen, overwrite: cap.overwriteConfirmed };
    },
    async showInFolder({ path: file }) {
      const exists = await stat(file).then(() => true, () => false);
      if (!exists) throw new ApiError('not-found', `${file} does not exist`);
      deps.shell.showItemInFolder(file);
      return { ok: true };
    },
  };
  return refusingUncPaths(handlers, platform);
}
