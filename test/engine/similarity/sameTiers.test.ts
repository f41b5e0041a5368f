// The hash tiers on real photos through a real scan (generated tiny model): whatever the model, a lossy
// EXIF-rotated copy is same-pixels with its original, and a re-encode, an edit or a different shot is not.
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { createEngine } from '../../../electron/engine/engine.js';
import { scanLibrary } from '../../../electron/engine/scan/index.js';
import { loadLibraryFiles, type LibraryFile } from '../../../electron/engine/library/catalogView.js';
import { GroupIndex } from '../../../electron/engine/library/groupIndex.js';
import { defaultSettings } from '../../../electron/engine/library/settings.js';
import { hashUnits } from '../../../electron/engine/similarity/hashClasses.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

let tmp: string;
let catalog: Catalog;
let files: LibraryFile[];
let unitOfName: Map<string, number>;

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-tiers-'));
  const lib = path.join(tmp, 'lib');
  const names = ['originals/skimage_chelsea.jpg', 'originals/skimage_motorcycle_left.jpg', 'originals/skimage_motorcycle_right.jpg',
    'variants/skimage_chelsea__exif_rot90.jpg', 'variants/skimage_chelsea__jpeg_q35.jpg', 'variants/skimage_chelsea__png.png',
    'variants/skimage_chelsea__copy.jpg', 'variants/skimage_chelsea__watermark.jpg'];
  await import('node:fs/promises').then((fs) => fs.mkdir(lib));
  for (const n of names) copyFileSync(fixture(n), path.join(lib, path.basename(n)));
  // A plain quality-70 re-encode (same Orientation tag as the original): near-duplicate at best.
  await sharp(fixture('originals/skimage_chelsea.jpg')).jpeg({ quality: 70 }).toFile(path.join(lib, 'skimage_chelsea__q70.jpg'));
  catalog = Catalog.open(path.join(tmp, 'catalog.db'));
  const engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
  try {
    await scanLibrary({ catalog, roots: [lib], engine });
  } finally {
    await engine.close();
  }
  files = loadLibraryFiles(catalog);
  const units = hashUnits(files);
  unitOfName = new Map(files.map((f, i) => [path.basename(f.path), units.unitOf[i]!]));
});
afterAll(() => {
  catalog?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** The duplicate report at a threshold, as the library computes it (default settings, the catalog's model). */
function reportAt(threshold: number) {
  const index = new GroupIndex({ catalog: () => catalog, settings: defaultSettings, preferredModelKey: () => null });
  return index.report({ threshold, includeSimilar: false })!.report;
}

describe('exact and same-pixels tiers on real files', () => {
  const table: { a: string; b: string; same: boolean; why: string }[] = [
    { a: 'skimage_chelsea.jpg', b: 'skimage_chelsea__copy.jpg', same: true, why: 'byte copy' },
    { a: 'skimage_chelsea.jpg', b: 'skimage_chelsea__png.png', same: true, why: 'lossless PNG' },
    { a: 'skimage_chelsea.jpg', b: 'skimage_chelsea__exif_rot90.jpg', same: true, why: 'pixels turned, re-encoded, Orientation 6' },
    { a: 'skimage_chelsea.jpg', b: 'skimage_chelsea__q70.jpg', same: false, why: 'lossy re-encode, same tag' },
    { a: 'skimage_chelsea.jpg', b: 'skimage_chelsea__jpeg_q35.jpg', same: false, why: 'heavy re-encode' },
    { a: 'skimage_chelsea__exif_rot90.jpg', b: 'skimage_chelsea__jpeg_q35.jpg', same: false, why: 'rotated copy vs heavy re-encode' },
    { a: 'skimage_chelsea__exif_rot90.jpg', b: 'skimage_chelsea__watermark.jpg', same: false, why: 'rotated copy vs watermark' },
    { a: 'skimage_motorcycle_left.jpg', b: 'skimage_motorcycle_right.jpg', same: false, why: 'distinct but similar (stereo pair)' },
  ];
  it.each(table)('$a ~ $b: same picture = $same ($why)', ({ a, b, same }) => {
    expect(unitOfName.has(a) && unitOfName.has(b)).toBe(true);
    expect(unitOfName.get(a) === unitOfName.get(b)).toBe(same);
  });

  it('labels each member of the chelsea group by what makes it the same', () => {
    // Threshold 100: no embedding tier, so the groups are exactly the hash units.
    const report = reportAt(100);
    const group = report.groups.find((g) => g.members.some((m) => m.path.endsWith('skimage_chelsea__exif_rot90.jpg')))!;
    const byName = new Map(group.members.map((m) => [path.basename(m.path), m]));
    expect(byName.get('skimage_chelsea.jpg')).toMatchObject({ tier: 'exact', match: 'identical bytes' });
    expect(byName.get('skimage_chelsea__copy.jpg')).toMatchObject({ tier: 'exact', match: 'identical bytes' });
    expect(byName.get('skimage_chelsea__png.png')).toMatchObject({ tier: 'same-pixels', match: 'same pixels' });
    expect(byName.get('skimage_chelsea__exif_rot90.jpg')).toMatchObject({ tier: 'same-pixels', match: 'same pixels (EXIF-rotated copy)', score: 100 });
    expect(group.tier).toBe('same-pixels');
    expect([...byName.keys()].sort()).toEqual(['skimage_chelsea.jpg', 'skimage_chelsea__copy.jpg', 'skimage_chelsea__exif_rot90.jpg', 'skimage_chelsea__png.png']);
    expect(report.groups).toHaveLength(1);
  });

  it('keeps exact > same-pixels > near-duplicate precedence when the embedding tier joins more', () => {
    const report = reportAt(0);
    const tierOf = new Map(report.groups.flatMap((g) => g.members.map((m) => [path.basename(m.path), m.tier] as const)));
    for (const name of ['skimage_chelsea__q70.jpg', 'skimage_chelsea__jpeg_q35.jpg', 'skimage_chelsea__watermark.jpg', 'skimage_motorcycle_right.jpg']) {
      if (tierOf.has(name)) expect(tierOf.get(name), name).toMatch(/^(near-duplicate|similar)$/);
    }
  });

  it('a "not a duplicate" mark keeps a rotated copy out of the same-pixels unit', () => {
    const rot = files.find((f) => f.path.endsWith('__exif_rot90.jpg'))!;
    const orig = files.find((f) => f.path.endsWith('skimage_chelsea.jpg'))!;
    const units = hashUnits(files, { notDuplicate: [[rot.contentHash, orig.contentHash]] });
    expect(units.unitOf[files.indexOf(rot)]).not.toBe(units.unitOf[files.indexOf(orig)]);
  });
});
