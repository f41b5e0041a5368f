// The contract, the handler map and main's IPC gate: the map matches the method list at compile time and run
// time, malformed requests are refused with readable errors, main's guards stop what it must refuse before the
// engine is asked, and only our window on our app page may call.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { canonicalFolder } from '../../electron/engine/library/scanning.js';
import { apiMethods, invokeChannel, requestSchemas, type Api, type ApiMethod, type CompareResult } from '../../electron/shared/contract.js';
import { createHandlers } from '../../electron/main/handlers.js';
import { bindIpc, dispatch, type Handlers } from '../../electron/main/ipc.js';
import { appUrlCheck, untrustedSenderReason, type InvokeEventLike } from '../../electron/main/senderCheck.js';
import { DEFAULT_SETTINGS_FOR_TESTS, fakeDesktop, fakeEngine, fakeRoots, type FakeEngine } from './fakes.js';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-contract-'));
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

// An engine that answers only settings, and addRoot with the engine's own folder check: these tests stop at main's
// gate or in main-only handlers, and `engine.calls` shows whether a request got past main.
function makeHandlers(engine: FakeEngine = fakeEngine({ addRoot: async (req) => [{ path: await canonicalFolder(req.path), reference: req.reference, files: null }] })): Handlers {
  return createHandlers({
    host: engine,
    roots: fakeRoots([{ path: tmp, reference: true }]),
    grants: new Set(),
    ...fakeDesktop({ files: ['/picked/a.jpg'] }),
  });
}

const trustedEvent: InvokeEventLike = { sender: 'our-contents', senderFrame: { url: 'lookalike-app://app/index.html' } };
const ourWindow = { id: 1 };
const senderDeps = {
  windowOf: (sender: unknown) => (sender === 'our-contents' ? ourWindow : sender === 'other-contents' ? { id: 2 } : null),
  isOurWindow: (w: { id: number }) => w === ourWindow,
  isAppUrl: appUrlCheck(null),
};
const gate = (handlers: Handlers) => ({ handlers, untrustedReason: (e: InvokeEventLike) => untrustedSenderReason(e, senderDeps) });

describe('contract and handler map', () => {
  it('has one handler per contract method, at compile time and at run time', () => {
    const handlers = makeHandlers();
    expectTypeOf(handlers).toEqualTypeOf<Handlers>();
    expectTypeOf<keyof Handlers>().toEqualTypeOf<keyof Api>();
    expectTypeOf<Parameters<Handlers['compare']>[0]>().toEqualTypeOf<Api['compare']['req']>();
    expectTypeOf<Awaited<ReturnType<Handlers['getStatus']>>>().toEqualTypeOf<Api['getStatus']['res']>();
    // @ts-expect-error a handler map missing a method does not compile
    const incomplete: Handlers = { getStatus: handlers.getStatus };
    void incomplete;
    expect(Object.keys(handlers).sort()).toEqual([...apiMethods].sort());
    expect(Object.keys(requestSchemas).sort()).toEqual([...apiMethods].sort());
    expect(new Set(apiMethods).size).toBe(apiMethods.length);
  });

  it('registers exactly one IPC channel per method, and removes them', () => {
    const channels: string[] = [];
    const off = bindIpc({ handle: (c) => channels.push(c), removeHandler: (c) => channels.splice(channels.indexOf(c), 1) }, gate(makeHandlers()));
    expect(channels).toEqual(apiMethods.map((m: ApiMethod) => invokeChannel(m)));
    off();
    expect(channels).toEqual([]);
  });
});

describe('request validation', () => {
  const cases: [ApiMethod, unknown, RegExp][] = [
    ['compare', { a: 'relative.jpg', b: '/x.jpg' }, /a[\s\S]*path must be absolute/],
    ['compare', { a: '/x.jpg' }, /b/],
    ['compare', { a: '/x.jpg', b: '/y.jpg', extra: 1 }, /extra/],
    ['compare', '/x.jpg', /expected object/i],
    ['getGroups', { threshold: 140 }, /Too big[\s\S]*threshold/],
    ['resolveGroup', { keep: '/a.jpg', targets: [], action: 'trash' }, /targets is empty/],
    ['resolveGroup', { keep: '/a.jpg', targets: ['/b.jpg'], action: 'move' }, /needs dest/],
    ['resolveGroup', { keep: '/a.jpg', targets: ['/a.jpg'], action: 'trash' }, /kept file is also a target/],
    ['resolveGroup', { keep: '/a.jpg', targets: ['/b.jpg'], action: 'shred' }, /action/],
    ['search', { path: '/a\0.jpg', top: 5 }, /NUL byte/],
    ['search', { path: '/a.jpg', top: 1.5 }, /top/],
    ['setSettings', { device: 'tpu' }, /device/],
    ['getStatus', { unexpected: true }, /unexpected/],
    ['pauseJob', {}, /jobId/],
    ['pickFolder', { title: 'Add' }, /purpose/],
    ['pickFolder', { purpose: 'anything' }, /purpose/],
    ['pickSaveFile', { defaultName: '../../etc/x.csv', format: 'csv' }, /a file name, not a path/],
  ];
  it.each(cases)('%s rejects %j', async (method, raw, message) => {
    const r = await dispatch(method, trustedEvent, raw, gate(makeHandlers()));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('invalid-request');
      expect(r.error.message).toMatch(new RegExp(`^${method}: invalid request`));
      expect(r.error.message).toMatch(message);
    }
  });

  it('passes valid requests to the handler', async () => {
    const r = await dispatch('setSettings', trustedEvent, { threshold: 85 }, gate(makeHandlers()));
    expect(r).toEqual({ ok: true, value: { ...DEFAULT_SETTINGS_FOR_TESTS, threshold: 85 } });
  });

  it('refuses to resolve files under a reference root or outside the library, before the engine is asked', async () => {
    const engine = fakeEngine();
    const handlers = makeHandlers(engine);
    const inRef = path.join(tmp, 'b.jpg');
    let r = await dispatch('resolveGroup', trustedEvent, { keep: '/k.jpg', targets: [inRef], action: 'trash' }, gate(handlers));
    expect(r.ok === false && r.error.code === 'forbidden' && /reference folder/.test(r.error.message)).toBe(true);
    r = await dispatch('resolveGroup', trustedEvent, { keep: '/k.jpg', targets: ['/etc/passwd.jpg'], action: 'trash' }, gate(handlers));
    expect(r.ok === false && /not under a library folder/.test(r.error.message)).toBe(true);
    expect(engine.calls).toEqual([]);
  });

  it('grants picked files to the media protocol and returns a handler error as a clean message', async () => {
    const desktop = fakeDesktop({ files: ['/picked/a.jpg'] });
    const handlers = createHandlers({
      host: fakeEngine({ addRoot: async (req) => [{ path: await canonicalFolder(req.path), reference: req.reference, files: null }] }),
      roots: fakeRoots([]),
      grants: new Set(),
      ...desktop,
    });
    expect(await handlers.pickFiles(undefined)).toEqual({ paths: ['/picked/a.jpg'] });
    // Chosen in the dialog, then gone before it is added: the engine's own refusal comes back as a clean message.
    const gone = path.join(tmp, 'gone');
    await mkdir(gone);
    desktop.picked.folder = gone;
    await handlers.pickFolder({ purpose: 'folder-to-add' });
    await rm(gone, { recursive: true });
    const r = await dispatch('addRoot', trustedEvent, { path: gone, reference: false }, gate(handlers));
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: `folder not found: ${gone}` } });
  });
});

describe("main's guards in front of the engine", () => {
  const compared: CompareResult = { score: 100, cosine: 1, tier: 'exact', model: 'm', device: 'cpu', pooling: 'pooler_output', heatmap: null, thumbA: 'thumb-a', thumbB: 'thumb-b' };
  const refused = async (handlers: Handlers, method: ApiMethod, raw: unknown) => {
    const r = await dispatch(method, trustedEvent, raw, gate(handlers));
    if (r.ok) throw new Error(`${method} was not refused`);
    return r.error;
  };

  it('scans only library folders, and only once there is one', async () => {
    const engine = fakeEngine({ startScan: async () => ({ jobId: 'scan-1' }) });
    const handlers = makeHandlers(engine);
    expect(await refused(handlers, 'startScan', { roots: ['/elsewhere'] })).toEqual({ code: 'invalid-request', message: 'not library folders: /elsewhere' });
    expect(await handlers.startScan({ roots: [tmp] })).toEqual({ jobId: 'scan-1' });
    const empty = createHandlers({ host: engine, roots: fakeRoots([]), grants: new Set(), ...fakeDesktop() });
    expect(await refused(empty, 'startScan', undefined)).toMatchObject({ code: 'invalid-request', message: /add a folder/ });
    expect(engine.calls).toEqual(['startScan']);
  });

  it('moves and exports only into folders that still exist when asked', async () => {
    const engine = fakeEngine();
    const desktop = fakeDesktop();
    const handlers = createHandlers({ host: engine, roots: fakeRoots([{ path: tmp, reference: true }]), grants: new Set(), ...desktop });
    const vanishing = path.join(tmp, 'vanishing');
    await mkdir(vanishing);
    desktop.picked.folder = vanishing;
    await handlers.pickFolder({ purpose: 'move-destination' });
    desktop.picked.save = path.join(vanishing, 'f.npy');
    await handlers.pickSaveFile({ defaultName: 'f.npy', format: 'npy' });
    await rm(vanishing, { recursive: true });
    expect(await refused(handlers, 'resolveAll', { threshold: 95, action: 'move', dest: vanishing, dryRun: true })).toEqual({ code: 'not-found', message: `${vanishing} does not exist` });
    expect(await refused(handlers, 'exportFeatures', { out: path.join(vanishing, 'f.npy'), pooled: true })).toMatchObject({ code: 'not-found' });
    expect(await refused(handlers, 'markNotDuplicate', { paths: [path.join(tmp, 'a.jpg'), '/elsewhere/b.jpg'] })).toMatchObject({ code: 'forbidden' });
    expect(engine.calls).toEqual([]);
  });

  it('keeps the folders the engine answers with, and shows thumbnails only of files main may serve', async () => {
    const library = path.join(tmp, 'library');
    await mkdir(library, { recursive: true });
    const engine = fakeEngine({ addRoot: async (req) => [{ ...req, files: null }], compare: async () => compared });
    const roots = fakeRoots([]);
    const grants = new Set<string>();
    const handlers = createHandlers({ host: engine, roots, grants, ...fakeDesktop({ files: ['/picked/b.jpg'], folder: library }) });
    await handlers.pickFolder({ purpose: 'folder-to-add' });
    await handlers.addRoot({ path: library, reference: false });
    expect(roots.get()).toEqual([{ path: library, reference: false }]);
    const inLibrary = path.join(library, 'a.jpg');
    expect(await handlers.compare({ a: inLibrary, b: '/picked/b.jpg' })).toMatchObject({ thumbA: 'thumb-a', thumbB: null });
    await handlers.pickFiles(undefined);
    expect(grants.has('/picked/b.jpg')).toBe(true);
    expect(await handlers.compare({ a: inLibrary, b: '/picked/b.jpg' })).toMatchObject({ thumbA: 'thumb-a', thumbB: 'thumb-b' });
  });
});

describe('sender check', () => {
  const handlers = makeHandlers();
  it.each([
    ['another window', { sender: 'other-contents', senderFrame: { url: 'lookalike-app://app/index.html' } }, /not a Lookalike window/],
    ['no window (e.g. a service worker)', { sender: 'detached', senderFrame: { url: 'lookalike-app://app/index.html' } }, /not a window/],
    ['a remote page in our window', { sender: 'our-contents', senderFrame: { url: 'https://evil.example/' } }, /not the app/],
    ['a file:// page in our window', { sender: 'our-contents', senderFrame: { url: 'file:///tmp/x.html' } }, /not the app/],
    ['a look-alike host', { sender: 'our-contents', senderFrame: { url: 'lookalike-app://evil/index.html' } }, /not the app/],
    ['a destroyed frame', { sender: 'our-contents', senderFrame: null }, /frame is gone/],
  ])('refuses %s', async (_name, event, reason) => {
    const r = await dispatch('getSettings', event as InvokeEventLike, undefined, gate(handlers));
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.error.code).toBe('forbidden');
      expect(r.error.message).toMatch(reason);
    }
  });

  it('accepts our window on our app page, and a dev server only when configured', async () => {
    expect((await dispatch('getSettings', trustedEvent, undefined, gate(handlers))).ok).toBe(true);
    expect(appUrlCheck('http://localhost:5173')('http://localhost:5173/src/main.ts')).toBe(true);
    expect(appUrlCheck('http://localhost:5173')('http://localhost:5174/')).toBe(false);
    expect(appUrlCheck(null)('http://localhost:5173/')).toBe(false);
  });
});
