// RAW files in a real library (catalog, tiny model, freedesktop trash under a temp XDG_DATA_HOME): a DNG is
// scanned through its preview and recorded so, it pairs with the camera's JPEG, resolve leaves the pair alone by
// default and takes only a lone copy, and the opt-in keep-RAW rule drops the JPEG in one batch that undo reverses.
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import sharp from 'sharp';
import { openLibrary, type Library } from '../../../electron/engine/library/index.js';
import { makeThumbnail } from '../../../electron/engine/library/thumbnails.js';
import { createEngineApi } from '../../../electron/engineProcess/api.js';
import type { DuplicateGroup, EngineApi } from '../../../electron/shared/contract.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';
import { makeCr3, makeDng, sampleJpeg, withExif } from '../../support/rawSamples.js';

let tmp: string;
let photos: string;
let library: Library;
let calls: EngineApi;
let previousXdg: string | undefined;
const at = (...parts: string[]) => path.join(photos, ...parts);
const raw = () => at('IMG_0001.DNG');
const jpeg = () => at('IMG_0001.JPG');
const lone = () => at('backup', 'IMG_0001.JPG');
const cr3 = () => at('IMG_0002.CR3');
const renamed = () => at('exports', 'harbour.jpg');

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-raw-pairs-'));
  previousXdg = process.env['XDG_DATA_HOME'];
  process.env['XDG_DATA_HOME'] = path.join(tmp, 'xdg');
  await mkdir(process.env['XDG_DATA_HOME'], { recursive: true });
  photos = path.join(tmp, 'Photos');
  await mkdir(at('backup'), { recursive: true });
  await mkdir(at('exports'), { recursive: true });
  // The camera's JPEG is the RAW's preview, as in a RAW+JPEG shot: same pixels.
  const shot = await readFile(fixture('originals/skimage_chelsea.jpg'));
  await writeFile(raw(), makeDng({ preview: shot, previewWidth: 451, previewHeight: 300 }));
  await writeFile(jpeg(), shot);
  await copyFile(jpeg(), lone());
  // Another shot, whose JPEG was renamed and filed elsewhere: paired by capture time and camera.
  const other = await readFile(fixture('originals/skimage_coffee.jpg'));
  const when = { takenAt: '2024:06:07 08:09:10', model: 'EOS R5' };
  await writeFile(cr3(), makeCr3({ preview: other, previewWidth: 600, previewHeight: 400, thumb: await sampleJpeg(12, 8), thumbWidth: 12, thumbHeight: 8, ...when }));
  await writeFile(renamed(), withExif(other, { orientation: 1, make: 'Canon', ...when }));
  library = await openLibrary({ dataDir: path.join(tmp, 'data'), env: process.env, engine: { device: 'cpu', threads: 1, modelDir: await tinyModelDir() } });
  calls = createEngineApi(library);
  await calls.addRoot({ path: photos, reference: false });
  const summary = await library.scan({ roots: [photos] }, { signal: new AbortController().signal, onProgress: () => {} });
  expect(summary.failed).toEqual([]);
}, 120_000);

afterAll(async () => {
  await library?.close();
  if (previousXdg === undefined) delete process.env['XDG_DATA_HOME'];
  else process.env['XDG_DATA_HOME'] = previousXdg;
  await rm(tmp, { recursive: true, force: true });
});

const theGroup = async (): Promise<DuplicateGroup> => {
  const found = (await calls.getGroups({ threshold: 98 })).groups.find((g) => g.members.some((m) => m.path === raw()));
  expect(found).toBeDefined();
  return found!;
};

describe('RAW+JPEG pairs in the library', () => {
  it('records the DNG as read through its embedded preview', () => {
    const row = library.requireCatalog().files.get(raw())!;
    expect(row).toMatchObject({ status: 'ok', format: 'dng', decodedFrom: 'embedded-preview', width: 451, height: 300 });
    expect(library.requireCatalog().files.get(jpeg())).toMatchObject({ format: 'jpeg', decodedFrom: null });
  });

  it('makes a RAW\'s thumbnail from its preview, turned by the RAW\'s orientation', async () => {
    const turned = path.join(tmp, 'turned.dng');
    await writeFile(turned, makeDng({ preview: await readFile(jpeg()), previewWidth: 451, previewHeight: 300, orientation: 6 }));
    const thumb = await makeThumbnail(turned, 128, path.join(tmp, 'thumbs'));
    expect(await sharp(thumb.data).metadata()).toMatchObject({ format: 'webp', width: 85, height: 128 });
  });

  it('shows the pair, keeps a pair member and proposes only the lone copy by default', async () => {
    const g = await theGroup();
    expect(g.members.map((m) => m.path).sort()).toEqual([jpeg(), lone(), raw()].sort());
    expect([raw(), jpeg()]).toContain(g.keep);
    const member = (p: string) => g.members.find((m) => m.path === p)!;
    expect(member(raw()).pair).toMatchObject({ partner: jpeg(), role: 'raw', by: 'name' });
    expect(member(jpeg()).pair).toMatchObject({ partner: raw(), role: 'jpeg', by: 'name' });
    expect(member(lone()).pair).toBeNull();
    const partner = g.keep === raw() ? jpeg() : raw();
    expect(member(partner).pair?.protected).toBe(true);
    const dry = await calls.resolveAll({ threshold: 98, action: 'trash', dryRun: true });
    expect(dry.plan.flatMap((p) => p.targets)).toEqual([lone()]);
  });

  it('pairs a CR3 with its renamed JPEG elsewhere by capture time and camera', async () => {
    const g = (await calls.getGroups({ threshold: 98 })).groups.find((x) => x.members.some((m) => m.path === cr3()));
    expect(g?.members.map((m) => [m.path, m.pair?.partner, m.pair?.by])).toEqual(expect.arrayContaining([[cr3(), renamed(), 'capture'], [renamed(), cr3(), 'capture']]));
    expect(library.requireCatalog().files.get(cr3())).toMatchObject({ format: 'cr3', decodedFrom: 'embedded-preview', takenAt: '2024-06-07T08:09:10', cameraModel: 'EOS R5' });
  });

  it('refuses a user\'s choice to trash a pair member by default, with the reason', async () => {
    const result = await calls.resolveGroup({ keep: lone(), targets: [raw(), jpeg()], action: 'trash', threshold: 98 });
    expect(result.done).toEqual([]);
    expect(result.failed.map((f) => f.error)).toEqual([expect.stringMatching(/one of a RAW\+JPEG pair/), expect.stringMatching(/one of a RAW\+JPEG pair/)]);
    expect(existsSync(raw()) && existsSync(jpeg())).toBe(true);
  });

  it('keep-RAW, opted in, drops the JPEG and the copy in one batch, and undo brings both back', async () => {
    await calls.setSettings({ rawJpegPairs: 'keep-raw' });
    try {
      const g = await theGroup();
      expect(g.keep).toBe(raw());
      expect(g.members.find((m) => m.path === jpeg())!.pair?.protected).toBe(false);
      const run = await calls.resolveAll({ threshold: 98, action: 'trash', dryRun: false });
      expect(run.failed).toEqual([]);
      expect(run.plan).toEqual(expect.arrayContaining([{ keep: raw(), targets: expect.arrayContaining([jpeg(), lone()]) }, { keep: cr3(), targets: [renamed()] }]));
      expect(existsSync(jpeg()) || existsSync(lone()) || existsSync(renamed())).toBe(false);
      expect(existsSync(raw())).toBe(true);
      const undone = await calls.undo({ actionId: run.actionId! });
      expect(undone.failed).toEqual([]);
      expect(existsSync(jpeg()) && existsSync(lone()) && existsSync(renamed())).toBe(true);
      expect((await theGroup()).members).toHaveLength(3);
    } finally {
      await calls.setSettings({ rawJpegPairs: 'keep-both' });
    }
  });
});
