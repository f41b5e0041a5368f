// The scale path at a size `npm test` affords (bench/scale.ts times it at 100k and 1M): a synthesised library of
// 20k photos with ViT-shaped vectors (a shared mean, low-rank structure, families of near-copies), grouped by the
// built CLI, then grown by 300 photos. Asserted: the families come back whole and never mixed, the second run
// updates the stored neighbours for the new photos only, and what it stores for them holds every near-duplicate
// a full search of the grown library finds.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../electron/engine/catalog/index.js';
import { loadEmbeddings } from '../../electron/engine/library/catalogView.js';
import { loadOrFindNeighbors } from '../../electron/engine/similarity/neighborCache.js';
import { tierCutoffs } from '../../electron/engine/similarity/threshold.js';
import { runCli } from '../helpers/cli.js';
import { familyOf, familySize, scaleModel, scalePath, seedScaleLibrary, type ScaleModel } from '../support/scaleSeed.js';

const PHOTOS = 20_000;
const ADDED = 300;

interface GroupJson { members: { path: string }[] }

/** Pair recall of the families and the groups that hold more than one family. */
function quality(groups: readonly GroupJson[], sizes: ReadonlyMap<number, number>): { recall: number; mixed: number } {
  let found = 0;
  let mixed = 0;
  for (const g of groups) {
    const count = new Map<number, number>();
    for (const m of g.members) count.set(familyOf(m.path)!, (count.get(familyOf(m.path)!) ?? 0) + 1);
    if (count.size > 1) mixed++;
    for (const c of count.values()) found += (c * (c - 1)) / 2;
  }
  let pairs = 0;
  for (const s of sizes.values()) pairs += (s * (s - 1)) / 2;
  return { recall: found / pairs, mixed };
}

function sizesOf(model: ScaleModel, families: number, extra: readonly number[]): Map<number, number> {
  const sizes = new Map<number, number>();
  for (let f = 0; f < families; f++) sizes.set(f, familySize(model, f));
  for (const f of extra) sizes.set(f, sizes.get(f)! + 1);
  return sizes;
}

describe('a 20k-photo library end to end', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-scale-'));
  const db = path.join(dir, 'catalog.db');
  const root = path.join(dir, 'photos');
  const model = scaleModel(256, 11);
  let families = 0;
  let grownFamilies = 0;

  beforeAll(async () => {
    const catalog = Catalog.open(db);
    families = (await seedScaleLibrary(catalog, { model, root, photos: PHOTOS })).nextFamily;
    catalog.close();
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const dupes = async () => {
    const r = await runCli(['dupes', '--json', '--data-dir', dir]);
    expect(r.code, r.stderr).toBe(0);
    return { groups: (JSON.parse(r.stdout) as { groups: GroupJson[] }).groups, stderr: r.stderr };
  };

  it('groups every family whole, never two together, and grows incrementally', async () => {
    const first = await dupes();
    expect(first.stderr).toMatch(/neighbours searched \(approx\)/);
    const q1 = quality(first.groups, sizesOf(model, families, []));
    expect(q1.recall).toBeGreaterThanOrEqual(0.95);
    expect(q1.mixed).toBe(0);

    // 150 edits of existing photos and 150 photos of new families.
    let catalog = Catalog.open(db);
    const added = await seedScaleLibrary(catalog, { model, root, photos: ADDED, firstFamily: families, extraMembers: ADDED / 2 });
    grownFamilies = added.nextFamily;
    catalog.close();
    const extra: number[] = [];
    for (let i = 0, g = 0; i < ADDED / 2; g = (g + 7919) % families, i++) extra.push(g);

    const grown = await dupes();
    expect(grown.stderr).toMatch(new RegExp(`neighbours updated for ${ADDED} new`));
    const q2 = quality(grown.groups, sizesOf(model, added.nextFamily, extra));
    expect(q2.recall).toBeGreaterThanOrEqual(0.95);
    expect(q2.mixed).toBe(0);

    // The stored lists of the new photos, against a full search of the grown library.
    catalog = Catalog.open(db);
    try {
      const lib = loadEmbeddings(catalog, lib0Key(catalog));
      const near = tierCutoffs(93).near;
      // Seeded hashes are syn:SEED:FAMILY:MEMBER; members from 5 on are the edits added later.
      const isNew = (h: string) => {
        const [, family, member] = /^syn:\d+:(\d+):(\d+)$/.exec(h)!.map(Number);
        return family! >= families || member! >= 5;
      };
      const newHashes = [...lib.rowOfHash.keys()].filter(isNew);
      const strong = (hash: string) => {
        const list = catalog.neighbors.get(hash, lib.modelKey)!;
        return [...list.ids].filter((_, t) => list.scores[t]! >= near).sort((a, b) => a - b);
      };
      const incremental = new Map(newHashes.map((h) => [h, strong(h)]));
      catalog.neighbors.clear(lib.modelKey);
      expect(loadOrFindNeighbors(catalog, lib).source).toBe('approx');
      expect(newHashes.length).toBe(ADDED);
      // The full search is approximate too (a lighter beam, the first run at 1M must fit): the update, which
      // searches each new photo with a wide beam, finds at least every near-duplicate the full search finds.
      for (const h of newHashes) expect(incremental.get(h), h).toEqual(expect.arrayContaining(strong(h)));
    } finally {
      catalog.close();
    }
  }, 90_000);

  // After the test above: the full search saved its index, the incremental update appended the 300 new photos.
  it('searches by example through the saved index, for photos indexed by the full search and ones added since', async () => {
    expect(existsSync(path.join(dir, 'catalog.db-vectors'))).toBe(true);
    const search = async (photo: string) => {
      const r = await runCli(['search', photo, '--json', '--top', '4', '--data-dir', dir]);
      expect(r.code, r.stderr).toBe(0);
      return (JSON.parse(r.stdout) as { results: { path: string; tier: string | null; cosine: number }[] }).results;
    };
    const familyOfSize3 = (from: number) => {
      let f = from;
      while (familySize(model, f) < 3) f++;
      return f;
    };
    const picked = [familyOfSize3(10), familyOfSize3(families)];
    expect(picked[1]).toBeLessThan(grownFamilies);
    const viaIndex: { path: string; cosine: number }[][] = [];
    for (const f of picked) {
      const hits = await search(scalePath(root, f, 0));
      // The family's other members first, as near-duplicates.
      for (const h of hits.slice(0, familySize(model, f) - 1)) expect([familyOf(h.path), h.tier], h.path).toEqual([f, 'near-duplicate']);
      viaIndex.push(hits.map((h) => ({ path: h.path, cosine: h.cosine })));
    }
    // Without the index the library is loaded and searched exactly: the same family first, and past it nothing
    // closer than what the index found (beyond the family the index's answer may be another, equally far, photo).
    rmSync(path.join(dir, 'catalog.db-vectors'), { recursive: true });
    for (const [i, f] of picked.entries()) {
      const hits = await search(scalePath(root, f, 0));
      const n = familySize(model, f) - 1;
      expect(hits.slice(0, n).map((h) => h.path).sort()).toEqual(viaIndex[i]!.slice(0, n).map((h) => h.path).sort());
      hits.forEach((h, t) => expect(h.cosine).toBeGreaterThanOrEqual(viaIndex[i]![t]!.cosine - 1e-6));
    }
  }, 60_000);
});

const lib0Key = (catalog: Catalog): string => catalog.embeddings.countsByModel()[0]!.modelKey;
