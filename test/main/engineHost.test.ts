// The engine host under plain Node with the real worker, the real engine and a generated tiny model: compare
// with its patch heatmap, export as a job with progress and cancel, and main's event loop staying responsive
// (IPC-shaped pings through dispatch) while the worker embeds the fixture photos.
import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SETTINGS_FOR_TESTS, fakeRoots, fakeSettings } from './fakes.js';
import { bundleEntry } from './bundle.js';
import { tinyModelDir } from '../helpers/models.js';
import { startEngineHost, type EngineHost, type HostEvent } from '../../electron/main/host/engineHost.js';
import { createJobRegistry } from '../../electron/main/jobs.js';
import { createHandlers } from '../../electron/main/handlers.js';
import { openRootRegistry } from '../../electron/main/roots.js';
import { dispatch } from '../../electron/main/ipc.js';
import type { JobDone } from '../../electron/shared/contract.js';

const photos = path.resolve('test/fixtures/photos');
const chelsea = path.join(photos, 'originals/skimage_chelsea.jpg');
const chelseaCopy = path.join(photos, 'variants/skimage_chelsea__copy.jpg');
const coffee = path.join(photos, 'originals/skimage_coffee.jpg');

let host: EngineHost;
let tmp: string;
let workerUrl: URL;
const events: HostEvent[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-host-'));
  workerUrl = pathToFileURL(await bundleEntry('electron/main/host/engineWorker.ts', 'engineWorker', 'esm'));
  host = startEngineHost({
    workerUrl,
    config: { dataDir: tmp, device: 'auto', threads: 1, modelDir: await tinyModelDir() },
    callbacks: { trashItem: async () => undefined },
  });
  host.onEvent((e) => events.push(e));
});

afterAll(async () => {
  await host?.close();
  await rm(tmp, { recursive: true, force: true });
  await rm(fileURLToPath(workerUrl), { force: true });
});

function handlersFor(h: EngineHost) {
  const jobs = createJobRegistry(h);
  const handlers = createHandlers({
    host: h,
    jobs,
    settings: fakeSettings(DEFAULT_SETTINGS_FOR_TESTS),
    roots: fakeRoots([{ path: photos, reference: false }]),
    grants: new Set(),
    dialogs: { openFiles: async () => [], openFolder: async () => null },
    shell: { showItemInFolder: () => undefined },
    app: { version: '0.0.0-test', dataDir: tmp },
  });
  return { jobs, handlers };
}

const waitForDone = (jobs: ReturnType<typeof createJobRegistry>, jobId: string): Promise<JobDone> =>
  new Promise((resolve) => {
    const off = jobs.onEvent((e) => {
      if (e.type === 'jobDone' && e.done.jobId === jobId) {
        off();
        resolve(e.done);
      }
    });
  });

/** Handlers over the catalog's real root registry (the library tests add and scan folders). */
async function libraryHandlers() {
  const jobs = createJobRegistry(host);
  const roots = await openRootRegistry(host);
  const handlers = createHandlers({
    host,
    jobs,
    settings: fakeSettings(DEFAULT_SETTINGS_FOR_TESTS),
    roots,
    grants: new Set(),
    dialogs: { openFiles: async () => [], openFolder: async () => null },
    shell: { showItemInFolder: () => undefined },
    app: { version: '0.0.0-test', dataDir: tmp },
  });
  return { handlers, jobs };
}

describe('engine host (worker thread, tiny model)', () => {
  it('reports the device actually used and the model shape', async () => {
    const { handlers } = handlersFor(host);
    let status = await handlers.getStatus(undefined);
    // The model loads in the background at start; statusChanged reports it, here we poll.
    for (let i = 0; i < 200 && status.engineState === 'starting'; i++) {
      await new Promise((r) => setTimeout(r, 25));
      status = await handlers.getStatus(undefined);
    }
    expect(status.engineState).toBe('ready');
    expect(events.some((e) => e.type === 'statusChanged' && e.status.engineState === 'ready')).toBe(true);
    expect(status.device).toBe('cpu');
    expect(status.dim).toBe(64);
    expect(status.pooling).toBe('pooler_output');
    expect(status.appVersion).toBe('0.0.0-test');
  });

  it('compares two photos with a 14×14 patch heatmap; an identical copy scores 100', async () => {
    const { handlers } = handlersFor(host);
    const same = await handlers.compare({ a: chelsea, b: chelseaCopy });
    expect(same.score).toBe(100);
    expect(same.heatmap?.gridW).toBe(14);
    expect(same.heatmap?.a).toHaveLength(196);
    // Same pixels: every patch finds itself.
    for (const v of same.heatmap!.a) expect(v).toBeCloseTo(1, 4);
    expect(same.thumbA).toMatch(/^lookalike-media:\/\/thumb\//);
    const different = await handlers.compare({ a: chelsea, b: coffee });
    expect(different.cosine).toBeLessThan(same.cosine);
    expect(Math.min(...different.heatmap!.a)).toBeLessThan(0.99);
  });

  it('fails a compare of a non-image with a clear error, and keeps working', async () => {
    const { handlers } = handlersFor(host);
    await expect(handlers.compare({ a: path.resolve('package.json'), b: chelsea })).rejects.toThrow(/package\.json|decode|image|format/i);
    expect((await handlers.getStatus(undefined)).engineState).toBe('ready');
  });

  it('runs an export as a job with progress, and keeps main responsive meanwhile (ping p99 ≤ 50 ms)', async () => {
    const { handlers, jobs } = handlersFor(host);
    const out = path.join(tmp, 'features.npy');
    const trusted = { untrustedReason: () => null, handlers };
    const { jobId } = await handlers.exportFeatures({ inputs: [photos], out, pooled: false, format: 'npy' });
    const done = waitForDone(jobs, jobId);
    const latencies: number[] = [];
    let finished = false;
    void done.then(() => (finished = true));
    // IPC-shaped pings through main's dispatch (sender check + zod + handler) while the worker embeds.
    while (!finished) {
      const t0 = performance.now();
      const r = await dispatch('getSettings', { sender: null, senderFrame: null }, undefined, trusted);
      latencies.push(performance.now() - t0);
      expect(r.ok).toBe(true);
      await new Promise((r) => setTimeout(r, 5));
    }
    const result = await done;
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'exportFeatures') {
      expect(result.result.rows).toBe(30);
      expect((await stat(out)).size).toBe(result.result.bytesWritten);
    }
    expect(events.some((e) => e.type === 'jobProgress' && e.jobId === jobId)).toBe(true);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
    console.log(`main-loop ping while the worker embeds 30 photos: n=${latencies.length} p50=${latencies[latencies.length >> 1]!.toFixed(2)}ms p99=${p99.toFixed(2)}ms`);
    expect(latencies.length).toBeGreaterThan(5);
    expect(p99).toBeLessThanOrEqual(50);
  });

  it('cancels a job: jobDone says cancelled', async () => {
    const { handlers, jobs } = handlersFor(host);
    const { jobId } = await handlers.exportFeatures({ inputs: [photos], out: path.join(tmp, 'cancelled.npy'), pooled: true });
    const done = waitForDone(jobs, jobId);
    expect((await handlers.cancelJob({ jobId })).ok).toBe(true);
    const result = await done;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.cancelled).toBe(true);
    expect(jobs.list().find((j) => j.jobId === jobId)?.state).toBe('cancelled');
  });

  it('scans as a job that pauses in place in the worker, resumes, and keeps the folders in the catalog', async () => {
    const { handlers, jobs } = await libraryHandlers();
    expect(await handlers.addRoot({ path: photos, reference: true })).toEqual([{ path: photos, reference: true, files: null }]);
    const { jobId } = await handlers.startScan(undefined);
    const done = waitForDone(jobs, jobId);
    expect((await handlers.pauseJob({ jobId })).ok).toBe(true);
    // Files already in flight finish; then nothing moves until resume.
    await new Promise((r) => setTimeout(r, 800));
    const held = jobs.list().find((j) => j.jobId === jobId)!;
    expect(held.state).toBe('paused');
    await new Promise((r) => setTimeout(r, 700));
    expect(jobs.list().find((j) => j.jobId === jobId)!.progress?.hashed ?? 0).toBe(held.progress?.hashed ?? 0);
    expect((held.progress?.hashed ?? 0)).toBeLessThan(30);
    expect((await handlers.resumeJob({ jobId })).ok).toBe(true);
    const result = await done;
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'scan') expect(result.result).toMatchObject({ found: 30, new: 30, failed: 0 });
    // The same job id ran start to end: no restart under a new id, nothing scanned twice.
    expect(events.filter((e) => e.type === 'jobDone' && e.done.jobId === jobId)).toHaveLength(1);
    expect((await handlers.listRoots(undefined))[0]).toEqual({ path: photos, reference: true, files: 30 });
    // A reference folder is never a target.
    await expect(handlers.resolveGroup({ keep: chelsea, targets: [chelseaCopy], action: 'trash' })).rejects.toThrow(/reference folder/);
  });

  it('keeps main responsive while a scan and a grouping run in the worker (ping p99 ≤ 50 ms)', async () => {
    // Distinct new photos (re-encoded, so nothing is reused from the catalog): real decode + embed work.
    const fresh = path.join(tmp, 'fresh-photos');
    await mkdir(fresh, { recursive: true });
    const sources = (await readdir(path.join(photos, 'variants'))).filter((f) => f.endsWith('.jpg')).slice(0, 30);
    await Promise.all(
      sources.map((f, i) => sharp(path.join(photos, 'variants', f)).jpeg({ quality: 60 + (i % 30) }).toFile(path.join(fresh, f))),
    );
    const { handlers, jobs } = await libraryHandlers();
    await handlers.addRoot({ path: fresh, reference: false });
    const { jobId } = await handlers.startScan(undefined);
    const done = waitForDone(jobs, jobId);
    let finished = false;
    void done.then(() => (finished = true));
    const trusted = { untrustedReason: () => null, handlers };
    // Grouping requests keep the worker busy alongside the scan.
    const grouping = (async () => {
      let n = 0;
      while (!finished) {
        await handlers.getGroups({ threshold: 90 });
        n++;
      }
      return n;
    })();
    const latencies: number[] = [];
    while (!finished) {
      const t0 = performance.now();
      const r = await dispatch('getSettings', { sender: null, senderFrame: null }, undefined, trusted);
      latencies.push(performance.now() - t0);
      expect(r.ok).toBe(true);
      await new Promise((res) => setTimeout(res, 5));
    }
    const result = await done;
    const groupings = await grouping;
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'scan') expect(result.result).toMatchObject({ new: sources.length, embedded: sources.length });
    expect(groupings).toBeGreaterThan(0);
    latencies.sort((a, b) => a - b);
    const p99 = latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * 0.99))]!;
    console.log(
      `main-loop ping during a scan of ${sources.length} new photos + ${groupings} groupings: n=${latencies.length} ` +
        `p50=${latencies[latencies.length >> 1]!.toFixed(2)}ms p99=${p99.toFixed(2)}ms`,
    );
    expect(latencies.length).toBeGreaterThan(5);
    expect(p99).toBeLessThanOrEqual(50);
  });

  it('reports no-model when nothing is installed, without crashing', async () => {
    const empty = startEngineHost({
      workerUrl,
      config: { dataDir: path.join(tmp, 'empty'), device: 'cpu', threads: 1, env: { LOOKALIKE_MODEL: '' } },
      callbacks: { trashItem: async () => undefined },
    });
    try {
      const { handlers } = handlersFor(empty);
      await expect(handlers.compare({ a: chelsea, b: coffee })).rejects.toThrow(/no model/i);
      expect((await handlers.getStatus(undefined)).engineState).toBe('no-model');
    } finally {
      await empty.close();
    }
  });
});
