// How far the fast preprocessing mode is from the exact one, per intermediate factor and reduce kernel, on the
// camera-size set: pixel differences (8-bit units, after the Pillow resize) and the pooled cosine with the
// generated tiny and base ViTs. `npm run bench -- fast-fidelity`. It chose FAST_INTERMEDIATE_FACTOR.
import { createEngine } from '../electron/engine/engine.js';
import { readImageFile } from '../electron/engine/preprocess/decode.js';
import { preprocessImage } from '../electron/engine/preprocess/preprocessImage.js';
import type { ShrinkTuning } from '../electron/engine/preprocess/shrinkOnLoad.js';
import { cachedModelDir } from '../test/helpers/models.js';
import { cameraPhotos } from './cameraPhotos.js';

const TUNINGS: ShrinkTuning[] = [
  { factor: 2, kernel: 'linear' }, { factor: 3, kernel: 'linear' }, { factor: 4, kernel: 'linear' },
  { factor: 4, kernel: 'lanczos3' },
];

function cosine(a: Float32Array, b: Float32Array): number {
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

/** Mean and max |difference| of two tensors in 8-bit steps (the tensors are (v/255 - 0.5)/0.5). */
function pixelDiff(a: Float32Array, b: Float32Array): { mean: number; max: number } {
  let sum = 0, max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!) * 127.5;
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

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
        const c = cosine((await e.runBatch([fast.tensor]))[0]!, exactVectors[k]![i]!);
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
