// The Library's guards around resolve and export, on a real catalog scanned with the tiny generated model, fixture
// photos and the real freedesktop trash under a temp XDG_DATA_HOME: a choice of one group must be one current group
// (keep and targets grouped together at the threshold shown), its keeper must still be there unchanged, a reference
// root stored by a symlink's path (older catalogs) is normalised with its flag, and exports never overwrite a file
// unless asked.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rename, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { openLibrary, type Library } from '../../../electron/engine/library/index.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let photos: string;
let library: Library;
let previousXdg: string | undefined;
const at = (name: string) => path.join(photos, name);
const never = new AbortController().signal;

async function open(dataDir: string): Promise<Library> {
  return openLibrary({ dataDir, env: process.env, engine: { device: 'cpu', threads: 1, modelDir: await tinyModelDir() } });
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-resolve-safety-'));
  previousXdg = process.env['XDG_DATA_HOME'];
  process.env['XDG_DATA_HOME'] = path.join(tmp, 'xdg');
  photos = path.join(tmp, 'Photos');
  await mkdir(photos);
  await copyFile(fixture('originals/skimage_chelsea.jpg'), at('chelsea.jpg'));
  await copyFile(fixture('variants/skimage_chelsea__copy.jpg'), at('chelsea-copy.jpg'));
  await copyFile(fixture('originals/skimage_coffee.jpg'), at('coffee.jpg'));
  await copyFile(fixture('variants/skimage_coffee__copy.jpg'), at('coffee-copy.jpg'));
  library = await open(path.join(tmp, 'data'));
  await library.scan({ roots: [photos] }, { signal: never, onProgress: () => undefined });
}, 120_000);

afterAll(async () => {
  await library?.close();
  if (previousXdg === undefined) delete process.env['XDG_DATA_HOME'];
  else process.env['XDG_DATA_HOME'] = previousXdg;
  await rm(tmp, { recursive: true, force: true });
});

describe('resolveGroup acts only on one current group, with its keeper in place', () => {
  it('refuses targets that are not grouped with the kept file, touching nothing', async () => {
    library.getGroups({ threshold: 100 });
    await expect(library.resolution.resolveGroup({ keep: at('chelsea.jpg'), targets: [at('coffee-copy.jpg')], action: 'trash' })).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `not in the group of ${at('chelsea.jpg')} at threshold 100: ${at('coffee-copy.jpg')}; nothing was done` }),
    );
    await expect(library.resolution.resolveGroup({ keep: at('nowhere.jpg'), targets: [at('chelsea-copy.jpg')], action: 'trash', threshold: 100 })).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: expect.stringMatching(/is in no duplicate group at threshold 100/) }),
    );
    expect(existsSync(at('coffee-copy.jpg')) && existsSync(at('chelsea-copy.jpg'))).toBe(true);
  });

  it('refuses the group when its keeper is gone or edited; acts once it is back', async () => {
    const aside = path.join(tmp, 'aside.jpg');
    await rename(at('chelsea.jpg'), aside);
    const gone = await library.resolution.resolveGroup({ keep: at('chelsea.jpg'), targets: [at('chelsea-copy.jpg')], action: 'trash', threshold: 100 });
    expect(gone.done).toEqual([]);
    expect(gone.failed).toEqual([{ path: at('chelsea-copy.jpg'), error: expect.stringMatching(/the kept file .*chelsea\.jpg: it was removed since the scan.*its group was left alone/) }]);
    await rename(aside, at('chelsea.jpg'));

    await utimes(at('chelsea.jpg'), new Date(), new Date());
    const edited = await library.resolution.resolveGroup({ keep: at('chelsea.jpg'), targets: [at('chelsea-copy.jpg')], action: 'trash', threshold: 100 });
    expect(edited.failed[0]?.error).toMatch(/the kept file .*its modification time changed/);
    expect(existsSync(at('chelsea-copy.jpg'))).toBe(true);

    // Rescanned, the keeper is what the catalog says again: the same choice now goes ahead, and undoes.
    await library.scan({ roots: [photos] }, { signal: never, onProgress: () => undefined });
    const ok = await library.resolution.resolveGroup({ keep: at('chelsea.jpg'), targets: [at('chelsea-copy.jpg')], action: 'trash', threshold: 100 });
    expect(ok).toMatchObject({ done: [at('chelsea-copy.jpg')], failed: [] });
    expect(existsSync(at('chelsea-copy.jpg'))).toBe(false);
    expect((await library.resolution.undo({ actionId: ok.actionId })).failed).toEqual([]);
    expect(await readFile(at('chelsea-copy.jpg'))).toEqual(await readFile(fixture('variants/skimage_chelsea__copy.jpg')));
  }, 60_000);
});

describe('a reference root an older catalog stored by a symlink', () => {
  it('a folder added through a symlink as a reference and then scanned through it is one root, still a reference', async () => {
    const link = path.join(tmp, 'photos-link');
    await symlink(photos, link);
    const lib = await open(path.join(tmp, 'data-linked'));
    try {
      await lib.addRoot({ path: link, reference: true });
      await lib.scan({ roots: [link] }, { signal: never, onProgress: () => undefined });
      expect(lib.listRoots()).toEqual([{ path: photos, reference: true, files: 4 }]);
      const { groups } = lib.getGroups({ threshold: 100 });
      expect(groups.length).toBeGreaterThan(0);
      expect(groups.every((g) => g.members.every((m) => m.reference))).toBe(true);
      const run = await lib.resolution.resolveAll({ threshold: 100, action: 'trash', dryRun: true });
      expect(run.files).toBe(0);
    } finally {
      await lib.close();
    }
  }, 60_000);

  it('becomes one root under its real path, still a reference, and resolve leaves its files alone', async () => {
    const base = path.join(tmp, 'old');
    const originals = path.join(base, 'Originals');
    const copies = path.join(base, 'Copies');
    await mkdir(originals, { recursive: true });
    await mkdir(copies);
    await copyFile(fixture('originals/skimage_coffee.jpg'), path.join(originals, 'c.jpg'));
    await copyFile(fixture('originals/skimage_coffee.jpg'), path.join(copies, 'coffee from the card.jpg'));
    const link = path.join(base, 'originals-link');
    await symlink(originals, link);
    const dataDir = path.join(tmp, 'data-old');
    const old = await open(dataDir);
    await old.scan({ roots: [copies], referenceRoots: [originals] }, { signal: never, onProgress: () => undefined });
    await old.close();
    // What an older version left: the reference flag on the link's path, the files under the real one.
    const catalog = Catalog.open(path.join(dataDir, 'catalog.db'));
    catalog.roots.remove(originals);
    catalog.roots.add(link, true);
    catalog.roots.add(originals, false);
    catalog.close();

    const lib = await open(dataDir);
    try {
      expect(lib.listRoots().map((r) => [r.path, r.reference])).toEqual([[copies, false], [originals, true]]);
      const run = await lib.resolution.resolveAll({ threshold: 100, action: 'trash', dryRun: false });
      expect(run.actions.map((a) => [a.path, a.status])).toEqual([[path.join(copies, 'coffee from the card.jpg'), 'done']]);
      expect(await readFile(path.join(originals, 'c.jpg'))).toEqual(await readFile(fixture('originals/skimage_coffee.jpg')));
    } finally {
      await lib.close();
    }
  }, 60_000);
});

describe('exports never overwrite silently', () => {
  it('results: an existing file is a conflict naming it and stays as it was; overwrite replaces it atomically', async () => {
    const out = path.join(tmp, 'exports', 'groups.csv');
    await mkdir(path.dirname(out), { recursive: true });
    await writeFile(out, 'my own notes\n');
    await expect(library.exportResults({ format: 'csv', out, threshold: 100 })).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `${out} already exists; nothing was written over it` }),
    );
    expect(await readFile(out, 'utf8')).toBe('my own notes\n');
    const summary = await library.exportResults({ format: 'csv', out, threshold: 100, overwrite: true });
    expect(summary.groups).toBeGreaterThan(0);
    expect((await readFile(out, 'utf8')).split('\r\n')[0]).toMatch(/^group,group_tier,path/);
    expect(await readdir(path.dirname(out))).toEqual(['groups.csv']);
  });

  it('features: refused before any photo is embedded when the array or its manifest exists; overwrite replaces both', async () => {
    const out = path.join(tmp, 'exports', 'features.npy');
    const control = { signal: never, onProgress: () => undefined };
    await writeFile(`${out}.manifest.json`, '{"mine": true}\n');
    const progress: unknown[] = [];
    await expect(library.exportFeatures({ out, pooled: true }, { ...control, onProgress: (p) => progress.push(p) })).rejects.toThrow(
      expect.objectContaining({ code: 'conflict', message: `${out}.manifest.json already exists; nothing was written over it` }),
    );
    expect(progress).toEqual([]);
    expect(existsSync(out)).toBe(false);
    const done = await library.exportFeatures({ out, pooled: true, overwrite: true }, control);
    expect(done.manifest.rows.length).toBeGreaterThan(0);
    expect(JSON.parse(await readFile(`${out}.manifest.json`, 'utf8'))).toHaveProperty('rows');
    await expect(library.exportFeatures({ out, pooled: true }, control)).rejects.toThrow(expect.objectContaining({ code: 'conflict' }));
    expect((await readdir(path.dirname(out))).filter((f) => f.endsWith('.partial'))).toEqual([]);
  }, 60_000);
});
