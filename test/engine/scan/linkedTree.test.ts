// A small version of the scale bench's rescan (bench/scale.ts), through the library facade as the app and the CLI
// call it: a tree of a few hundred paths that are hard links to three photos (plus one plain file). The first
// scan reads each inode once and still catalogs every path; an unchanged rescan reads and embeds nothing; a
// changed size or mtime is rehashed, a removed path is marked missing; a scan asked with an aborted signal stops
// at once, cancelled.
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, rmSync, statSync, unlinkSync, utimesSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Catalog } from '../../../electron/engine/catalog/index.js';
import { Library, openLibrary, type ScanOutcome } from '../../../electron/engine/library/index.js';
import type { JobProgressView } from '../../../electron/shared/contract.js';
import { tinyModelDir } from '../../helpers/models.js';
import { fixture } from '../../helpers/photos.js';

const SOURCES = ['originals/skimage_chelsea.jpg', 'originals/skimage_coffee.jpg', 'originals/palapeli_honey_bee.jpg'];
const LINKS_PER_SOURCE = 100;

let tmp: string;
let tree: string;
let library: Library;
const allPaths: string[] = [];

async function scan(signal = new AbortController().signal): Promise<{ summary: ScanOutcome; last: JobProgressView }> {
  const progress: JobProgressView[] = [];
  const summary = await library.scan({ roots: [tree] }, Library.control(signal, (p) => progress.push(p)));
  return { summary, last: progress.at(-1)! };
}

function catalogRows(): Map<string, { contentHash: string | null; status: string }> {
  const catalog = Catalog.open(library.paths.catalog, { readOnly: true });
  try {
    const rows = new Map<string, { contentHash: string | null; status: string }>();
    for (const p of allPaths) {
      const r = catalog.files.get(p);
      if (r) rows.set(p, { contentHash: r.contentHash, status: r.status });
    }
    return rows;
  } finally {
    catalog.close();
  }
}

beforeAll(async () => {
  tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-linked-'));
  tree = path.join(tmp, 'tree');
  // Each source's links spread over three folders, as the bench's tree spreads them over d000, d001, …
  SOURCES.forEach((rel, s) => {
    for (let i = 0; i < LINKS_PER_SOURCE; i++) {
      const dir = path.join(tree, `d${i % 3}`);
      mkdirSync(dir, { recursive: true });
      const file = path.join(dir, `${s}-${i}.jpg`);
      if (i === 0) copyFileSync(fixture(rel), file);
      else linkSync(allPaths[s * LINKS_PER_SOURCE]!, file);
      allPaths.push(file);
    }
  });
  const single = path.join(tree, 'single.png');
  copyFileSync(fixture('variants/skimage_coffee__png.png'), single);
  allPaths.push(single);
  library = await openLibrary({ dataDir: path.join(tmp, 'data'), env: process.env, engine: { device: 'cpu', threads: 1, modelDir: await tinyModelDir() } });
}, 60_000);

afterAll(async () => {
  await library?.close();
  rmSync(tmp, { recursive: true, force: true });
});

describe('a tree of hard links', () => {
  it('is aborted before it starts: nothing is read or catalogued, and the scan says it was cancelled', async () => {
    const { summary, last } = await scan(AbortSignal.abort());
    expect(summary).toMatchObject({ cancelled: true, new: 0, embedded: 0, bytesHashed: 0 });
    expect(last).toMatchObject({ phase: 'cancelled', hashed: 0 });
    expect(catalogRows().size).toBe(0);
  });

  it('hashes and embeds each inode once on the first scan, and catalogs every path with its inode\'s hash', async () => {
    const { summary, last } = await scan();
    const total = SOURCES.length * LINKS_PER_SOURCE + 1;
    expect(summary).toMatchObject({ cancelled: false, found: total, new: total, changed: 0, unchanged: 0, failed: [] });
    expect(summary.embedded).toBe(SOURCES.length + 1);
    expect(last.hashed).toBe(SOURCES.length + 1);
    const rows = catalogRows();
    expect(rows.size).toBe(total);
    for (const [p, row] of rows) {
      expect(row.status).toBe('ok');
      const leader = allPaths[Math.floor(allPaths.indexOf(p) / LINKS_PER_SOURCE) * LINKS_PER_SOURCE]!;
      if (p.endsWith('.jpg')) expect(row.contentHash).toBe(rows.get(leader)!.contentHash);
    }
    expect(new Set([...rows.values()].map((r) => r.contentHash)).size).toBe(SOURCES.length + 1);
  });

  it('rescans the unchanged tree without reading or embedding anything', async () => {
    const { summary, last } = await scan();
    expect(summary).toMatchObject({ found: allPaths.length, new: 0, changed: 0, unchanged: allPaths.length, embedded: 0, missing: 0, bytesHashed: 0 });
    expect(last.hashed).toBe(0);
  });

  it('rehashes what changed size or mtime, marks a removed path missing, and embeds only new bytes', async () => {
    const single = allPaths.at(-1)!;
    const later = new Date(statSync(single).mtimeMs + 5_000);
    utimesSync(single, later, later);
    // One link replaced by another photo (a new inode, another size), one link removed.
    const replaced = allPaths[1]!;
    unlinkSync(replaced);
    copyFileSync(fixture('originals/skimage_astronaut.jpg'), replaced);
    const removed = allPaths[LINKS_PER_SOURCE + 1]!;
    unlinkSync(removed);
    const { summary, last } = await scan();
    expect(summary).toMatchObject({ found: allPaths.length - 1, new: 0, changed: 2, unchanged: allPaths.length - 3, missing: 1, embedded: 1 });
    expect(last.hashed).toBe(2);
    const rows = catalogRows();
    expect(rows.get(removed)?.status).toBe('missing');
    expect(rows.get(replaced)?.contentHash).not.toBe(rows.get(allPaths[0]!)?.contentHash);
  });
});
