// Paths from the renderer are capabilities: every method that acts on a path the renderer names (addRoot, a move's
// dest, an export's out and inputs, importModel, the default move folder) refuses one the user did not choose in
// main's dialog for that purpose with `forbidden`, before the engine is asked, and accepts one they did. Real folders
// in a temp dir, the real IPC gate (schemas + handlers), a fake engine that records what reached it.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ApiMethod } from '../../electron/shared/contract.js';
import { assertNoUncPaths, CapabilityStore, isUncPath } from '../../electron/main/capabilities.js';
import { createHandlers } from '../../electron/main/handlers.js';
import { dispatch, type Handlers } from '../../electron/main/ipc.js';
import type { InvokeEventLike } from '../../electron/main/senderCheck.js';
import { fakeDesktop, fakeEngine, fakeRoots, type FakeEngine, type Picks } from './fakes.js';

let tmp: string;
let library: string;
let reference: string;
let elsewhere: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-caps-'));
  [library, reference, elsewhere] = ['library', 'reference', 'elsewhere'].map((n) => path.join(tmp, n)) as [string, string, string];
  for (const dir of [library, reference, elsewhere, path.join(library, 'sorted')]) await mkdir(dir, { recursive: true });
  await writeFile(path.join(elsewhere, 'existing.csv'), 'old');
  await symlink(elsewhere, path.join(library, 'link-out'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const trusted: InvokeEventLike = { sender: 'us', senderFrame: { url: 'lookalike-app://app/index.html' } };
const ok = async <T>(value: T) => value;
const requests: Record<string, unknown[]> = {};

interface Setup {
  handlers: Handlers;
  engine: FakeEngine;
  picked: Picks;
  call(method: ApiMethod, raw: unknown): Promise<{ ok: boolean; code?: string; message?: string; value?: unknown }>;
}

function setup(platform: NodeJS.Platform = process.platform): Setup {
  for (const k of Object.keys(requests)) delete requests[k];
  const record = <R>(method: string, answer: unknown) => async (req: R) => ((requests[method] ??= []).push(req), answer as never);
  const engine = fakeEngine({
    addRoot: record('addRoot', [{ path: library, reference: false, files: null }]),
    resolveGroup: record('resolveGroup', { actionId: 'a1', done: [], failed: [] }),
    resolveAll: record('resolveAll', { plan: [], failed: [], actionId: null }),
    exportFeatures: record('exportFeatures', { jobId: 'e1' }),
    exportResults: record('exportResults', { out: '', groups: 0, rows: 0 }),
    importModel: record('importModel', { id: 'imported/x' }),
    compare: () => ok({}) as never,
  });
  const desktop = fakeDesktop();
  const roots = fakeRoots([{ path: library, reference: false }, { path: reference, reference: true }]);
  const handlers = createHandlers({ host: engine, roots, grants: new Set(), capabilities: new CapabilityStore(platform), platform, ...desktop });
  const call: Setup['call'] = async (method, raw) => {
    const r = await dispatch(method, trusted, raw, { handlers, untrustedReason: () => null });
    return r.ok ? { ok: true, value: r.value } : { ok: false, code: r.error.code, message: r.error.message };
  };
  return { handlers, engine, picked: desktop.picked, call };
}

const pickFolder = (s: Setup, folder: string, purpose: string) => ((s.picked.folder = folder), s.call('pickFolder', { purpose }));
const pickSave = (s: Setup, file: string, format = 'csv') => ((s.picked.save = file), s.call('pickSaveFile', { defaultName: path.basename(file), format }));

describe('paths are capabilities', () => {
  let s: Setup;
  beforeEach(() => {
    s = setup();
  });

  it('addRoot: only a folder chosen to be added (not one chosen for anything else), or one already in the library', async () => {
    expect(await s.call('addRoot', { path: '/', reference: false })).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/\/ was not chosen in a dialog/) });
    await pickFolder(s, elsewhere, 'move-destination');
    expect(await s.call('addRoot', { path: elsewhere, reference: false })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
    await pickFolder(s, elsewhere, 'folder-to-add');
    expect(await s.call('addRoot', { path: elsewhere, reference: true })).toMatchObject({ ok: true });
    expect(await s.call('addRoot', { path: library, reference: true })).toMatchObject({ ok: true });
    expect(s.engine.calls).toEqual(['addRoot', 'addRoot']);
  });

  it('a move: into a folder chosen as the destination, the default one from Settings, or a library folder, never a reference one', async () => {
    const move = (dest: string) => s.call('resolveGroup', { keep: path.join(library, 'k.jpg'), targets: [path.join(library, 'a.jpg')], action: 'move', dest });
    expect(await move(elsewhere)).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/was not chosen in a dialog/) });
    expect(await move(reference)).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await move(path.join(library, 'link-out'))).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await s.call('resolveAll', { threshold: 90, action: 'move', dest: '/', dryRun: false })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
    expect(await move(path.join(library, 'sorted'))).toMatchObject({ ok: true });
    await pickFolder(s, elsewhere, 'move-destination');
    expect(await move(elsewhere)).toMatchObject({ ok: true });
    expect(await s.call('resolveAll', { threshold: 90, action: 'move', dest: elsewhere, dryRun: true })).toMatchObject({ ok: true });
    expect(s.engine.calls).toEqual(['resolveGroup', 'resolveGroup', 'resolveAll']);
  });

  it("Settings' default move folder must come from its dialog, and then counts as a destination", async () => {
    expect(await s.call('setSettings', { moveDest: elsewhere })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
    await pickFolder(s, elsewhere, 'move-destination');
    expect(await s.call('setSettings', { moveDest: elsewhere })).toMatchObject({ ok: true });
    // A fresh session (new grants) still trusts the saved folder, as read from the settings.
    const next = setup();
    await next.engine.api.setSettings({ moveDest: elsewhere });
    await next.call('getSettings', undefined);
    const r = await next.call('resolveGroup', { keep: path.join(library, 'k.jpg'), targets: [path.join(library, 'a.jpg')], action: 'move', dest: elsewhere });
    expect(r).toMatchObject({ ok: true });
    expect(await next.call('setSettings', { moveDest: null })).toMatchObject({ ok: true });
  });

  it('an export: only to a file chosen in the save dialog, once, with overwrite set by main from what the user confirmed', async () => {
    const fresh = path.join(elsewhere, 'groups.csv');
    const existing = path.join(elsewhere, 'existing.csv');
    expect(await s.call('exportResults', { format: 'csv', out: fresh, threshold: 90 })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await s.call('exportFeatures', { out: path.join(tmp, 'f.npy'), pooled: true })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);

    expect((await pickSave(s, fresh)).value).toEqual({ path: fresh, overwrite: false });
    expect(await s.call('exportResults', { format: 'csv', out: fresh, threshold: 90 })).toMatchObject({ ok: true });
    expect(requests['exportResults']?.at(-1)).toMatchObject({ out: fresh, overwrite: false });
    // Used up: the next write to it needs another dialog.
    expect(await s.call('exportResults', { format: 'csv', out: fresh, threshold: 90 })).toMatchObject({ ok: false, code: 'forbidden' });

    // The system dialog asked before replacing an existing file; choosing it anyway is the confirmation.
    expect((await pickSave(s, existing)).value).toEqual({ path: existing, overwrite: true });
    expect(await s.call('exportResults', { format: 'csv', out: existing, threshold: 90 })).toMatchObject({ ok: true });
    expect(requests['exportResults']?.at(-1)).toMatchObject({ out: existing, overwrite: true });
    expect(s.engine.calls).toEqual(['exportResults', 'exportResults']);
  });

  it("an export's inputs: a library folder's photos, or a folder chosen for export", async () => {
    const out = path.join(elsewhere, 'f.npy');
    await pickSave(s, out, 'npy');
    expect(await s.call('exportFeatures', { out, pooled: true, inputs: [elsewhere] })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(await s.call('exportFeatures', { out, pooled: true, inputs: ['/'] })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
    await pickFolder(s, elsewhere, 'export-source');
    expect(await s.call('exportFeatures', { out, pooled: true, inputs: [elsewhere, reference, library] })).toMatchObject({ ok: true });
    expect(requests['exportFeatures']?.at(-1)).toMatchObject({ out, inputs: [elsewhere, reference, library], overwrite: false });
  });

  it('importModel: only a folder chosen as a model folder', async () => {
    expect(await s.call('importModel', { path: elsewhere })).toMatchObject({ ok: false, code: 'forbidden' });
    await pickFolder(s, elsewhere, 'folder-to-add');
    expect(await s.call('importModel', { path: elsewhere })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
    await pickFolder(s, elsewhere, 'model-folder');
    expect(await s.call('importModel', { path: elsewhere })).toMatchObject({ ok: true });
    expect(s.engine.calls).toEqual(['importModel']);
  });

  it('a grant is the real path: a link swapped in after the dialog no longer matches', async () => {
    const chosen = path.join(tmp, 'swap');
    await mkdir(chosen);
    await pickFolder(s, chosen, 'model-folder');
    await rm(chosen, { recursive: true });
    await symlink('/', chosen);
    expect(await s.call('importModel', { path: chosen })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
  });
});

describe('UNC paths on Windows', () => {
  it.each([
    ['\\\\server\\share', true],
    ['\\\\server\\share\\photos\\a.jpg', true],
    ['//server/share/a.jpg', true],
    ['\\\\?\\UNC\\server\\share', true],
    ['\\\\.\\pipe\\lookalike', true],
    ['/\\server\\share', true],
    ['C:\\Users\\me\\Pictures', false],
    ['C:/Users/me/Pictures', false],
    ['\\Users\\me', false],
    ['D:relative', false],
  ])('win32 %s → %s', (p, unc) => {
    expect(isUncPath(p, 'win32')).toBe(unc);
    expect(isUncPath(p, 'linux')).toBe(false);
  });

  it('finds one anywhere in a request', () => {
    expect(() => assertNoUncPaths({ a: 'C:\\x.jpg', b: ['D:\\y', { deep: '\\\\evil\\share\\x.jpg' }] }, 'win32')).toThrow(/network and device paths/);
    expect(() => assertNoUncPaths({ a: '\\\\evil\\share\\x.jpg' }, 'darwin')).not.toThrow();
  });

  it('every method refuses one before the engine (and before any fs call) is asked', async () => {
    const s = setup('win32');
    const unc = '\\\\attacker\\share\\photos';
    for (const [method, raw] of [
      ['addRoot', { path: unc, reference: false }],
      ['compare', { a: `${unc}\\a.jpg`, b: 'C:\\b.jpg' }],
      ['search', { path: `${unc}\\a.jpg`, top: 5 }],
      ['showInFolder', { path: `${unc}\\a.jpg` }],
      ['exportFeatures', { out: 'C:\\f.npy', pooled: true, inputs: [unc] }],
    ] as const) {
      expect(await s.call(method, raw)).toMatchObject({ ok: false, code: 'forbidden', message: expect.stringMatching(/network and device paths/) });
    }
    s.picked.folder = unc;
    expect(await s.call('pickFolder', { purpose: 'folder-to-add' })).toMatchObject({ ok: false, code: 'forbidden' });
    expect(s.engine.calls).toEqual([]);
  });
});
