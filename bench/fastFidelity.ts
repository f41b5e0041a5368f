// How far the fast preprocessing mode is from the exact one, per intermediate factor and reduce kernel, on the
// camera-size set: pixel differences (8-bit units, after the Pillow resize) and the pooled cosine with the
// generated tiny and base ViTs. `npm run bench -- fast-fidelity`. It chose FAST_INTERMEDIATE_FACTOR.
import { createEngine } from '../electron/engine/engine.js';
import { readImageFile } from '../electron/engine/preprocess/decode.js';
import { preprocessImage } from '../electron/engine/preprocess/preprocessImage.js';
import type { ShrinkTuning } from '../electron/engine/preprocess/shrinkOnLoad.js';
import { cachedModelDir } from '../test/helpers/models.js';
import { cameraPhotos } from './cameraPhotos.js';
import { pixelDiff } from '../test/support/pixelDiff.js';
import { cosineSimilarity } from '../electron/engine/vectors.js';

const TUNINGS: ShrinkTuning[] = [
  { factor: 2, kernel: 'linear' }, { factor: 3, kernel: 'linear' }, { factor: 4, kernel: 'linear' },
  { factor: 4, kernel: 'lanczos3' },
];



export async function benchFastFidelity(opts: { limit?: number } = {}): Promise<Record<string, unknown>> {
  const { files: all } = await cameraPhotos();
  const files = all.slice(0, opts.limit ?? 6);
  if (files.length === 0) return { skipped: 'no camera-size set' };
  const engines = await Promise.all((['tiny', 'base'] as const).map(async (p) => createEngine({ modelDir: await cachedModelDir(p), device: 'cpu' })));
  const rows: Record<string, unknown>[] = [];
  const bytes = await Promise.all(files.map((f) => readImageFile(f)));
  const exact = await Promise.all(bytes.map((b) => preprocessImage(b, engines[0]!.model.processor)));
  const exactVectors = await Promise.all(engines.map((e) => Promise.all(exact.map(async (x) => (await e.runBatch([x.tensor]))[0]!))));
  for (const tuning of TUNINGS) {
    const stats = { meanPx: 0, maxPx: 0, minCosTiny: 1, minCosBase: 1, cpuMs: 0 };
    for (let i = 0; i < files.length; i++) {
      const cpu0 = process.cpuUsage();
      const fast = await preprocessImage(bytes[i]!, engines[0]!.model.processor, { mode: 'fast', tuning });
      const cpu = process.cpuUsage(cpu0);
      stats.cpuMs += (cpu.user + cpu.system) / 1000 / files.length;
      const d = pixelDiff(fast.tensor, exact[i]!.tensor);
      stats.meanPx += d.mean / files.length;
      stats.maxPx = Math.max(stats.maxPx, d.max);
      for (const [k, e] of engines.entries()) {
        const c = cosineSimilarity((await e.runBatch([fast.tensor]))[0]!, exactVectors[k]![i]!);
        if (k === 0) stats.minCosTiny = Math.min(stats.minCosTiny, c);
        else stats.minCosBase = Math.min(stats.minCosBase, c);
      }
    }
    rows.push({ factor: tuning.factor, kernel: tuning.kernel, 'mean |Δpx|': +stats.meanPx.toFixed(3), 'max |Δpx|': +stats.maxPx.toFixed(1),
      'min cos tiny': +stats.minCosTiny.toFixed(5), 'min cos base': +stats.minCosBase.toFixed(5), 'cpu ms/img': +stats.cpuMs.toFixed(0) });
  }
  await Promise.all(engines.map((e) => e.close()));
  console.table(rows);
  return { photos: files.length, rows };
}
