// The engine host under plain Node with the real engine process (a forked child process running the Library), the real
// engine and a generated tiny model: compare with its patch heatmap, export as a job with progress and cancel,
// one job of a kind at a time (the next waits queued), a scan paused and resumed through the api, and main's event
// loop staying responsive (IPC-shaped pings through dispatch) while the engine process embeds the fixture photos.
import { mkdir, mkdtemp, readdir, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, defaultSettings, type Settings } from '../../electron/engine/library/index.js';
import { fakeDesktop, fakeRoots } from './fakes.js';
import { bundleEntry } from './bundle.js';
import { tinyModelDir } from '../helpers/models.js';
import { startEngineHost, type EngineHost } from '../../electron/main/host/engineHost.js';
import { CapabilityStore } from '../../electron/main/capabilities.js';
import { createHandlers } from '../../electron/main/handlers.js';
import { openRootRegistry, type RootRegistry } from '../../electron/main/roots.js';
import { dispatch, type DispatchDeps } from '../../electron/main/ipc.js';
import { mediaRequestHandler } from '../../electron/main/media/protocol.js';
import { thumbUrl, type JobDone, type JobInfo, type JobState } from '../../electron/shared/contract.js';
import type { EngineEvent } from '../../electron/shared/rpc.js';

const photos = path.resolve('test/fixtures/photos');
const chelsea = path.join(photos, 'originals/skimage_chelsea.jpg');
const chelseaCopy = path.join(photos, 'variants/skimage_chelsea__copy.jpg');
const coffee = path.join(photos, 'originals/skimage_coffee.jpg');
const APP_VERSION = '0.0.0-test';

let host: EngineHost;
let tmp: string;
let entryUrl: URL;
const events: EngineEvent[] = [];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-host-'));
  entryUrl = pathToFileURL(await bundleEntry('electron/engineProcess/entry.ts', 'engineProcess', 'esm'));
  // The engine reads device and threads from the data folder's settings when it opens the Library: written first,
  // as a user's saved choice would be ('auto' here: the status must report the provider actually used).
  const settings: Settings = { ...defaultSettings(), device: 'auto', threads: 1 };
  await writeFile(dataPaths(tmp).settings, JSON.stringify(settings, null, 2));
  host = startEngineHost({
    entryUrl,
    config: { dataDir: tmp, appVersion: APP_VERSION, modelDir: await tinyModelDir() },
    callbacks: { trashItem: async () => undefined },
  });
  host.onEvent((e) => events.push(e));
});

afterAll(async () => {
  await host?.close();
  await rm(tmp, { recursive: true, force: true });
  if (entryUrl) await rm(fileURLToPath(entryUrl), { force: true });
});

/** What "the user chose in a dialog" in these tests: paths are granted here as main's dialogs would grant them. */
const caps = new CapabilityStore();

function handlersFor(h: Pick<EngineHost, 'api'>, roots: RootRegistry = fakeRoots([{ path: photos, reference: false }])) {
  return createHandlers({ host: h, roots, grants: new Set(), capabilities: caps, ...fakeDesktop() });
}

/** Handlers over the catalog's real root registry (the library tests add and scan folders). */
async function libraryHandlers() {
  return handlersFor(host, await openRootRegistry(host.api));
}

/** The main host's jobDone for a job: already seen, or the next one (events are collected from the start). */
const waitForDone = (jobId: string): Promise<JobDone> =>
  new Promise((resolve) => {
    const isDone = (e: EngineEvent): e is Extract<EngineEvent, { event: 'jobDone' }> => e.event === 'jobDone' && e.payload.jobId === jobId;
    const seen = events.find(isDone);
    if (seen) return resolve(seen.payload);
    const off = host.onEvent((e) => {
      if (!isDone(e)) return;
      off();
      resolve(e.payload);
    });
  });

const jobIn = (jobs: JobInfo[], jobId: string): JobInfo | undefined => jobs.find((j) => j.jobId === jobId);
const stateOf = async (jobId: string): Promise<JobState | undefined> => jobIn(await host.api.listJobs(undefined), jobId)?.state;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * IPC-shaped pings through main's dispatch (sender check + zod + handler) until `finished()`: pickFolder is served
 * by main itself (a dialog that answers at once), so its latency is main's event loop, not the engine's.
 */
async function pingMain(deps: DispatchDeps, finished: () => boolean): Promise<number[]> {
  const latencies: number[] = [];
  while (!finished()) {
    const t0 = performance.now();
    const r = await dispatch('pickFolder', { sender: null, senderFrame: null }, { purpose: 'prefer-folder' }, deps);
    latencies.push(performance.now() - t0);
    expect(r.ok).toBe(true);
    await sleep(5);
  }
  return latencies.sort((a, b) => a - b);
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))]!;

describe('engine host (child process, tiny model)', () => {
  it('reports the device actually used and the model shape', async () => {
    const handlers = handlersFor(host);
    let status = await handlers.getStatus(undefined);
    // The model loads in the background at start; statusChanged reports it, here we poll.
    for (let i = 0; i < 200 && status.engineState === 'starting'; i++) {
      await sleep(25);
      status = await handlers.getStatus(undefined);
    }
    expect(status.engineState).toBe('ready');
    expect(events.some((e) => e.event === 'statusChanged' && e.payload.engineState === 'ready')).toBe(true);
    expect(status.device).toBe('cpu');
    expect(status.dim).toBe(64);
    expect(status.pooling).toBe('pooler_output');
    expect(status.appVersion).toBe(APP_VERSION);
    expect(status.dataDir).toBe(dataPaths(tmp).dataDir);
  });

  it('compares two photos with a 14×14 patch heatmap; an identical copy scores 100', async () => {
    const handlers = handlersFor(host);
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
    const handlers = handlersFor(host);
    await expect(handlers.compare({ a: path.resolve('package.json'), b: chelsea })).rejects.toThrow(/package\.json|decode|image|format/i);
    expect((await handlers.getStatus(undefined)).engineState).toBe('ready');
  });

  it("serves thumbnails made in the engine process through main's media protocol, cached in the data folder", async () => {
    const media = mediaRequestHandler({ roots: () => [photos], granted: () => new Set(), thumbnail: (file, size) => host.api.thumbnail({ path: file, size }) });
    const res = await media(new Request(thumbUrl(chelsea, 128)));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/webp');
    expect(Math.max(...(await sharp(Buffer.from(await res.arrayBuffer())).metadata().then((m) => [m.width, m.height])))).toBe(128);
    expect((await readdir(dataPaths(tmp).thumbnails, { recursive: true })).some((f) => f.endsWith('.webp'))).toBe(true);
    // The engine's gate: bytes that are SVG, whatever the name, are refused there (415), never rendered.
    const svgDir = path.join(tmp, 'svg-root');
    await mkdir(svgDir, { recursive: true });
    await writeFile(path.join(svgDir, 'not-a-photo.jpg'), '<svg xmlns="http://www.w3.org/2000/svg"/>');
    const svg = mediaRequestHandler({ roots: () => [svgDir], granted: () => new Set(), thumbnail: (file, size) => host.api.thumbnail({ path: file, size }) });
    const refused = await svg(new Request(thumbUrl(path.join(svgDir, 'not-a-photo.jpg'))));
    expect(refused.status).toBe(415);
    expect(await refused.text()).toMatch(/SVG/);
    // Not a contract method: no IPC handler for it.
    expect(Object.keys(handlersFor(host))).not.toContain('thumbnail');
  });

  it("returns the engine's refusal through dispatch as a clean error with its code", async () => {
    const missing = path.join(tmp, 'missing');
    await caps.grant('folder-to-add', missing);
    const r = await dispatch('addRoot', { sender: null, senderFrame: null }, { path: missing, reference: false }, { untrustedReason: () => null, handlers: handlersFor(host) });
    expect(r).toEqual({ ok: false, error: { code: 'not-found', message: `folder not found: ${missing}` } });
  });

  it('runs an export as a job with progress, and keeps main responsive meanwhile (ping p99 ≤ 50 ms)', async () => {
    const handlers = handlersFor(host);
    const out = path.join(tmp, 'features.npy');
    await caps.grant('save-target', out);
    const { jobId } = await handlers.exportFeatures({ inputs: [photos], out, pooled: false, format: 'npy' });
    const done = waitForDone(jobId);
    let finished = false;
    void done.then(() => (finished = true));
    const latencies = await pingMain({ untrustedReason: () => null, handlers }, () => finished);
    const result = await done;
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'exportFeatures') {
      expect(result.result.rows).toBe(30);
      expect((await stat(out)).size).toBe(result.result.bytesWritten);
    }
    expect(events.some((e) => e.event === 'jobProgress' && e.payload.jobId === jobId)).toBe(true);
    expect(await stateOf(jobId)).toBe('done');
    const p99 = percentile(latencies, 0.99);
    console.log(`main-loop ping while the engine process embeds 30 photos: n=${latencies.length} p50=${percentile(latencies, 0.5).toFixed(2)}ms p99=${p99.toFixed(2)}ms`);
    expect(latencies.length).toBeGreaterThan(5);
    expect(p99).toBeLessThanOrEqual(50);
  });

  it('cancels a job: jobDone says cancelled', async () => {
    const handlers = handlersFor(host);
    await caps.grant('save-target', path.join(tmp, 'cancelled.npy'));
    const { jobId } = await handlers.exportFeatures({ inputs: [photos], out: path.join(tmp, 'cancelled.npy'), pooled: true });
    const done = waitForDone(jobId);
    expect((await handlers.cancelJob({ jobId })).ok).toBe(true);
    const result = await done;
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.cancelled).toBe(true);
    expect(await stateOf(jobId)).toBe('cancelled');
  });

  it('queues a job started while another of its kind runs, then runs it after the first', async () => {
    const handlers = handlersFor(host);
    for (const name of ['first.npy', 'second.jsonl']) await caps.grant('save-target', path.join(tmp, name));
    const first = await handlers.exportFeatures({ inputs: [photos], out: path.join(tmp, 'first.npy'), pooled: true });
    const second = await handlers.exportFeatures({ inputs: [photos], out: path.join(tmp, 'second.jsonl'), pooled: true });
    const jobs = await handlers.listJobs(undefined);
    expect(jobIn(jobs, first.jobId)?.state).toBe('running');
    expect(jobIn(jobs, second.jobId)).toMatchObject({ kind: 'exportFeatures', state: 'queued', progress: null });
    const [firstDone, secondDone] = await Promise.all([waitForDone(first.jobId), waitForDone(second.jobId)]);
    expect(firstDone).toMatchObject({ ok: true, result: { rows: 30 } });
    expect(secondDone).toMatchObject({ ok: true, result: { rows: 30 } });
    // One at a time: the second reported no progress before the first was done.
    const at = (match: (e: EngineEvent) => boolean) => events.findIndex(match);
    const firstEnded = at((e) => e.event === 'jobDone' && e.payload.jobId === first.jobId);
    const secondStarted = at((e) => e.event === 'jobProgress' && e.payload.jobId === second.jobId);
    expect(secondStarted).toBeGreaterThan(firstEnded);
    expect(at((e) => e.event === 'jobDone' && e.payload.jobId === second.jobId)).toBeGreaterThan(firstEnded);
    expect(await stateOf(second.jobId)).toBe('done');
  });

  it('scans as a job that pauses in place in the engine process, resumes, and keeps the folders in the catalog', async () => {
    const handlers = await libraryHandlers();
    await caps.grant('folder-to-add', photos);
    expect(await handlers.addRoot({ path: photos, reference: true })).toEqual([{ path: photos, reference: true, files: null }]);
    const { jobId } = await handlers.startScan(undefined);
    const done = waitForDone(jobId);
    expect((await handlers.pauseJob({ jobId })).ok).toBe(true);
    // Files already in flight finish; then nothing moves until resume.
    await sleep(800);
    const held = jobIn(await handlers.listJobs(undefined), jobId)!;
    expect(held.state).toBe('paused');
    await sleep(700);
    const later = jobIn(await handlers.listJobs(undefined), jobId)!;
    expect(later.state).toBe('paused');
    expect(later.progress?.hashed ?? 0).toBe(held.progress?.hashed ?? 0);
    expect(held.progress?.hashed ?? 0).toBeLessThan(30);
    expect((await handlers.resumeJob({ jobId })).ok).toBe(true);
    expect(await stateOf(jobId)).toMatch(/^(running|done)$/);
    const result = await done;
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'scan') expect(result.result).toMatchObject({ found: 30, new: 30, failed: 0 });
    expect(await stateOf(jobId)).toBe('done');
    // The same job id ran start to end: no restart under a new id, nothing scanned twice.
    expect(events.filter((e) => e.event === 'jobDone' && e.payload.jobId === jobId)).toHaveLength(1);
    expect((await handlers.listRoots(undefined))[0]).toEqual({ path: photos, reference: true, files: 30 });
    // A reference folder is never a target.
    await expect(handlers.resolveGroup({ keep: chelsea, targets: [chelseaCopy], action: 'trash' })).rejects.toThrow(/reference folder/);
  });

  it('keeps main responsive while a scan and a grouping run in the engine process (ping p99 ≤ 50 ms)', async () => {
    // Distinct new photos (re-encoded, so nothing is reused from the catalog): real decode + embed work.
    const fresh = path.join(tmp, 'fresh-photos');
    await mkdir(fresh, { recursive: true });
    const sources = (await readdir(path.join(photos, 'variants'))).filter((f) => f.endsWith('.jpg')).slice(0, 30);
    await Promise.all(
      sources.map((f, i) => sharp(path.join(photos, 'variants', f)).jpeg({ quality: 60 + (i % 30) }).toFile(path.join(fresh, f))),
    );
    const handlers = await libraryHandlers();
    await caps.grant('folder-to-add', fresh);
    await handlers.addRoot({ path: fresh, reference: false });
    const { jobId } = await handlers.startScan(undefined);
    const done = waitForDone(jobId);
    let finished = false;
    void done.then(() => (finished = true));
    // Grouping requests keep the engine process busy alongside the scan.
    const grouping = (async () => {
      let n = 0;
      while (!finished) {
        await handlers.getGroups({ threshold: 90 });
        n++;
      }
      return n;
    })();
    const latencies = await pingMain({ untrustedReason: () => null, handlers }, () => finished);
    const result = await done;
    const groupings = await grouping;
    expect(result.ok).toBe(true);
    if (result.ok && result.kind === 'scan') expect(result.result).toMatchObject({ new: sources.length, embedded: sources.length });
    expect(groupings).toBeGreaterThan(0);
    const p99 = percentile(latencies, 0.99);
    console.log(
      `main-loop ping during a scan of ${sources.length} new photos + ${groupings} groupings: n=${latencies.length} ` +
        `p50=${percentile(latencies, 0.5).toFixed(2)}ms p99=${p99.toFixed(2)}ms`,
    );
    expect(latencies.length).toBeGreaterThan(5);
    expect(p99).toBeLessThanOrEqual(50);
  });

  it('reports no-model when nothing is installed, without crashing', async () => {
    const empty = startEngineHost({
      entryUrl,
      config: { dataDir: path.join(tmp, 'empty'), appVersion: APP_VERSION, env: { LOOKALIKE_MODEL: '' } },
      callbacks: { trashItem: async () => undefined },
    });
    try {
      const handlers = handlersFor(empty);
      await expect(handlers.compare({ a: chelsea, b: coffee })).rejects.toThrow(/no model/i);
      expect((await handlers.getStatus(undefined)).engineState).toBe('no-model');
    } finally {
      await empty.close();
    }
  });
});
