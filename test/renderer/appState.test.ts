// AppState and the job model over a fake bridge: the start-up order (the review opens at the user's threshold),
// jobs that outlived a reload, the queued state, and the wording of an internal error.
import { flushSync } from 'svelte';
import { describe, expect, it, vi } from 'vitest';
import type { GroupsResult, JobInfo, JobProgressView, Settings, Status } from '../../electron/shared/contract.js';
import { DEFAULT_THRESHOLD } from '../../electron/shared/values.js';
import type { Client } from '../../renderer/src/lib/api.js';
import { countTiers } from '../../renderer/src/lib/tiers.js';
import { AppState } from '../../renderer/src/state/app.svelte.js';
import { DuplicatesState } from '../../renderer/src/state/duplicates.svelte.js';
import { GROUP_PAGE_SIZE } from '../../renderer/src/state/groupPages.svelte.js';
import { JobState } from '../../renderer/src/state/job.svelte.js';
import { apiError, fakeClient, settingsWith } from './fakeClient.js';

const status: Status = {
  appVersion: '0.0.0',
  dataDir: '/data',
  engineState: 'ready',
  engineError: null,
  modelId: 'm',
  modelInstalled: true,
  device: 'cpu',
  deviceFallbacks: [],
  pooling: null,
  dim: 4,
  dtype: 'fp32',
};
const noGroups = (threshold: number): GroupsResult => ({ threshold, groups: [], totals: { groups: 0, files: 0, reclaimableBytes: 0 }, tierCounts: countTiers([]) });
const progress = (phase: string | null, done = 0): JobProgressView => ({ done, total: 10, failed: 0, rate: 1, etaSeconds: 5, current: null, phase });

/** The calls AppState makes at start, answering with `settings` (after `settingsGate`, when given) and `jobs`. */
function startupClient(settings: Settings, jobs: JobInfo[] = [], settingsGate: Promise<void> = Promise.resolve()) {
  return fakeClient({
    getStatus: async () => status,
    getSettings: async () => {
      await settingsGate;
      return settings;
    },
    listModels: async () => [],
    listRoots: async () => [],
    listFailed: async () => [],
    listJobs: async () => jobs,
    getGroups: async (req) => noGroups(req.threshold),
  });
}

describe('AppState start-up', () => {
  it("groups at the user's threshold from Settings, never a built-in one", async () => {
    const fake = startupClient(settingsWith({ threshold: 88 }));
    const app = new AppState(fake.client);
    const stop = app.start();
    await app.loaded;
    expect(fake.requests('getGroups')).toEqual([{ threshold: 88, offset: 0, limit: GROUP_PAGE_SIZE }]);
    expect(app.dupes.threshold).toBe(88);
    stop();
  });

  it('uses DEFAULT_THRESHOLD (93) before the settings arrive, and a threshold the user chose meanwhile wins', async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const fake = startupClient(settingsWith({ threshold: 80 }), [], gate);
    const app = new AppState(fake.client);
    expect(DEFAULT_THRESHOLD).toBe(93);
    expect(app.dupes.threshold).toBe(DEFAULT_THRESHOLD);
    const loading = app.load();
    app.dupes.setThreshold(97);
    release();
    await loading;
    expect(app.dupes.threshold).toBe(97);
    expect(fake.requests('getGroups').at(-1)).toEqual({ threshold: 97, offset: 0, limit: GROUP_PAGE_SIZE });
  });

  it('a DuplicatesState made without a threshold starts at DEFAULT_THRESHOLD', () => {
    expect(new DuplicatesState(fakeClient({}).client).threshold).toBe(DEFAULT_THRESHOLD);
  });

  it('shows a scan that outlived a reload, queued, and follows it to running and done', async () => {
    const queued: JobInfo = { jobId: 'j2', kind: 'scan', state: 'queued', progress: null, startedAt: 20 };
    const finished: JobInfo = { jobId: 'j1', kind: 'scan', state: 'done', progress: null, startedAt: 10 };
    const fake = startupClient(settingsWith(), [finished, queued]);
    const app = new AppState(fake.client);
    const stop = app.start();
    await app.loaded;
    const scan = app.library.scan;
    expect([scan.id, scan.status, scan.active]).toEqual(['j2', 'queued', true]);
    expect(app.exporter.job.status).toBe('idle'); // a scan is not an export

    fake.emit('jobProgress', { jobId: 'j2', kind: 'scan', progress: progress('crawling', 3) });
    expect(scan.status).toBe('running');
    expect(scan.percent).toBe(30);
    const summary = { found: 10, new: 10, changed: 0, unchanged: 0, embedded: 10, failed: 0, missing: 0, bytesHashed: 0, unreadableFolders: 0, durationMs: 5 };
    fake.emit('jobDone', { jobId: 'j2', kind: 'scan', ok: true, result: summary });
    expect([scan.status, scan.result]).toEqual(['done', summary]);
    // A finished scan refreshes the folders, then regroups.
    await vi.waitFor(() => expect(fake.requests('getGroups')).toHaveLength(2));
    expect(fake.requests('listRoots')).toHaveLength(2);
    stop();
    // Unsubscribed: later events reach nothing.
    fake.emit('jobProgress', { jobId: 'j2', kind: 'scan', progress: progress('crawling', 9) });
    expect(scan.percent).toBe(30);
  });

  it('routes menu commands to views and the scan', async () => {
    const fake = startupClient(settingsWith());
    (fake.client as { startScan: Client['startScan'] }).startScan = async () => ({ jobId: 's1' });
    const app = new AppState(fake.client);
    app.onMenu('settings');
    expect(app.view).toBe('settings');
    app.onMenu('startScan');
    expect(app.view).toBe('library');
    await vi.waitFor(() => expect(app.library.scan.id).toBe('s1'));
  });
});

describe('JobState', () => {
  it('is queued while the shell says so, can be cancelled then, and runs at its first other phase', () => {
    const job = new JobState('exportFeatures');
    job.starting();
    job.started('e1');
    expect(job.onProgress({ jobId: 'e1', kind: 'exportFeatures', progress: progress('queued') })).toBe(true);
    expect([job.status, job.active]).toEqual(['queued', true]);
    job.onProgress({ jobId: 'e1', kind: 'exportFeatures', progress: progress('embedding', 5) });
    expect(job.status).toBe('running');
  });

  it("adopts only an unfinished job of its kind, and never over one of its own", () => {
    const job = new JobState('scan');
    expect(job.adopt({ jobId: 'x', kind: 'downloadModel', state: 'running', progress: null, startedAt: 0 })).toBe(false);
    expect(job.adopt({ jobId: 'x', kind: 'scan', state: 'failed', progress: null, startedAt: 0 })).toBe(false);
    expect(job.adopt({ jobId: 'a', kind: 'scan', state: 'paused', progress: progress('paused'), startedAt: 0 })).toBe(true);
    expect(job.status).toBe('paused');
    expect(job.adopt({ jobId: 'b', kind: 'scan', state: 'running', progress: null, startedAt: 1 })).toBe(false);
    expect(job.id).toBe('a');
  });
});

describe('errors', () => {
  it('says an internal error is a bug to report, and shows other codes as their message', async () => {
    const fake = fakeClient({
      compare: async (req) => {
        if (req.a === '/bug.jpg') throw apiError('internal', 'index out of range');
        throw apiError('no-model', 'No model is installed');
      },
    });
    const app = new AppState(fake.client);
    await app.compare.choose(['/bug.jpg', '/b.jpg'], 'a');
    flushSync();
    expect(app.compare.error).toBe('Something went wrong inside Lookalike — please report it: index out of range');
    await app.compare.choose(['/a.jpg', '/b.jpg'], 'a');
    expect(app.compare.error).toBe('No model is installed');
  });
});
