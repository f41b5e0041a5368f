// Main's guards in front of the engine: a renderer names paths, and main lets through only those the user chose
// in one of main's dialogs for that purpose (capabilities.ts), or that lie in the library's own folders. Files are
// resolved only under a library folder and never under a reference one. Everything is refused before the engine
// is asked; the rest of the engine's methods pass straight through.
import { realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { EngineApi } from '../shared/contract.js';
import { ApiError } from './apiError.js';
import type { Capability, CapabilityStore } from './capabilities.js';
import type { RootRef, RootRegistry } from './roots.js';

const isWithin = (root: string, file: string, orEqual = false): boolean => {
  const rel = path.relative(root, file);
  return (orEqual && rel === '') || (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel));
};

export const underAny = (roots: readonly RootRef[], file: string): RootRef | undefined => roots.find((r) => isWithin(r.path, file));

/**
 * The library folder a path is in (or is), checked on the string first and then on its real path, so a link
 * inside a folder that points out of it does not count. Reference folders only when `reference` allows them.
 */
async function inLibraryFolder(roots: readonly RootRef[], p: string, reference: boolean): Promise<boolean> {
  const root = roots.find((r) => (reference || !r.reference) && isWithin(r.path, p, true));
  if (!root) return false;
  const [real, realRoot] = await Promise.all([realpath(p).catch(() => null), realpath(root.path).catch(() => null)]);
  return real !== null && realRoot !== null && isWithin(realRoot, real, true);
}

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

/** Where duplicates may be moved: a folder chosen in the move dialog, the default one from Settings, or a library folder. */
async function assertMoveDest(dest: string, roots: readonly RootRef[], caps: CapabilityStore): Promise<void> {
  const allowed = dest === caps.moveDest || (await caps.find('move-destination', dest)) !== null || (await inLibraryFolder(roots, dest, false));
  if (!allowed) throw new ApiError('forbidden', `move: ${dest} was not chosen in a dialog as the folder to move duplicates to`);
  await assertDirectory(dest);
}

/** Photos to export features of: a library folder's, or a folder chosen in the export dialog. */
async function assertExportInputs(inputs: readonly string[], roots: readonly RootRef[], caps: CapabilityStore): Promise<void> {
  for (const input of inputs) {
    if ((await caps.find('export-source', input)) !== null || (await inLibraryFolder(roots, input, true))) continue;
    throw new ApiError('forbidden', `exportFeatures: ${input} is neither in a library folder nor chosen in a dialog`);
  }
}

/** The save target an export writes to: chosen in the save dialog, used once; it replaces a file only if the user said so there. */
async function takeSaveTarget(out: string, caps: CapabilityStore, method: string): Promise<Capability> {
  const cap = await caps.require('save-target', out, method);
  await assertDirectory(path.dirname(out));
  caps.consume(cap);
  return cap;
}

/** The request main passes on, `overwrite` set by main alone (whatever the renderer sent) from the save dialog's answer. */
function withOverwrite<R extends object>(req: R, cap: Capability): R & { overwrite: boolean } {
  return { ...req, overwrite: cap.overwriteConfirmed };
}

export function guardedEngine(api: EngineApi, roots: RootRegistry, caps: CapabilityStore): EngineApi {
  return {
    ...api,
    async addRoot(req) {
      // A folder already in the library may be added again (e.g. to change its reference flag).
      if (!roots.get().some((r) => r.path === req.path)) await caps.require('folder-to-add', req.path, 'addRoot');
      return roots.keep(await api.addRoot(req));
    },
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
      if (req.dest) await assertMoveDest(req.dest, roots.get(), caps);
      return api.resolveGroup(req);
    },
    async markNotDuplicate(req) {
      for (const p of req.paths) if (!underAny(roots.get(), p)) throw new ApiError('forbidden', `${p} is not under a library folder`);
      return api.markNotDuplicate(req);
    },
    async resolveAll(req) {
      if (req.dest) await assertMoveDest(req.dest, roots.get(), caps);
      return api.resolveAll(req);
    },
    async exportFeatures(req) {
      if (req.inputs) await assertExportInputs(req.inputs, roots.get(), caps);
      return api.exportFeatures(withOverwrite(req, await takeSaveTarget(req.out, caps, 'exportFeatures')));
    },
    async exportResults(req) {
      return api.exportResults(withOverwrite(req, await takeSaveTarget(req.out, caps, 'exportResults')));
    },
    async importModel(req) {
      await caps.require('model-folder', req.path, 'importModel');
      return api.importModel(req);
    },
    async getSettings(req) {
      const settings = await api.getSettings(req);
      caps.moveDest = settings.moveDest;
      return settings;
    },
    async setSettings(change) {
      if (change.moveDest && change.moveDest !== caps.moveDest) await caps.require('move-destination', change.moveDest, 'setSettings moveDest');
      const settings = await api.setSettings(change);
      caps.moveDest = settings.moveDest;
      return settings;
    },
  };
}
