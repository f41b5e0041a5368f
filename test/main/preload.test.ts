// The compiled preload, run in a vm context the way a sandboxed renderer runs it (CommonJS, `require` that
// knows only `electron`), with a fake contextBridge/ipcRenderer that records what it is given.
import { readFile, rm } from 'node:fs/promises';
import vm from 'node:vm';
import { beforeAll, describe, expect, it } from 'vitest';
import { API_GLOBAL, apiEvents, apiMethods, eventChannel, invokeChannel } from '../../electron/shared/contract.js';
import { bundleEntry } from './bundle.js';

type Listener = (event: unknown, payload: unknown) => void;

interface Loaded {
  exposed: Map<string, Record<string, unknown>>;
  invoked: { channel: string; req: unknown }[];
  listeners: Map<string, Set<Listener>>;
  required: string[];
}

let source: string;
beforeAll(async () => {
  const file = await bundleEntry('electron/preload/preload.ts', 'preload', 'cjs');
  source = await readFile(file, 'utf8');
  await rm(file);
});

function load(reply: (channel: string, req: unknown) => unknown): Loaded {
  const loaded: Loaded = { exposed: new Map(), invoked: [], listeners: new Map(), required: [] };
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: Record<string, unknown>) => loaded.exposed.set(key, api) },
    ipcRenderer: {
      invoke: async (channel: string, req: unknown) => {
        loaded.invoked.push({ channel, req });
        return reply(channel, req);
      },
      on: (channel: string, l: Listener) => loaded.listeners.set(channel, (loaded.listeners.get(channel) ?? new Set()).add(l)),
      removeListener: (channel: string, l: Listener) => loaded.listeners.get(channel)?.delete(l),
    },
    webUtils: { getPathForFile: (file: { fakePath: string }) => file.fakePath },
  };
  const sandboxRequire = (id: string): unknown => {
    loaded.required.push(id);
    if (id === 'electron') return electron;
    throw new Error(`a sandboxed preload cannot require "${id}"`);
  };
  const module = { exports: {} };
  vm.runInNewContext(source, { require: sandboxRequire, module, exports: module.exports, console }, { filename: 'preload.cjs' });
  return loaded;
}

describe('preload surface', () => {
  it('exposes exactly the contract methods plus on/pathForFile, requiring nothing but electron', () => {
    const { exposed, required } = load(() => ({ ok: true, value: null }));
    expect([...exposed.keys()]).toEqual([API_GLOBAL]);
    const api = exposed.get(API_GLOBAL)!;
    expect(Object.keys(api).sort()).toEqual([...apiMethods, 'on', 'pathForFile'].sort());
    for (const key of Object.keys(api)) expect(typeof api[key]).toBe('function');
    expect(required).toEqual(['electron']);
    expect(api).not.toHaveProperty('invoke');
    expect(api).not.toHaveProperty('send');
  });

  it('invokes each method on its own channel and unwraps the envelope', async () => {
    const { exposed, invoked } = load((channel) => ({ ok: true, value: { channel } }));
    const api = exposed.get(API_GLOBAL)! as Record<string, (req?: unknown) => Promise<unknown>>;
    for (const method of apiMethods) await expect(api[method]!({ probe: method })).resolves.toEqual({ channel: invokeChannel(method) });
    expect(invoked.map((i) => i.channel)).toEqual(apiMethods.map((m) => invokeChannel(m)));
    expect(invoked[1]!.req).toEqual({ probe: apiMethods[1] });
  });

  it('rethrows a refused call as an Error carrying the code and message', async () => {
    const { exposed } = load(() => ({ ok: false, error: { code: 'invalid-request', message: 'compare: invalid request\n✖ path must be absolute' } }));
    const api = exposed.get(API_GLOBAL)! as Record<string, (req?: unknown) => Promise<unknown>>;
    await expect(api['compare']!({ a: 'x', b: 'y' })).rejects.toThrow('[invalid-request] compare: invalid request\n✖ path must be absolute');
  });

  it('subscribes to contract events only, forwards the payload without the IPC event, and unsubscribes', () => {
    const { exposed, listeners } = load(() => null);
    const on = exposed.get(API_GLOBAL)!['on'] as (e: string, l: (p: unknown) => void) => () => void;
    const got: unknown[] = [];
    const off = on('jobProgress', (p) => got.push(p));
    const channel = eventChannel('jobProgress');
    for (const l of listeners.get(channel)!) l({ sender: 'secret ipcRenderer' }, { jobId: 'j', done: 1 });
    expect(got).toEqual([{ jobId: 'j', done: 1 }]);
    off();
    expect(listeners.get(channel)!.size).toBe(0);
    expect(() => on('ipc-anything', () => undefined)).toThrow(/unknown event/);
    for (const e of apiEvents) expect(() => on(e, () => undefined)()).not.toThrow();
  });

  it('gives the path of a dropped file through webUtils', () => {
    const { exposed } = load(() => null);
    const pathForFile = exposed.get(API_GLOBAL)!['pathForFile'] as (f: unknown) => string;
    expect(pathForFile({ fakePath: '/photos/a.jpg' })).toBe('/photos/a.jpg');
  });
});
