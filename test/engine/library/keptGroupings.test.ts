// The grouping kept in the catalog (migration 11): a reopened library answers pages, a resolve and its undo from
// it without loading every file, vector and neighbour list, and gives exactly what a loaded library gives; any
// change to what grouping reads (a new photo, a marked pair, a keep setting) makes it stale, and an unchanged
// rewrite of a row does not.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { GroupIndex } from '../../../electron/engine/library/groupIndex.js';
import { openLibrary, type Library } from '../../../electron/engine/library/index.js';
import { ContentHasher } from '../../../electron/engine/scan/hash.js';
import { createEngineApi } from '../../../electron/engineProcess/api.js';
import { scaleModel, scalePath, seedScaleLibrary } from '../../support/scaleSeed.js';

const THRESHOLD = 93;
const PAGE = { threshold: THRESHOLD, offset: 0, limit: 25 };

describe('kept groupings', () => {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-kept-'));
  const root = path.join(dataDir, 'photos');
  const model = scaleModel(64, 5);
  const open: Library[] = [];
  let real: string[] = [];
  let families = 0;

  const library = async () => {
    const lib = await openLibrary({ dataDir, appVersion: 'test', env: {} });
    open.push(lib);
    return { lib, api: createEngineApi(lib) };
  };
  const withCatalog = <T>(fn: (c: Catalog) => T): T => {
    const c = Catalog.open(path.join(dataDir, 'catalog.db'));
    try {
      return fn(c);
    } finally {
      c.close();
    }
  };
  const withCatalogAsync = async <T>(fn: (c: Catalog) => Promise<T>): Promise<T> => {
    const c = Catalog.open(path.join(dataDir, 'catalog.db'));
    try {
      return await fn(c);
    } finally {
      c.close();
    }
  };
  const closeAll = async () => {
    for (const lib of open.splice(0)) await lib.close();
  };
  /** A library that loads: no kept grouping, and neighbours stored already (as every open after the first scan). */
  const loadedLibrary = async () => {
    withCatalog((c) => c.db.exec('DELETE FROM group_snapshots'));
    return library();
  };
  const loads = () => vi.spyOn(GroupIndex.prototype, 'load');

  beforeAll(async () => {
    const hasher = await ContentHasher.create();
    const seeded = await withCatalogAsync((c) => seedScaleLibrary(c, { model, root, photos: 1_500, realFamilies: 3, hashFile: async (p) => (await hasher.hashFile(p)).contentHash }));
    real = seeded.real;
    families = seeded.nextFamily;
  });
  afterEach(async () => {
    vi.restoreAllMocks();
    await closeAll();
  });
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('answers a reopened library from the kept grouping, page for page what a loaded one answers', async () => {
    await (await library()).api.getGroups(PAGE);
    await closeAll();
    const first = await loadedLibrary();
    const loaded = {
      page: await first.api.getGroups(PAGE),
      later: await first.api.getGroups({ ...PAGE, offset: 10, limit: 7, tiers: ['near-duplicate', 'near-identical'] }),
      all: await first.api.getGroups({ threshold: THRESHOLD }),
    };
    expect(loaded.page.totals.groups).toBeGreaterThan(100);
    await closeAll();

    const load = loads();
    const again = await library();
    expect(await again.api.getGroups(PAGE)).toEqual(loaded.page);
    expect(await again.api.getGroups({ ...PAGE, offset: 10, limit: 7, tiers: ['near-duplicate', 'near-identical'] })).toEqual(loaded.later);
    expect(await again.api.getGroups({ threshold: THRESHOLD })).toEqual(loaded.all);
    expect(load.mock.calls.length).toBe(0);
    // A threshold nobody grouped at yet: only a load can answer it.
    await again.api.getGroups({ ...PAGE, threshold: 90 });
    expect(load.mock.calls.length).toBeGreaterThan(0);
  });

  it('resolves and undoes on the kept grouping, and keeps what the page then shows', async () => {
    await (await library()).api.getGroups(PAGE);
    process.stderr.write('DBG 1\n');
    await closeAll();
    process.stderr.write('DBG 2\n');
    const load = loads();
    process.stderr.write('DBG 3\n');
    const { api } = await library();
    process.stderr.write('DBG 4\n');
    const before = await api.getGroups({ threshold: THRESHOLD });
    process.stderr.write('DBG 5\n');
    const group = before.groups.find((g) => g.members.length >= 3 && g.members.every((m) => real.includes(m.path)))!;
    process.stderr.write('DBG 6\n');
    expect(group).toBeDefined();
    process.stderr.write('DBG 7\n');
    const target = group.members.find((m) => m.path !== group.keep)!.path;
    process.stderr.write('DBG 8\n');
    const done = await api.resolveGroup({ keep: group.keep, targets: [target], action: 'move', dest: path.join(dataDir, 'moved') });
    process.stderr.write('DBG 9 ' + JSON.stringify(done) + ' ' + target + '\n');
    expect(done.done).toEqual([target]);
    process.stderr.write('DBG 10\n');
    const after = await api.getGroups({ threshold: THRESHOLD });
    process.stderr.write('DBG 11\n');
    expect(after.groups.flatMap((g) => g.members.map((m) => m.path))).not.toContain(target);
    process.stderr.write('DBG 12\n');
    expect(after.totals.files).toBe(before.totals.files - 1);
    process.stderr.write('DBG 13\n');
    expect(after.totals.reclaimableBytes).toBe(before.totals.reclaimableBytes - group.members.find((m) => m.path === target)!.bytes);
    process.stderr.write('DBG 14\n');
    // A target outside the kept group is refused before anything moves.
    await expect(api.resolveGroup({ keep: group.keep, targets: [before.groups.find((g) => g !== group)!.members[1]!.path], action: 'move', dest: path.join(dataDir, 'moved') })).rejects.toThrow(/not in the group/);
    process.stderr.write('DBG 16\n');
    await api.undo({ actionId: done.actionId! });
    process.stderr.write('DBG 17\n');
    const backJ = JSON.stringify(await api.getGroups({ threshold: THRESHOLD })), befJ = JSON.stringify(before);
    process.stderr.write('DBG 18\n');
    let i = 0; while (backJ[i] === befJ[i] && i < backJ.length) i++;
    process.stderr.write('DBG 19\n');
    expect(backJ.slice(Math.max(0, i - 400), i + 100)).toBe(befJ.slice(Math.max(0, i - 400), i + 100));
    process.stderr.write('DBG 20\n');
    expect(load.mock.calls.length).toBe(0);
    process.stderr.write('DBG 21\n');
    await closeAll();
    process.stderr.write('DBG 22\n');

    // The undo's state was kept: the next open answers from it too.
    const reopened = await library();
    process.stderr.write('DBG 25\n');
    expect(await reopened.api.getGroups({ threshold: THRESHOLD })).toEqual(before);
    process.stderr.write('DBG 26\n');
    expect(load.mock.calls.length).toBe(0);
    process.stderr.write('DBG 27\n');
  });

  it('is stale after a change to what grouping reads, and current after a row rewritten as it was', async () => {
    const fresh = async () => {
      await closeAll();
      const load = loads();
      const page = await (await library()).api.getGroups(PAGE);
      const loaded = load.mock.calls.length > 0;
      load.mockRestore();
      return { page, loaded };
    };
    await fresh();
    // The scanner rewrites an unchanged file's row with the same values.
    withCatalog((c) => {
      const r = c.files.get(real[0]!)!;
      c.files.upsert({ path: r.path, size: r.size, mtimeMs: r.mtimeMs, status: 'ok', meta: c.files.metadataFor(r.contentHash!)! });
    });
    expect((await fresh()).loaded).toBe(false);

    // A new photo of a new family: stale.
    await withCatalogAsync((c) => seedScaleLibrary(c, { model, root, photos: 3, firstFamily: families }));
    const grown = await fresh();
    expect(grown.loaded).toBe(true);
    expect((await fresh()).loaded).toBe(false);

    // Two members marked "not a duplicate": stale, and the fresh grouping keeps them apart.
    const pair = grown.page.groups.find((g) => g.tier === 'near-duplicate' || g.tier === 'near-identical')!.members.slice(0, 2).map((m) => m.path);
    await (await library()).api.markNotDuplicate({ paths: pair });
    const marked = await fresh();
    expect(marked.loaded).toBe(true);
    expect(marked.page.groups.some((g) => pair.every((p) => g.members.some((m) => m.path === p)))).toBe(false);

    // Another keep rule order: a kept grouping of other settings is not this one.
    const { lib } = await library();
    await lib.settings.set({ ...lib.settings.get(), keepRules: [...lib.settings.get().keepRules].reverse() });
    expect((await fresh()).loaded).toBe(true);
  });

  it('counts changes only to what grouping reads', () => {
    withCatalog((c) => {
      const stamp = c.snapshots.stamp()!;
      const r = c.files.get(scalePath(root, 0, 0))!;
      c.files.setPerceptualPrints([{ id: r.id, print: new Uint8Array(18) }]);
      expect(c.snapshots.stamp()).toBe(stamp);
      c.files.markMissing([r.id]);
      expect(c.snapshots.stamp()).toBeGreaterThan(stamp);
      const marked = c.snapshots.stamp()!;
      c.roots.add(path.join(dataDir, 'elsewhere'));
      expect(c.snapshots.stamp()).toBeGreaterThan(marked);
    });
  });
});
