// How far the fast preprocessing mode is from the exact one, per intermediate factor, on every file of the
// camera-size set plus the committed full-size fixtures: the DCT scale sharp picked, the CPU time of the fast
// preprocessing (decode included), pixel differences (8-bit units, after the Pillow resize) and the pooled cosine
// with the generated tiny and base ViTs. `npm run bench -- fast-fidelity [--limit N] [--repeat N]`. It chose
// FAST_INTERMEDIATE_FACTOR.
import path from 'node:path';
import { createEngine, type Engine } from '../electron/engine/engine.js';
import { readImageFile } from '../electron/engine/preprocess/decode.js';
import { preprocessImage } from '../electron/engine/preprocess/preprocessImage.js';
import type { ShrinkTuning } from '../electron/engine/preprocess/shrinkOnLoad.js';
import { cosineSimilarity } from '../electron/engine/vectors.js';
import { cachedModelDir } from '../test/helpers/models.js';
import { pixelDiff } from '../test/support/pixelDiff.js';
import { cameraPhotos } from './cameraPhotos.js';
import { repoRoot } from './photos.js';

const FACTORS = [2, 2.5, 3, 4];
const KERNEL: ShrinkTuning['kernel'] = 'linear';
const FIXTURES = ['flow-2800x2700.jpg', 'shell-2800x2700.jpg'].map((f) => path.join(repoRoot, 'test', 'fixtures', 'fullsize', f));
const BATCH = 8;

interface Photo { name: string; group: string; bytes: Buffer }
interface Prepared { tensors: Float32Array[]; cpuMs: number[]; scales: number[] }

const groupOf = (file: string): string => (file.includes('__12mp') ? '12mp' : file.includes('__24mp') ? '24mp' : file.includes('2800x2700') ? 'fixture' : 'wallpaper');

function flagValue(name: string): number | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? Number(process.argv[i + 1]) : undefined;
}

/**
 * Preprocesses every photo every way (exact first), each way back to back on one photo so a shift in the
 * machine's load hits all ways alike, timing each alone (the best CPU time of `repeat`): no model runs in between, so no ORT threads spinning.
 */
async function prepareAll(photos: Photo[], engine: Engine, tunings: (ShrinkTuning | null)[], repeat: number): Promise<Prepared[]> {
  const out: Prepared[] = tunings.map(() => ({ tensors: [], cpuMs: [], scales: [] }));
  const once = (bytes: Buffer, tuning: ShrinkTuning | null) => preprocessImage(bytes, engine.model.processor, tuning ? { mode: 'fast', tuning } : {});
  for (const tuning of tunings) await once(photos[0]!.bytes, tuning); // warm-up: first-call costs out of the numbers
  for (const photo of photos) {
    const best = tunings.map(() => Infinity);
    for (let r = 0; r < repeat; r++) {
      for (const [k, tuning] of tunings.entries()) {
        const cpu0 = process.cpuUsage();
        await once(photo.bytes, tuning);
        const cpu = process.cpuUsage(cpu0);
        best[k] = Math.min(best[k]!, (cpu.user + cpu.system) / 1000);
      }
    }
    for (const [k, tuning] of tunings.entries()) {
      const result = await once(photo.bytes, tuning);
      out[k]!.cpuMs.push(best[k]!);
      out[k]!.tensors.push(result.tensor);
      out[k]!.scales.push('dctScale' in result.decoded ? (result.decoded as { dctScale: number }).dctScale : 1);
    }
  }
  return out;
}

async function embedAll(engine: Engine, tensors: Float32Array[]): Promise<Float32Array[]> {
  const vectors: Float32Array[] = [];
  for (let i = 0; i < tensors.length; i += BATCH) vectors.push(...(await engine.runBatch(tensors.slice(i, i + BATCH))));
  return vectors;
}

/** 1 − cosine, readable where the cosines all round to 1.00000. */
const gap = (cos: number): string => (1 - cos).toExponential(1);
const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;

const ofGroup = <T>(xs: T[], photos: Photo[], group: string): T[] => xs.filter((_, i) => photos[i]!.group === group);

function cpuColumns(cpuMs: number[], photos: Photo[]): Record<string, number> {
  return {
    'cpu ms/img': +mean(cpuMs).toFixed(0), 'cpu 12mp': +mean(ofGroup(cpuMs, photos, '12mp')).toFixed(0),
    'cpu 24mp': +mean(ofGroup(cpuMs, photos, '24mp')).toFixed(0), 'cpu fixture': +mean(ofGroup(cpuMs, photos, 'fixture')).toFixed(0),
  };
}

function scaleCounts(scales: number[]): string {
  const counts = new Map<number, number>();
  for (const s of scales) counts.set(s, (counts.get(s) ?? 0) + 1);
  return [...counts].sort((a, b) => a[0] - b[0]).map(([s, n]) => `1/${s}:${n}`).join(' ');
}

/** One factor's row against exact: DCT scales, pixel differences, pooled cosines; and its worst photo. */
async function compare(run: Prepared & { factor: number }, exact: Prepared, exactVectors: Float32Array[][], engines: Engine[], photos: Photo[]) {
  const diffs = run.tensors.map((t, i) => pixelDiff(t, exact.tensors[i]!));
  const cos = await Promise.all(engines.map(async (e, k) => (await embedAll(e, run.tensors)).map((v, i) => cosineSimilarity(v, exactVectors[k]![i]!))));
  const [tinyCos, baseCos] = cos as [number[], number[]];
  const w = baseCos.indexOf(Math.min(...baseCos));
  const row = {
    factor: run.factor, 'DCT scales': scaleCounts(run.scales),
    'mean |Δpx|': +mean(diffs.map((d) => d.mean)).toFixed(3), 'max |Δpx|': Math.round(Math.max(...diffs.map((d) => d.max))),
    '1-min cos tiny': gap(Math.min(...tinyCos)), '1-mean cos tiny': gap(mean(tinyCos)),
    '1-min cos base': gap(Math.min(...baseCos)), '1-mean cos base': gap(mean(baseCos)),
    ...cpuColumns(run.cpuMs, photos),
  };
  const fixtureDiffs = ofGroup(diffs, photos, 'fixture');
  const worst = {
    factor: run.factor, 'worst (base)': photos[w]!.name, '1-cos base': gap(baseCos[w]!),
    'fixtures 1-min cos tiny': gap(Math.min(...ofGroup(tinyCos, photos, 'fixture'))),
    'fixtures 1-min cos base': gap(Math.min(...ofGroup(baseCos, photos, 'fixture'))),
    'fixtures max mean|Δpx|': +Math.max(...fixtureDiffs.map((d) => d.mean)).toFixed(3),
    'fixtures max |Δpx|': Math.round(Math.max(...fixtureDiffs.map((d) => d.max))),
  };
  return { row, worst };
}

export async function benchFastFidelity(opts: { limit?: number; repeat?: number } = {}): Promise<Record<string, unknown>> {
  const { files: camera } = await cameraPhotos();
  const limit = opts.limit ?? flagValue('limit');
  const repeat = opts.repeat ?? flagValue('repeat') ?? 3;
  const files = [...camera.slice(0, limit ?? camera.length), ...FIXTURES];
  if (camera.length === 0) console.log('no camera-size set here: the committed fixtures only');
  const photos = await Promise.all(files.map(async (f) => ({ name: path.basename(f), group: groupOf(f), bytes: await readImageFile(f) })));
  const engines: Engine[] = [];
  for (const preset of ['tiny', 'base'] as const) engines.push(await createEngine({ modelDir: await cachedModelDir(preset), device: 'cpu' }));
  console.log(`preprocessing ${photos.length} photos ${FACTORS.length + 1} ways, best CPU time of ${repeat}…`);
  const [exact, ...prepared] = await prepareAll(photos, engines[0]!, [null, ...FACTORS.map((factor) => ({ factor, kernel: KERNEL }))], repeat);
  const exactVectors = await Promise.all(engines.map((e) => embedAll(e, exact!.tensors)));
  const rows: Record<string, unknown>[] = [{ factor: 'exact', ...cpuColumns(exact!.cpuMs, photos) }];
  const worst: Record<string, unknown>[] = [];
  for (const [k, run] of prepared.entries()) {
    const compared = await compare({ factor: FACTORS[k]!, ...run }, exact!, exactVectors, engines, photos);
    rows.push(compared.row);
    worst.push(compared.worst);
  }
  await Promise.all(engines.map((e) => e.close()));
  console.log(`${photos.length} photos (${photos.length - FIXTURES.length} camera-size + ${FIXTURES.length} fixtures), kernel ${KERNEL}; cpu: ms per photo`);
  console.table(rows);
  console.table(worst);
  return { photos: photos.length, repeat, rows, worst };
}
