// The app's engine host with the real engine process (a forked child running the bundled entry, as under plain
// Node; Electron's utilityProcess takes the same path in engineChild.ts) surviving a native crash and a hang
// mid-scan. The test-only switches (NODE_ENV=test) make the engine process abort or block on one named file. The
// scan job ends failed with a clear reason, statusChanged says the engine is in error, a call in flight fails with
// that reason, the next call starts a new engine, and scanning again completes with that one file failed and
// every other photo kept. Main's event loop stays responsive throughout.
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataPaths, defaultSettings } from '../../electron/engine/library/index.js';
import { startEngineHost, type EngineHost } from '../../electron/main/host/engineHost.js';
import type { JobDone } from '../../electron/shared/contract.js';
import type { EngineEvent } from '../../electron/shared/rpc.js';
import { tinyModelDir } from '../helpers/models.js';
import { bundleEntry } from './bundle.js';

const photos = path.resolve('test/fixtures/photos');
let entryUrl: URL;
let tmp: string;
let modelDir: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-host-crash-'));
  entryUrl = pathToFileURL(await bundleEntry('electron/engineProcess/entry.ts', 'engineProcessCrash', 'esm'));
  modelDir = await tinyModelDir();
});

afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
  if (entryUrl) await rm(fileURLToPath(entryUrl), { force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function hostWith(name: string, fault: Record<string, string>): Promise<{ host: EngineHost; events: EngineEvent[]; dataDir: string }> {
  const dataDir = path.join(tmp, name);
  // One onnxruntime thread, as in engineHost.test.ts: this machine's two cores are shared with main's event loop.
  await mkdir(dataDir, { recursive: true });
  await writeFile(dataPaths(dataDir).settings, JSON.stringify({ ...defaultSettings(), device: 'cpu', threads: 1 }));
  const host = startEngineHost({
    entryUrl,
    config: { dataDir, appVersion: '0.0.0-test', modelDir, env: { NODE_ENV: 'test', ...fault } },
    callbacks: { trashItem: async () => undefined },
    fileTimeoutMs: 2000,
  });
  const events: EngineEvent[] = [];
  host.onEvent((e) => events.push(e));
  return { host, events, dataDir };
}

const doneOf = (host: EngineHost, events: EngineEvent[], jobId: string): Promise<JobDone> =>
  new Promise((resolve) => {
    const match = (e: EngineEvent): e is Extract<EngineEvent, { event: 'jobDone' }> => e.event === 'jobDone' && e.payload.jobId === jobId;
    const seen = events.find(match);
    if (seen) return resolve(seen.payload);
    const off = host.onEvent((e) => {
      if (match(e)) {
        off();
        resolve(e.payload);
      }
    });
  });

/** Main's event-loop lag, sampled every 5 ms until stopped: sorted overshoots in ms. */
function sampleLag(): () => number[] {
  const lags: number[] = [];
  let running = true;
  void (async () => {
    while (running) {
      const t0 = performance.now();
      await sleep(5);
      lags.push(performance.now() - t0 - 5);
    }
  })();
  return () => {
    running = false;
    return [...lags].sort((a, b) => a - b);
  };
}

/** Scans until a scan job ends well (each crash names a file or narrows the suspects); the failed jobs' errors. */
async function scanUntilDone(host: EngineHost, events: EngineEvent[]): Promise<{ errors: string[]; done: JobDone }> {
  const errors: string[] = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    const { jobId } = await host.api.startScan(undefined);
    const done = await doneOf(host, events, jobId);
    if (done.ok) return { errors, done };
    errors.push(done.error);
  }
  throw new Error(`no scan finished: ${errors.join(' | ')}`);
}

describe('engine host (child process) when the engine dies mid-scan', () => {
  it('a crash: the job fails with the reason, status says error, the next call restarts it, and a rescan completes', async () => {
    const bad = path.join(photos, 'originals/skimage_astronaut.jpg');
    const { host, events } = await hostWith('crash', { LOOKALIKE_TEST_CRASH_ON: 'skimage_astronaut.jpg' });
    const stopLag = sampleLag();
    try {
      await host.api.addRoot({ path: photos, reference: false });
      const { jobId } = await host.api.startScan(undefined);
      const first = await doneOf(host, events, jobId);
      expect(first).toMatchObject({ ok: false, kind: 'scan', cancelled: false });
      if (!first.ok) expect(first.error).toMatch(/^the engine crashed \(SIGABRT\) .*Scan again to go on: finished files are kept\.$/);
      expect(events.some((e) => e.event === 'statusChanged' && e.payload.engineState === 'error' && /crashed \(SIGABRT\)/.test(e.payload.engineError ?? ''))).toBe(true);
      // The next call starts a new engine process, which loads the model again.
      let status = await host.api.getStatus(undefined);
      for (let i = 0; i < 200 && status.engineState !== 'ready'; i++) status = (await sleep(25), await host.api.getStatus(undefined));
      expect(status.engineState).toBe('ready');
      const { errors, done } = await scanUntilDone(host, events);
      // At most one more crash: the file is retried alone only if it was not alone the first time.
      expect(errors.length).toBeLessThanOrEqual(1);
      expect([first.ok ? '' : first.error, ...errors].join('\n')).toContain(`the engine crashed (SIGABRT) on ${bad}: that file is marked failed`);
      expect(done).toMatchObject({ ok: true, kind: 'scan', result: { found: 30, failed: 1 } });
      const failed = await host.api.listFailed(undefined);
      expect(failed.map((f) => [f.path, f.error])).toEqual([[bad, 'the decoder crashed on this file (SIGABRT); it is skipped until the file changes']]);
      expect((await host.api.listRoots(undefined))[0]).toMatchObject({ path: photos, files: 29 });
    } finally {
      const lags = stopLag();
      await host.close();
      const p99 = lags[Math.floor(lags.length * 0.99)]!;
      console.log(`main-loop lag through a crash, a restart and a rescan: n=${lags.length} p50=${lags[Math.floor(lags.length / 2)]!.toFixed(2)}ms p99=${p99.toFixed(2)}ms max=${lags.at(-1)!.toFixed(2)}ms`);
      // Not a latency target (those live in the bench): main must never wait on the engine's crash or restart,
      // which would show as seconds. A loaded 2-core CI machine alone puts p99 near 100 ms.
      expect(p99).toBeLessThanOrEqual(250);
    }
  });

  it('a hang: the watchdog stops it after the limit, the call in flight fails with the reason, a rescan completes', async () => {
    const stuck = path.join(photos, 'originals/palapeli_honey_bee.jpg');
    const { host, events, dataDir } = await hostWith('hang', { LOOKALIKE_TEST_HANG_ON: 'palapeli_honey_bee.jpg' });
    try {
      await host.api.addRoot({ path: photos, reference: false });
      const { jobId } = await host.api.startScan(undefined);
      const journal = path.join(dataDir, 'engine-scan-journal.json');
      for (let i = 0; i < 400 && !(existsSync(journal) && readFileSync(journal, 'utf8').includes('palapeli_honey_bee.jpg')); i++) await sleep(25);
      // The engine's event loop is blocked now: this call waits, then fails with the hang's reason. (Another decode
      // in flight is held past the limit with it; then both are suspects, and the next scan names the stuck one.)
      await expect(host.api.getStatus(undefined)).rejects.toThrow(/^the engine was stopped: .* did not finish within 2 s; .*; it starts again on the next call$/);
      const first = await doneOf(host, events, jobId);
      expect(first).toMatchObject({ ok: false, kind: 'scan' });
      const { errors, done } = await scanUntilDone(host, events);
      expect(errors.length).toBeLessThanOrEqual(1);
      expect([first.ok ? '' : first.error, ...errors].join('\n')).toContain(
        `the engine was stopped: ${stuck} did not finish within 2 s; that file is marked failed. Scan again to go on: finished files are kept.`,
      );
      expect(done).toMatchObject({ ok: true, result: { found: 30, failed: 1 } });
      expect((await host.api.listFailed(undefined)).map((f) => f.error)).toEqual([
        'the decoder did not finish this file within 2 s and was stopped; it is skipped until the file changes',
      ]);
    } finally {
      await host.close();
    }
  });
});
