// A scan over the corpus' hostile files finishes, reports every bad file with a reason, fetches nothing, and
// still catalogs and embeds the good photos next to them.
import { copyFileSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { createEngine, type Engine } from '../../../electron/engine/engine.js';
import { scanLibrary, type ScanSummary } from '../../../electron/engine/scan/index.js';
import { tinyModelDir } from '../../helpers/models.js';
import { corpusDir, fixture } from '../../helpers/photos.js';
import { CANARY_PORT, makeBadInputs, runningAsRoot, UNICODE_NAME } from './badInputs.js';

let dir: string;
let engine: Engine;
let catalog: Catalog;
let summary: ScanSummary;
let seconds: number;
const connections: string[] = [];
let canary: net.Server;

beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-bad-'));
  makeBadInputs(path.join(dir, 'bad'));
  // A real photo inside the looping folders: it must be found once, under its own path.
  copyFileSync(fixture('variants/skimage_coffee__resize50.jpg'), path.join(dir, 'bad', 'loop', 'inner', 'in-loop.jpg'));
  canary = net.createServer((socket) => {
    connections.push(String(socket.remoteAddress));
    socket.destroy();
  });
  await new Promise<void>((resolve, reject) => canary.once('error', reject).listen(CANARY_PORT, '127.0.0.1', resolve));
  engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu', threads: 1 });
  catalog = Catalog.open(path.join(dir, 'catalog.db'));
  const t = performance.now();
  summary = await scanLibrary({ catalog, roots: [path.join(dir, 'bad')], engine });
  seconds = (performance.now() - t) / 1000;
});

afterAll(async () => {
  catalog?.close();
  await engine?.close();
  await new Promise<void>((resolve) => (canary ? canary.close(() => resolve()) : resolve()));
  rmSync(dir, { recursive: true, force: true });
});

const reasonFor = (name: string): string | undefined => summary.failed.find((f) => path.basename(f.path) === name)?.reason;

describe('bad inputs', () => {
  it('finishes quickly without touching the network', () => {
    expect(summary.cancelled).toBe(false);
    // Generous for a loaded 2-core machine; a hang on the FIFO or a decoded bomb would take far longer.
    expect(seconds).toBeLessThan(30);
    expect(connections).toEqual([]);
  });

  it('reports each bad file with a reason', () => {
    expect(reasonFor('empty.jpg')).toMatch(/empty/);
    expect(reasonFor('truncated.jpg')).toMatch(/truncated|corrupt/i);
    expect(reasonFor('photo.jpg')).toMatch(/not an image/);
    expect(reasonFor('bad-crc-ihdr.png')).toMatch(/corrupt|CRC|truncated/i);
    expect(reasonFor('bad-crc-idat.png')).toMatch(/corrupt|CRC|truncated/i);
    expect(reasonFor('bomb-30000x30000.png')).toMatch(/too large.*30000×30000/);
    expect(reasonFor('fifo.jpg')).toMatch(/not a regular file.*FIFO/);
    expect(reasonFor('dangling-link.jpg')).toMatch(/broken symbolic link/);
    if (!runningAsRoot) expect(reasonFor('unreadable.jpg')).toMatch(/permission denied/);
    // Every failure is in the catalog too, with the same reason.
    for (const f of summary.failed) expect(catalog.files.get(f.path)).toMatchObject({ status: 'failed', error: f.reason });
  });

  it('never considers SVG, so nothing in it can be fetched or read', () => {
    const svgs = [...catalog.files.withStatus('failed'), ...catalog.files.withStatus('ok')].filter((f) => f.path.endsWith('.svg'));
    expect(svgs).toEqual([]);
  });

  it('embeds the good photos next to the bad ones, by content', () => {
    const good = [UNICODE_NAME, 'wrong-extension.png', 'loop/inner/in-loop.jpg', ...(runningAsRoot ? ['unreadable.jpg'] : [])];
    for (const name of good) {
      const row = catalog.files.get(path.join(dir, 'bad', name));
      expect(row?.status, name).toBe('ok');
      expect(catalog.embeddings.has(row!.contentHash!, catalog.embeddings.models()[0]!.key)).toBe(true);
    }
    expect(catalog.files.get(path.join(dir, 'bad', 'wrong-extension.png'))?.format).toBe('jpeg');
    expect(summary.embedded).toBe(good.length);
  });

  it('walks symlink loops once: each real file is counted once, under its real path', () => {
    const rows = [...catalog.files.withStatus('ok'), ...catalog.files.withStatus('failed')];
    expect(rows).toHaveLength(summary.found);
    expect(rows.filter((f) => f.path.includes(`${path.sep}loop${path.sep}`)).map((f) => f.path))
      .toEqual([path.join(dir, 'bad', 'loop', 'inner', 'in-loop.jpg')]);
  });

  it.skipIf(!corpusDir)('writes the same set by hand as the corpus script does', () => {
    const byHand = path.join(dir, 'by-hand');
    makeBadInputs(byHand, { byHand: true });
    // Entries with their kind, without following links (the set has loops).
    const list = (d: string, rel = ''): string[] => readdirSync(path.join(d, rel), { withFileTypes: true }).flatMap((e) => {
      const name = path.join(rel, e.name);
      const kind = e.isSymbolicLink() ? 'link' : e.isFIFO() ? 'fifo' : e.isDirectory() ? 'dir' : 'file';
      return [`${kind} ${name}`, ...(kind === 'dir' ? list(d, name) : [])];
    }).sort();
    expect(list(byHand)).toEqual(list(path.join(dir, 'bad')).filter((p) => !p.endsWith('in-loop.jpg')));
    const size = (d: string, name: string): number => statSync(path.join(d, name)).size;
    for (const name of ['truncated.jpg', 'bad-crc-idat.png', 'bomb-30000x30000.png', UNICODE_NAME]) expect(size(byHand, name)).toBe(size(path.join(dir, 'bad'), name));
  });

  it('rescans the same bad set without reading anything again', async () => {
    const again = await scanLibrary({ catalog, roots: [path.join(dir, 'bad')], engine });
    expect(again.embedded).toBe(0);
    expect(again.new).toBe(0);
    expect(again.failed.map((f) => f.path).sort()).toEqual(summary.failed.map((f) => f.path).sort());
    expect(connections).toEqual([]);
  });
});
