// Catalog queries that run over the whole library, on a seeded 20k-content catalog (a temporary file, reopened
// so what Catalog.open does to statistics applies): live() is what every `dupes` run reads first, and an O(n²)
// plan there made a 100k library take minutes.
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../electron/engine/catalog/index.js';
import { seedLibrary } from '../test/support/catalogSeed.js';

export async function benchCatalog(contents = 20_000, dim = 768): Promise<Record<string, unknown>> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lookalike-bench-catalog-'));
  try {
    const file = path.join(dir, 'catalog.db');
    let catalog = Catalog.open(file);
    const seeded = seedLibrary(catalog, { contents, dim });
    catalog.close();
    catalog = Catalog.open(file);
    const started = performance.now();
    let rows = 0;
    for (const _e of catalog.embeddings.live(seeded.modelKey)) rows++;
    const liveMs = Math.round(performance.now() - started);
    catalog.close();
    const result = { contents, files: seeded.files, dim, liveRows: rows, liveMs };
    console.table([result]);
    return result;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
