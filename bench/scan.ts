// Scanner throughput and rescan speed on a generated 10k-file tree (copies and hard links of the photos):
//  - first scan of distinct photos (a subset) vs the engine alone on the same files and model: what the
//    catalog, hashing, EXIF and the pipeline cost on top of decode + embed;
//  - first scan of the whole 10k tree (mostly duplicate content: hashed, not decoded again);
//  - rescan of the unchanged tree (target: ≤ 3 s for 10k files: stat + one indexed lookup per file);
//  - peak RSS of this process.
import { copyFileSync, linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Catalog } from '../electron/engine/catalog/index.js';
import { createEngine } from '../electron/engine/engine.js';
import { scanLibrary } from '../electron/engine/scan/index.js';
import { tinyModelDir } from '../test/helpers/models.js';
import { corpusDir, repoRoot } from './photos.js';

function sourcePhotos(): string[] {
  const corpus = corpusDir();
  const base = corpus ?? path.join(repoRoot, 'test', 'fixtures', 'photos');
  return ['originals', 'variants'].flatMap((d) =>
    readdirSync(path.join(base, d)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort().map((f) => path.join(base, d, f)));
}

/** `total` files in folders of 100: one real copy per source photo, then hard links to those copies. */
function buildTree(root: string, sources: string[], total: number): void {
  const copies: string[] = [];
  for (let i = 0; i < total; i++) {
    const dir = path.join(root, `d${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) mkdirSync(dir, { recursive: true });
    const src = sources[i % sources.length]!;
    const file = path.join(dir, `${i}${path.extname(src)}`);
    if (i < sources.length) {
      copyFileSync(src, file);
      copies.push(file);
    } else {
      linkSync(copies[i % copies.length]!, file);
    }
  }
}

const perSec = (n: number, ms: number): number => Math.round((n / (ms / 1000)) * 10) / 10;

export async function benchScan(opts: { treeSize?: number; subset?: number } = {}): Promise<Record<string, unknown>> {
  const treeSize = opts.treeSize ?? 10_000;
  const sources = sourcePhotos();
  const subset = Math.min(opts.subset ?? 300, sources.length);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'lookalike-bench-scan-'));
  const engine = await createEngine({ modelDir: await tinyModelDir(), device: 'cpu' });
  try {
    // 1. Distinct photos: scanner vs engine alone.
    const distinct = path.join(tmp, 'distinct');
    buildTree(distinct, sources.slice(0, subset), subset);
    const files = readdirSync(distinct, { recursive: true, encoding: 'utf8' }).filter((f) => f.includes('.')).map((f) => path.join(distinct, f));
    let t = performance.now();
    let ok = 0;
    for await (const item of engine.embedFiles(files)) if (item.ok) ok++;
    const engineMs = performance.now() - t;
    const subsetCatalog = Catalog.open(path.join(tmp, 'subset.db'));
    t = performance.now();
    const first = await scanLibrary({ catalog: subsetCatalog, roots: [distinct], engine, batchSize: engine.batchSize });
    const scanMs = performance.now() - t;
    subsetCatalog.close();

    // 2. and 3. The 10k tree: first scan, then a rescan with nothing changed.
    const tree = path.join(tmp, 'tree');
    buildTree(tree, sources, treeSize);
    const catalog = Catalog.open(path.join(tmp, 'tree.db'));
    t = performance.now();
    const full = await scanLibrary({ catalog, roots: [tree], engine, batchSize: engine.batchSize });
    const fullMs = performance.now() - t;
    t = performance.now();
    const rescan = await scanLibrary({ catalog, roots: [tree], engine });
    const rescanMs = performance.now() - t;
    catalog.close();

    const result = {
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}`,
      model: engine.provenance.id,
      distinctPhotos: subset,
      engineOnlyFilesPerSec: perSec(ok, engineMs),
      firstScanFilesPerSec: perSec(first.found, scanMs),
      scanVsEngine: Math.round((engineMs / scanMs) * 100) / 100,
      treeFiles: full.found,
      treeFirstScanSeconds: Math.round(fullMs) / 1000,
      treeFirstScanEmbedded: full.embedded,
      treeFirstScanMBHashed: Math.round(full.bytesHashed / 1e5) / 10,
      rescanUnchangedSeconds: Math.round(rescanMs) / 1000,
      rescanUnchanged: rescan.unchanged,
      rescanTargetMet: rescanMs <= 3000,
      peakRssMB: Math.round(process.resourceUsage().maxRSS / 1024),
    };
    console.table(Object.entries(result).map(([k, v]) => ({ metric: k, value: v })));
    return result;
  } finally {
    await engine.close();
    rmSync(tmp, { recursive: true, force: true });
  }
}
