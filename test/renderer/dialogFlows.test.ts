// The renderer passes on only what main's dialogs returned, each asked for with its purpose: folders to add, move
// destinations (or Settings' default one), model folders, export sources, and save targets from the save dialog
// (no typed or remembered paths). Cancelling a dialog sends nothing.
import { describe, expect, it } from 'vitest';
import { DuplicatesState } from '../../renderer/src/state/duplicates.svelte.js';
import { ExportState } from '../../renderer/src/state/export.svelte.js';
import { LibraryState } from '../../renderer/src/state/library.svelte.js';
import { SettingsState } from '../../renderer/src/state/settings.svelte.js';
import { fakeClient, settingsWith } from './fakeClient.js';

describe('dialog flows', () => {
  it('adds a folder chosen for adding, and nothing when cancelled', async () => {
    const picks: (string | null)[] = ['/photos', null];
    const fake = fakeClient({
      pickFolder: async () => ({ path: picks.shift() ?? null }),
      addRoot: async ({ path, reference }) => [{ path, reference, files: null }],
    });
    const library = new LibraryState(fake.client);
    await library.addFolder(true);
    await library.addFolder(false);
    expect(fake.requests('pickFolder')).toEqual([
      { title: 'Add a reference folder', purpose: 'folder-to-add' },
      { title: 'Add a folder', purpose: 'folder-to-add' },
    ]);
    expect(fake.requests('addRoot')).toEqual([{ path: '/photos', reference: true }]);
  });

  it('exports to the file the save dialog returned, proposing the name and format shown', async () => {
    const saves: (string | null)[] = ['/out/my-features.safetensors', null, '/out/groups.json'];
    const fake = fakeClient({
      pickSaveFile: async () => ({ path: saves.shift() ?? null, overwrite: false }),
      pickFolder: async () => ({ path: '/photos/trip' }),
      exportFeatures: async () => ({ jobId: 'e1' }),
      exportResults: async ({ out }) => ({ out, groups: 2, rows: 5 }),
    });
    const exporter = new ExportState(fake.client);
    exporter.setFormat('safetensors');
    await exporter.chooseInputs();
    await exporter.exportFeatures();
    expect(fake.requests('pickSaveFile')[0]).toEqual({ title: 'Export features', defaultName: 'features.safetensors', format: 'safetensors' });
    expect(fake.requests('pickFolder')).toEqual([{ title: 'Export the features of this folder', purpose: 'export-source' }]);
    expect(fake.requests('exportFeatures')).toEqual([{ out: '/out/my-features.safetensors', format: 'safetensors', dtype: 'float32', pooled: true, inputs: ['/photos/trip'] }]);
    expect(exporter.job.id).toBe('e1');

    exporter.setResultsFormat('json');
    await exporter.exportResults(90); // cancelled
    expect(fake.requests('exportResults')).toEqual([]);
    await exporter.exportResults(90);
    expect(fake.requests('pickSaveFile')[2]).toEqual({ title: 'Export duplicate groups', defaultName: 'duplicates.json', format: 'json' });
    expect(fake.requests('exportResults')).toEqual([{ format: 'json', out: '/out/groups.json', threshold: 90 }]);
    expect(exporter.resultsSummary).toEqual({ out: '/out/groups.json', groups: 2, rows: 5 });
  });

  it('imports a model folder chosen as one, and sets the default move folder from its dialog', async () => {
    let stored = settingsWith();
    const picks: (string | null)[] = ['/models/mine', '/sorted', null];
    const fake = fakeClient({
      pickFolder: async () => ({ path: picks.shift() ?? null }),
      importModel: async () => ({ id: 'imported/mine' }) as never,
      listModels: async () => [],
      setSettings: async (patch) => (stored = { ...stored, ...patch }),
    });
    const settings = new SettingsState(fake.client);
    settings.settings = stored;
    await settings.importModelFromFolder();
    expect(await settings.chooseMoveDest()).toBe(true);
    expect(await settings.chooseMoveDest()).toBe(false); // cancelled: unchanged
    expect(fake.requests('pickFolder').map((r) => (r as { purpose: string }).purpose)).toEqual(['model-folder', 'move-destination', 'move-destination']);
    expect(fake.requests('importModel')).toEqual([{ path: '/models/mine' }]);
    expect(stored.moveDest).toBe('/sorted');
    await settings.clearMoveDest();
    expect(stored.moveDest).toBeNull();
  });

  it("Review's M asks for a move destination, or uses Settings' default folder without asking", async () => {
    let moveDest: string | null = null;
    const fake = fakeClient({
      pickFolder: async () => ({ path: '/picked' }),
      resolveGroup: async ({ targets }) => ({ actionId: 'a', done: targets, failed: [] }),
    });
    const dupes = new DuplicatesState(fake.client, 90, () => moveDest);
    const group = {
      id: 'g', tier: 'exact' as const, keep: '/p/a.jpg', keepReasons: [], reclaimableBytes: 1,
      members: ['/p/a.jpg', '/p/b.jpg'].map((path) => ({ path, score: 100, bytes: 1, width: 1, height: 1, mtimeMs: 0, format: 'jpeg', thumb: '', match: null, reasons: [] })),
    };
    dupes.review.load([group as never, { ...group, id: 'h', keep: '/q/a.jpg', members: group.members.map((m) => ({ ...m, path: m.path.replace('/p/', '/q/') })) } as never]);
    await dupes.review.moveOthers();
    expect(fake.requests('pickFolder')).toEqual([{ title: 'Move the other photos to…', purpose: 'move-destination' }]);
    moveDest = '/sorted';
    dupes.review.select(1);
    await dupes.review.moveOthers();
    expect(fake.requests('pickFolder')).toHaveLength(1);
    expect(fake.requests('resolveGroup').map((r) => (r as { dest: string }).dest)).toEqual(['/picked', '/sorted']);
  });
});
