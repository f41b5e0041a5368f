// Incremental scanning on real photos with the real engine and a generated tiny model.
import { cpSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { xxhash128 } from 'hash-wasm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { PauseGate, scanLibrary, type ScanProgress } from '../../../electron/engine/scan/index.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture, repoRoot } from '../../helpers/photos.js';

let engine: Engine;
let tmp: string;
let lib: string;
let catalog: Catalog;
const at = (rel: string): string => path.join(lib, rel);
const scan = (extra: Partial<Parameters<typeof scanLibrary>[0]> = {}, opts: Parameters<typeof scanLibrary>[1] = {}) =>
  scanLibrary({ catalog, roots: [lib], engine, batchSize: 4, ...extra }, opts);

beforeAll(async () => {
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
});
afterAll(async () => {
  await engine?.close();
});
beforeEach((ctx) => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-scan-'));
  lib = path.join(tmp, 'lib');
  mkdirSync(lib);
  for (const name of ['originals/skimage_chelsea.jpg', 'originals/skimage_coffee.jpg', 'originals/palapeli_honey_bee.jpg',
    'variants/skimage_chelsea__exif_rot90.jpg', 'variants/skimage_coffee__png.png', 'variants/skimage_coffee__webp.webp']) {
    copyFileSync(fixture(name), at(path.basename(name)));
  }
  catalog = Catalog.open(path.join(tmp, 'catalog.db'));
  ctx.onTestFinished(() => {
    catalog.close();
    rmSync(tmp, { recursive: true, force: true });
  });
});

describe('first scan', () => {
  it('catalogs every photo with its metadata and one vector per distinct content', async () => {
    copyFileSync(at('skimage_coffee.jpg'), at('coffee copy.jpg'));
    const s = await scan();
    expect(s).toMatchObject({ found: 7, new: 7, changed: 0, unchanged: 0, embedded: 6, failed: [], cancelled: false });
    const key = catalog.embeddings.models()[0]!.key;
    expect(catalog.embeddings.countsByModel()).toEqual([{ modelKey: key, count: 6 }]);
    const copy = catalog.files.get(at('coffee copy.jpg'))!;
    expect(copy.contentHash).toBe(catalog.files.get(at('skimage_coffee.jpg'))!.contentHash);
    expect(catalog.files.get(at('skimage_coffee__webp.webp'))).toMatchObject({ status: 'ok', format: 'webp', width: 600, height: 400 });
    expect(catalog.files.get(at('palapeli_honey_bee.jpg'))).toMatchObject({
      takenAt: '2006-10-01T12:00:46', cameraMake: 'NIKON CORPORATION', cameraModel: 'NIKON D50', orientation: 1,
    });
  });

  it('stores the upright size and orientation 6 for the EXIF-rotated photo, with the same pixels as its original', async () => {
    await scan();
    const rotated = catalog.files.get(at('skimage_chelsea__exif_rot90.jpg'))!;
    const original = catalog.files.get(at('skimage_chelsea.jpg'))!;
    expect(rotated).toMatchObject({ width: 451, height: 300, orientation: 6 });
    expect(original).toMatchObject({ width: 451, height: 300 });
    expect(rotated.contentHash).not.toBe(original.contentHash);
  });

  it('reports progress: phases, counts, bytes, a rate, and a report per embedded batch', async () => {
    const seen: ScanProgress[] = [];
    await scan({}, { onProgress: (p) => seen.push(p) });
    expect(seen[0]?.phase).toBe('crawling');
    expect(seen.at(-1)).toMatchObject({ phase: 'done', found: 6, done: 6, total: 6, hashed: 6, embedded: 6, failed: 0 });
    expect(seen.at(-1)!.bytes).toBeGreaterThan(100_000);
    expect(seen.at(-1)!.rate).toBeGreaterThan(0);
    expect(seen.filter((p) => p.phase === 'scanning').map((p) => p.embedded)).toContain(4);
  });
});

describe('rescans', () => {
  it('does not read an unchanged file again (same size and mtime), even if its bytes secretly changed', async () => {
    const file = at('skimage_coffee.jpg');
    // Whole seconds, so setting the same mtime again is exact.
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    await scan();
    const before = catalog.files.get(file)!;
    // Same size and mtime, different bytes: only a scanner that reads the file would notice.
    const bytes = readFileSync(file);
    bytes[bytes.length - 3]! ^= 0xff;
    writeFileSync(file, bytes);
    utimesSync(file, 1_700_000_000, 1_700_000_000);
    const s = await scan();
    expect(s).toMatchObject({ found: 6, new: 0, changed: 0, unchanged: 6, embedded: 0, bytesHashed: 0, missing: 0 });
    expect(catalog.files.get(file)!.contentHash).toBe(before.contentHash);
  });

  it('re-hashes and re-embeds a modified file', async () => {
    await scan();
    const file = at('skimage_chelsea.jpg');
    const before = catalog.files.get(file)!;
    copyFileSync(fixture('variants/skimage_chelsea__bright15.jpg'), file);
    const s = await scan();
    expect(s).toMatchObject({ changed: 1, unchanged: 5, embedded: 1 });
    expect(catalog.files.get(file)!.contentHash).not.toBe(before.contentHash);
  });

  it('does not re-embed a moved or renamed file, and marks the old path missing', async () => {
    await scan();
    const hash = catalog.files.get(at('skimage_coffee.jpg'))!.contentHash;
    mkdirSync(at('2024'));
    renameSync(at('skimage_coffee.jpg'), at('2024/renamed coffee.jpg'));
    const s = await scan();
    expect(s).toMatchObject({ new: 1, unchanged: 5, embedded: 0, missing: 1 });
    expect(catalog.files.get(at('2024/renamed coffee.jpg'))).toMatchObject({ status: 'ok', contentHash: hash, width: 600 });
    expect(catalog.files.get(at('skimage_coffee.jpg'))?.status).toBe('missing');
  });

  it('marks deleted files missing, and brings them back when they return', async () => {
    await scan();
    const file = at('skimage_coffee__png.png');
    const saved = readFileSync(file);
    unlinkSync(file);
    expect(await scan()).toMatchObject({ found: 5, missing: 1 });
    expect(catalog.files.get(file)?.status).toBe('missing');
    expect(catalog.files.counts()).toEqual({ ok: 5, failed: 0, missing: 1 });
    writeFileSync(file, saved);
    expect(await scan()).toMatchObject({ new: 1, embedded: 0, missing: 0 });
    expect(catalog.files.get(file)?.status).toBe('ok');
  });

  it('embeds everything again for a changed model key, without hashing again', async () => {
    await scan();
    const next = { ...engine, provenance: { ...engine.provenance, preprocessVersion: engine.provenance.preprocessVersion + 1 },
      dim: engine.dim, prepare: engine.prepare, runBatch: engine.runBatch };
    const s = await scanLibrary({ catalog, roots: [lib], engine: next });
    expect(s).toMatchObject({ unchanged: 6, embedded: 6, bytesHashed: 0 });
    expect(catalog.embeddings.countsByModel().map((m) => m.count)).toEqual([6, 6]);
  });

  it('hashes new files right while known files pass the hash stage unread (each hash has a hasher of its own)', async () => {
    // Each folder holds a file whose hash is known and one that must be hashed, so the hash stage gets them mixed.
    const folders = Array.from({ length: 8 }, (_, i) => at(`d${i}`));
    for (const dir of folders) {
      mkdirSync(dir);
      copyFileSync(at('skimage_chelsea.jpg'), path.join(dir, 'copy.jpg'));
    }
    await scan();
    // Multi-chunk files among rows whose hash is known (a new model key: embed them, do not hash them again).
    const big = folders.map((dir) => path.join(dir, 'noise.jpg'));
    big.forEach((file, i) => writeFileSync(file, randomBytes((4 << 20) + i * 7919)));
    const next = { ...engine, provenance: { ...engine.provenance, preprocessVersion: engine.provenance.preprocessVersion + 1 },
      dim: engine.dim, prepare: engine.prepare, runBatch: engine.runBatch };
    const s = await scanLibrary({ catalog, roots: [lib], engine: next });
    expect(s).toMatchObject({ new: 8, unchanged: 14, embedded: 6 });
    for (const file of big) {
      expect(catalog.files.get(file)).toMatchObject({ status: 'failed', contentHash: `xxh128:${await xxhash128(readFileSync(file))}` });
    }
  });

  it('re-embeds after a changed processor config, but not after a reformatted one or a moved file', async () => {
    await scan();
    const modelCopy = path.join(tmp, 'model');
    cpSync(await tinyModelDir(), modelCopy, { recursive: true });
    const configFile = path.join(modelCopy, 'preprocessor_config.json');
    const config = JSON.parse(readFileSync(configFile, 'utf8')) as Record<string, unknown>;
    // Same numbers, other key order and spacing: the parsed config is what counts.
    writeFileSync(configFile, JSON.stringify(Object.fromEntries(Object.entries(config).reverse())));
    const same = await createEngine({ modelDir: modelCopy, device: 'cpu', threads: 1 });
    try {
      expect(same.provenance.processorSha256).toBe(engine.provenance.processorSha256);
      expect(await scanLibrary({ catalog, roots: [lib], engine: same })).toMatchObject({ unchanged: 6, embedded: 0 });
    } finally {
      await same.close();
    }
    writeFileSync(configFile, JSON.stringify({ ...config, image_mean: [0.485, 0.456, 0.406], image_std: [0.229, 0.224, 0.225] }));
    const changed = await createEngine({ modelDir: modelCopy, device: 'cpu', threads: 1 });
    try {
      expect(changed.provenance.fileSha256).toBe(engine.provenance.fileSha256);
      expect(changed.provenance.processorSha256).not.toBe(engine.provenance.processorSha256);
      expect(await scanLibrary({ catalog, roots: [lib], engine: changed })).toMatchObject({ unchanged: 6, embedded: 6, bytesHashed: 0 });
      expect(catalog.embeddings.countsByModel().map((m) => m.count)).toEqual([6, 6]);
      renameSync(at('skimage_coffee.jpg'), at('moved coffee.jpg'));
      expect(await scanLibrary({ catalog, roots: [lib], engine: changed })).toMatchObject({ new: 1, embedded: 0, missing: 1 });
    } finally {
      await changed.close();
    }
  });

  it('fills the pixel thumbnail of rows scanned before it was kept, without embedding again', async () => {
    await scan();
    const file = at('skimage_chelsea__exif_rot90.jpg');
    const thumb = catalog.files.get(file)!.pixelThumb!;
    expect(thumb).toHaveLength(3072);
    catalog.db.exec('DELETE FROM file_thumbs'); // migration 10 keeps thumbnails in their own table
    expect(await scan()).toMatchObject({ unchanged: 6, embedded: 0, bytesHashed: 0 });
    expect(Array.from(catalog.files.get(file)!.pixelThumb!)).toEqual(Array.from(thumb));
    expect(catalog.files.withStatus('ok').toArray().every((f) => f.pixelThumb?.length === 3072)).toBe(true);
  });

  it('applies exclude and include globs and skips hidden folders', async () => {
    mkdirSync(at('.thumbnails'));
    copyFileSync(fixture('originals/skimage_astronaut.jpg'), at('.thumbnails/thumb.jpg'));
    mkdirSync(at('raw'));
    copyFileSync(fixture('originals/skimage_astronaut.jpg'), at('raw/astro.jpg'));
    expect((await scan({ exclude: ['raw/**', '*.webp'] })).found).toBe(5);
    expect((await scan({ include: ['**/*.png'] })).found).toBe(1);
    expect((await scan({ skipHidden: false })).found).toBe(8);
  });
});

describe('refusals and bookkeeping', () => {
  it('refuses no folder, a missing folder and a file as invalid requests, before touching the catalog', async () => {
    const invalid = (message: string) => expect.objectContaining({ code: 'invalid-request', message });
    await expect(scan({ roots: [] })).rejects.toThrow(invalid('no folders to scan'));
    await expect(scan({ roots: [at('nope')] })).rejects.toThrow(invalid(`folder not found: ${at('nope')}`));
    await expect(scan({ roots: [at('skimage_coffee.jpg')] })).rejects.toThrow(invalid(`not a folder: ${at('skimage_coffee.jpg')}`));
    expect(catalog.scans.latest()).toBeNull();
  });

  it('leaves planner statistics for the files a scan wrote (PRAGMA optimize)', async () => {
    await scan();
    const analyzed = (catalog.db.prepare('SELECT DISTINCT tbl FROM sqlite_stat1').all() as { tbl: string }[]).map((r) => r.tbl);
    expect(analyzed).toEqual(expect.arrayContaining(['files', 'embeddings']));
  });
});

describe('cancel and pause', () => {
  it('keeps what a cancelled scan finished, and the next scan does only the rest', async () => {
    for (let i = 0; i < 4; i++) copyFileSync(fixture(`variants/skimage_coffee__resize${i % 2 ? 25 : 50}.jpg`), at(`more-${i}.jpg`));
    const controller = new AbortController();
    const first = await scan({ batchSize: 2 }, {
      signal: controller.signal,
      onProgress: (p) => {
        if (p.embedded >= 2) controller.abort();
      },
    });
    expect(first.cancelled).toBe(true);
    expect(first.missing).toBe(0);
    const committed = catalog.embeddings.countsByModel()[0]!.count;
    expect(committed).toBeGreaterThanOrEqual(2);
    expect(committed).toBeLessThan(8);
    const second = await scan();
    expect(second.embedded).toBe(8 - committed);
    expect(catalog.scans.get(first.scanId)?.state).toBe('cancelled');
  });

  it('pauses between files and resumes', async () => {
    const gate = new PauseGate();
    let latest: ScanProgress | null = null;
    const phases: string[] = [];
    const pausedCounts: number[] = [];
    const running = scan({ batchSize: 1 }, {
      pause: gate,
      onProgress: (p) => {
        phases.push(p.phase);
        latest = p;
        if (p.embedded >= 1 && !gate.paused && pausedCounts.length === 0) gate.pause();
      },
    });
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    while (!gate.paused) await sleep(10);
    // Files already in flight may finish; after that nothing moves until resume.
    await sleep(300);
    pausedCounts.push(latest!.done);
    await sleep(300);
    pausedCounts.push(latest!.done);
    gate.resume();
    const s = await running;
    expect(pausedCounts[1]).toBe(pausedCounts[0]);
    expect(pausedCounts[0]).toBeLessThan(6);
    expect(s.embedded).toBe(6);
    expect(phases).toContain('paused');
  });
});

describe.skipIf(!existsSync(path.join(repoRoot, 'test', 'fixtures', 'heic')))('HEIC', () => {
  it('catalogs HEIC photos with their upright size', async () => {
    const heicDir = path.join(repoRoot, 'test', 'fixtures', 'heic');
    for (const f of readdirSync(heicDir).filter((n) => n.endsWith('.heic'))) copyFileSync(path.join(heicDir, f), at(f));
    const s = await scan();
    expect(s.failed).toEqual([]);
    expect(catalog.files.get(at('chelsea.heic'))).toMatchObject({ status: 'ok', format: 'heic', width: 451, height: 300 });
    // HEIF orientation comes from the container (none here), not from the EXIF block it carries: see SOURCES.md.
    expect(catalog.files.get(at('orient_6.heic'))).toMatchObject({ status: 'ok', format: 'heic', width: 96, height: 64, orientation: 1 });
  });
});
