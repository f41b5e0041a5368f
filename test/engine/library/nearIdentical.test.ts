// The near-identical tier through the library, as the app and `lookalike dupes --json` get it: the fixture photos
// scanned with the random-weight tiny model (which misses most edits), the fingerprint finds the resize, the
// re-encode, the brightened and the greyscale copy, every member carries both distances, the results export has them, and a
// catalog row from before fingerprints were kept gets one from its stored thumbnail, without a rescan.
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { openLibrary, type Library } from '../../../electron/engine/library/index.js';
import { createEngineApi } from '../../../electron/engineProcess/api.js';
import type { DuplicateGroup, EngineApi } from '../../../electron/shared/contract.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

const FILES = [
  'originals/skimage_chelsea.jpg',
  'variants/skimage_chelsea__resize25.jpg',
  'variants/skimage_chelsea__jpeg_q35.jpg',
  'variants/skimage_chelsea__bright15.jpg',
  'variants/skimage_chelsea__grayscale.jpg',
  'originals/skimage_motorcycle_left.jpg',
  'originals/skimage_motorcycle_right.jpg',
];

let tmp: string;
let folder: string;
let lib: Library;
let calls: EngineApi;
const dataDir = () => path.join(tmp, 'data');
const named = (g: DuplicateGroup) => Object.fromEntries(g.members.map((m) => [path.basename(m.path), m]));

async function open(): Promise<void> {
  lib = await openLibrary({ dataDir: dataDir(), env: process.env, engine: { device: 'cpu', threads: 1, modelDir: await tinyModelDir() } });
  calls = createEngineApi(lib);
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-near-identical-'));
  folder = path.join(tmp, 'Photos');
  await mkdir(folder);
  for (const rel of FILES) await copyFile(fixture(rel), path.join(folder, path.basename(rel)));
  await open();
  await calls.addRoot({ path: folder, reference: false });
  await lib.scan({ roots: [folder] }, { signal: new AbortController().signal, onProgress: () => {} });
}, 60_000);

afterAll(async () => {
  await lib?.close();
  await rm(tmp, { recursive: true, force: true });
});

describe('near-identical tier in the library', () => {
  it('groups the edits by fingerprint, each with its Hamming distance and cosine to the keeper; the stereo pair stays apart', async () => {
    const { groups } = await calls.getGroups({ threshold: 93 });
    const chelsea = groups.find((g) => g.members.some((m) => m.path.endsWith('skimage_chelsea.jpg')))!;
    expect(chelsea.tier).toBe('near-identical');
    const members = named(chelsea);
    expect(Object.keys(members).sort()).toEqual(['skimage_chelsea.jpg', 'skimage_chelsea__bright15.jpg', 'skimage_chelsea__grayscale.jpg', 'skimage_chelsea__jpeg_q35.jpg', 'skimage_chelsea__resize25.jpg']);
    for (const m of chelsea.members.filter((x) => x.path !== chelsea.keep)) {
      expect(m.match).toBe('near-identical');
      expect(m.hamming).toBeGreaterThanOrEqual(0);
      expect(m.hamming).toBeLessThanOrEqual(4);
      expect(m.cosine).toBeGreaterThan(0);
      expect(m.cosine).toBeLessThanOrEqual(1);
    }
    // The random model may call the stereo pair similar; their fingerprints (24 bits apart) never call them near-identical.
    const stereo = groups.find((g) => g.members.some((m) => m.path.endsWith('_left.jpg')) && g.members.some((m) => m.path.endsWith('_right.jpg')));
    for (const m of stereo?.members ?? []) {
      expect(m.match).not.toBe('near-identical');
      if (m.path !== stereo!.keep) expect(m.hamming).toBeGreaterThan(15);
    }
  });

  it('exports both distances with the tier (JSON and CSV)', async () => {
    const json = path.join(tmp, 'groups.json');
    await calls.exportResults({ format: 'json', out: json, threshold: 93 });
    const body = JSON.parse(await readFile(json, 'utf8')) as { groups: DuplicateGroup[] };
    const g = body.groups.find((x) => x.tier === 'near-identical')!;
    expect(g.members.every((m) => typeof m.hamming === 'number' && typeof m.cosine === 'number')).toBe(true);
    const csv = path.join(tmp, 'groups.csv');
    await calls.exportResults({ format: 'csv', out: csv, threshold: 93 });
    const [header, ...rows] = (await readFile(csv, 'utf8')).trim().split('\r\n');
    expect(header!.split(',').slice(-2)).toEqual(['hamming', 'cosine']);
    const resize = rows.find((r) => r.includes('resize25'))!.split(',');
    expect(resize[1]).toBe('near-identical');
    expect(Number(resize.at(-2))).toBeLessThanOrEqual(4);
  });

  it('gives rows from before fingerprints were kept one from their thumbnail, and stores it', async () => {
    await lib.close();
    const catalog = Catalog.open(path.join(dataDir(), 'catalog.db'));
    // A catalog from before fingerprints were kept had no kept groupings either (migration 11 came later).
    catalog.db.exec('UPDATE files SET perceptual_print = NULL; DELETE FROM group_snapshots');
    catalog.close();
    await open();
    const { groups } = await calls.getGroups({ threshold: 93 });
    expect(groups.find((g) => g.tier === 'near-identical')?.members).toHaveLength(5);
    const after = Catalog.open(path.join(dataDir(), 'catalog.db'), { readOnly: true });
    const missing = after.db.prepare("SELECT COUNT(*) AS n FROM files WHERE status = 'ok' AND perceptual_print IS NULL").get() as { n: number };
    after.close();
    expect(missing.n).toBe(0);
  });
});
