// Child process for the memory test: exports many unpooled rows to .npy and reports its RSS along the way.
// The rows are real engine outputs (a few photos through the generated tiny model) repeated, each a fresh copy
// as the engine would hand it over: embedding thousands of photos on two cores would take minutes.
// Usage: node --experimental-transform-types --import ./ts-resolve-hook.mjs rss-child.ts MODEL_DIR OUT ROWS PHOTO...
import { createEngine } from '../../../electron/engine/engine.js';
import { exportFeatures } from '../../../electron/engine/export/exportFeatures.js';
import type { FeatureRow, FeatureSource } from '../../../electron/engine/export/types.js';

const [modelDir, out, rowsArg, ...photos] = process.argv.slice(2);
if (!modelDir || !out || !rowsArg || photos.length === 0) throw new Error('usage: rss-child MODEL_DIR OUT ROWS PHOTO...');
const rowCount = Number(rowsArg);

const engine = await createEngine({ modelDir, device: 'cpu', threads: 1 });
const seeds: Float32Array[] = [];
for await (const item of engine.embedFiles(photos, { pooled: false })) {
  if (!item.ok) throw new Error(`${item.path}: ${item.error}`);
  seeds.push(item.embedding);
}
await engine.close();

const source: FeatureSource = {
  model: engine.provenance,
  pooling: 'none',
  pooled: false,
  rowShape: [engine.tokens, engine.tokenDim],
  expectedRows: rowCount,
  async *rows(): AsyncGenerator<FeatureRow> {
    for (let i = 0; i < rowCount; i++) {
      yield { path: `${photos[i % photos.length]}#${i}`, hash: `sha256:${i}`, values: seeds[i % seeds.length]!.slice() };
    }
  },
};

// Sampled right after a full GC: the rows are garbage once written, and V8 collects ArrayBuffer garbage lazily
// (a saw-tooth of up to ~64 MB here), so without it the sample measures collector timing, not what is held.
const settledRss = (): number => {
  globalThis.gc?.();
  return process.memoryUsage.rss();
};
let baseline = 0;
let peak = 0;
const warmUpRows = Math.min(100, Math.floor(rowCount / 10));
const result = await exportFeatures(
  { source, out },
  {
    onProgress: (p) => {
      if (p.done === warmUpRows) baseline = settledRss();
      if (p.done > warmUpRows && p.done % 250 === 0) peak = Math.max(peak, settledRss());
    },
  },
);
peak = Math.max(peak, settledRss());
process.stdout.write(
  JSON.stringify({ baseline, peak, bytes: result.bytesWritten, rows: result.manifest.rows.length, shape: result.manifest.shape }) + '\n',
);
