// Calibration of one model on the user's own photos: sample up to ~200 distinct photos, embed synthetic edits of
// each (calibrationEdits.ts), measure edit cosines and nearest-different-photo cosines (calibrationSample.ts),
// choose the cuts (calibrationRule.ts) and store them with the figures behind them, per model key. A run writes
// each photo's edit cosines as it goes, so a cancelled or killed run resumes with the same sample.
import type { Catalog, EditCosine } from '../catalog/index.js';
import type { Engine } from '../engine.js';
import { LookalikeError } from '../errors.js';
import { ProgressMeter } from '../pipeline/progress.js';
import { isUnder } from '../similarity/keepBest.js';
import { calibratedScale, cosineToScore, LINEAR_SCALE, type ScoreScale } from '../similarity/threshold.js';
import { DEFAULT_THRESHOLD } from '../../shared/values.js';
import { parseTakenAt } from './catalogView.js';
import { calibrationEdits, makeEdits } from './calibrationEdits.js';
import { choosePerceptualDistance, distinctHammings, FINGERPRINT_EDITS, storedPrint, type PerceptualCalibration } from './calibrationPerceptual.js';
import { hammingDistance, perceptualPrint } from '../similarity/perceptualHash.js';
import { chooseCut, describe, histogram, type Distribution, type Histogram } from './calibrationRule.js';
import { chooseSample, distinctNeighbours, thumbViews, type SampleCandidate, type SampledPhoto } from './calibrationSample.js';
import type { JobControl } from './jobs.js';

export const DEFAULT_CALIBRATION_SAMPLE = 200;

export interface CalibrationFigures {
  modelKey: string;
  /** Near-duplicate cosine: what score `threshold` stands for on this model's scale. */
  cosineThreshold: number;
  /** Cosine where the `similar` band starts (score threshold − 10). */
  similarCosine: number;
  /** The near-duplicate threshold on the calibrated 0–100 scale (the default threshold, by construction). */
  threshold: number;
  /** Where that cosine sat on the uncalibrated scale: how far calibration moved this model's threshold. */
  uncalibratedThreshold: number;
  /** Edits' p05 above the distinct p99: the model tells the two apart. */
  separated: boolean;
  /** Photos measured. */
  sample: number;
  /** Photos that could not be read for their edits. */
  unreadable: number;
  edits: Distribution & { byEdit: Record<string, { n: number; p05: number; median: number }> };
  distinct: Distribution & { excludedPairs: number; notDuplicates: number };
  histogram: Histogram;
  /**
   * The near-identical tier's Hamming distance and the fingerprint distances behind it (calibrationPerceptual.ts).
   * Absent in calibrations stored before the tier; edits measured by an earlier, stopped run are not in it.
   */
  perceptual?: PerceptualCalibration;
  /** The same cuts as scores on the calibrated scale, for "edits score ≥ X, different photos ≤ Y". */
  scores: { editsP05: number; distinctP99: number };
  at: number;
}

interface RunParams {
  size: number;
  hashes: string[];
}

export interface CalibrationDeps {
  catalog: Catalog;
  engine: Engine;
  modelKey: string;
}

/** The stored calibration of a model, or null when it has none finished. */
export function calibrationOf(catalog: Catalog, modelKey: string): CalibrationFigures | null {
  const rec = catalog.calibrations.get<RunParams, CalibrationFigures>(modelKey);
  return rec?.state === 'done' ? rec.result : null;
}

/** The 0–100 scale of a model: its calibration's, else the uncalibrated line. */
export function scaleOf(catalog: Catalog, modelKey: string): ScoreScale {
  const c = calibrationOf(catalog, modelKey);
  return c ? calibratedScale({ near: c.cosineThreshold, similar: c.similarCosine }) : LINEAR_SCALE;
}

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (let i = 0; i < v.length; i++) n += v[i]! * v[i]!;
  const s = n > 0 ? 1 / Math.sqrt(n) : 0;
  return v.map((x) => x * s);
}

const dot = (a: Float32Array, b: Float32Array): number => a.reduce((s, x, i) => s + x * b[i]!, 0);

/** Ok files under the library's folders that have a vector of this model. */
function candidates(catalog: Catalog, modelKey: string): SampleCandidate[] {
  const roots = catalog.roots.list().map((r) => r.path);
  const out: SampleCandidate[] = [];
  for (const f of catalog.files.withStatus('ok')) {
    if (!f.contentHash || !roots.some((r) => isUnder(f.path, r))) continue;
    out.push({ path: f.path, contentHash: f.contentHash, pixelHash: f.pixelHash, captureTime: parseTakenAt(f.takenAt), mtimeMs: f.mtimeMs });
  }
  return out.filter((c) => catalog.embeddings.get(c.contentHash, modelKey) !== null);
}

/** The sample of the run: the interrupted run's when there is one of this size, else a new one. */
function planRun(catalog: Catalog, modelKey: string, size: number): SampleCandidate[] {
  const all = candidates(catalog, modelKey);
  if (all.length === 0) throw new LookalikeError('unavailable', `no photos with vectors of model ${modelKey} yet: scan a folder first (\`lookalike scan <folder>\`)`);
  const rec = catalog.calibrations.get<RunParams, CalibrationFigures>(modelKey);
  if (rec?.state === 'running' && rec.params.size === size) {
    const byHash = new Map(all.map((c) => [c.contentHash, c]));
    const kept = rec.params.hashes.map((h) => byHash.get(h)).filter((c): c is SampleCandidate => c !== undefined);
    if (kept.length === rec.params.hashes.length) return kept;
  }
  const sample = chooseSample(all, size);
  catalog.transaction(() => catalog.calibrations.begin(modelKey, { size, hashes: sample.map((s) => s.contentHash) } satisfies RunParams));
  return sample;
}

/** One photo's edit cosines and fingerprint distances, or null when the photo cannot be read. */
async function measurePhoto(deps: CalibrationDeps, photo: SampleCandidate): Promise<{ rows: EditCosine[]; hammings: number[] } | null> {
  const { catalog, engine, modelKey } = deps;
  try {
    const original = unit(catalog.embeddings.get(photo.contentHash, modelKey)!.vector);
    const originalPrint = storedPrint(catalog.files.get(photo.path));
    const edits = await makeEdits(photo.path);
    const prepared = await Promise.all(edits.map((e) => engine.prepare(e.bytes, `${photo.path} (${e.edit})`)));
    const vectors = await engine.runBatch(prepared.map((p) => p.tensor), { pooled: true });
    // The same decoded edits give the fingerprint's distances: no second decode.
    const hammings = originalPrint ? edits.flatMap((e, i) => (FINGERPRINT_EDITS.has(e.edit) ? [hammingDistance(originalPrint, perceptualPrint(prepared[i]!.pixelThumb))] : [])) : [];
    return { rows: edits.map((e, i) => ({ contentHash: photo.contentHash, edit: e.edit, cosine: dot(original, unit(vectors[i]!)) })), hammings };
  } catch {
    return null;
  }
}

/** Photos in flight at once: sharp's encoding of one overlaps the model run of another. */
const IN_FLIGHT = 3;

/** Embeds the edits of every sampled photo not measured yet; returns how many could not be read. */
async function measureEdits(deps: CalibrationDeps, sample: readonly SampleCandidate[], control: JobControl, hammings: number[]): Promise<number> {
  const { catalog, modelKey } = deps;
  const measured = new Set(catalog.calibrations.edits(modelKey).map((e) => e.contentHash));
  const meter = new ProgressMeter(sample.length);
  let unreadable = 0;
  for (let i = 0; i < sample.length; i += IN_FLIGHT) {
    if (control.signal.aborted) throw new LookalikeError('cancelled', 'calibration cancelled; run it again to continue where it stopped');
    await control.pause?.wait(control.signal);
    const batch = sample.slice(i, i + IN_FLIGHT);
    const results = await Promise.all(batch.map((p) => (measured.has(p.contentHash) ? Promise.resolve({ rows: [], hammings: [] }) : measurePhoto(deps, p))));
    // Each photo's rows commit together, so a run stopped here resumes after the last whole photo.
    catalog.transaction(() => results.forEach((r) => r && catalog.calibrations.addEdits(modelKey, r.rows)));
    for (const r of results) hammings.push(...(r?.hammings ?? []));
    for (const rows of results) {
      if (rows) meter.succeed();
      else {
        unreadable++;
        meter.fail();
      }
    }
    control.onProgress({ ...meter.snapshot(batch.at(-1)!.path), phase: 'calibrating' });
  }
  return unreadable;
}

function distinctCosines(catalog: Catalog, modelKey: string, sample: readonly SampleCandidate[]): { cosines: number[]; hammings: number[]; excludedPairs: number; notDuplicates: number } {
  const photos: (SampledPhoto & { print: Uint8Array | null })[] = sample.map((s) => {
    const row = catalog.files.get(s.path);
    const thumb = row?.pixelThumb ?? null;
    return { ...s, vector: unit(catalog.embeddings.get(s.contentHash, modelKey)!.vector), views: thumb ? thumbViews(thumb) : null, print: storedPrint(row) };
  });
  const { cosines, excludedPairs } = distinctNeighbours(photos);
  const hammings = distinctHammings(photos);
  // A "not a duplicate" decision is a pair a person saw and called different: evidence of how close different
  // photos of this library come, however near the model puts them.
  let notDuplicates = 0;
  for (const key of catalog.notDuplicates.allPairs()) {
    const [a, b] = key.split('|') as [string, string];
    const va = catalog.embeddings.get(a, modelKey);
    const vb = catalog.embeddings.get(b, modelKey);
    if (!va || !vb) continue;
    cosines.push(dot(unit(va.vector), unit(vb.vector)));
    notDuplicates++;
  }
  return { cosines, hammings, excludedPairs, notDuplicates };
}

function byEdit(rows: readonly { edit: string; cosine: number }[]): CalibrationFigures['edits']['byEdit'] {
  const out: CalibrationFigures['edits']['byEdit'] = {};
  for (const kind of calibrationEdits) {
    const d = describe(rows.filter((r) => r.edit === kind).map((r) => r.cosine));
    out[kind] = { n: d.n, p05: d.p05, median: d.median };
  }
  return out;
}

/** Runs (or resumes) the calibration of the engine's model and stores it; the figures are what it stored. */
export async function runCalibration(deps: CalibrationDeps, req: { sample?: number }, control: JobControl): Promise<CalibrationFigures> {
  const { catalog, modelKey } = deps;
  const size = req.sample ?? DEFAULT_CALIBRATION_SAMPLE;
  if (!Number.isInteger(size) || size < 2) throw new LookalikeError('invalid-request', `the sample must be a whole number of photos, at least 2, got ${size}`);
  const sample = planRun(catalog, modelKey, size);
  const editHammings: number[] = [];
  const unreadable = await measureEdits(deps, sample, control, editHammings);
  const inSample = new Set(sample.map((s) => s.contentHash));
  const editRows = catalog.calibrations.edits(modelKey).filter((e) => inSample.has(e.contentHash));
  if (editRows.length === 0) throw new LookalikeError('failed', 'none of the sampled photos could be read to make edits of them');
  const distinct = distinctCosines(catalog, modelKey, sample);
  const edits = describe(editRows.map((e) => e.cosine));
  const dist = describe(distinct.cosines);
  const cut = chooseCut(edits, dist);
  const scale = calibratedScale(cut);
  const figures: CalibrationFigures = {
    modelKey,
    cosineThreshold: cut.near,
    similarCosine: cut.similar,
    threshold: DEFAULT_THRESHOLD,
    uncalibratedThreshold: cosineToScore(cut.near),
    separated: cut.separated,
    sample: sample.length - unreadable,
    unreadable,
    edits: { ...edits, byEdit: byEdit(editRows) },
    distinct: { ...dist, excludedPairs: distinct.excludedPairs, notDuplicates: distinct.notDuplicates },
    histogram: histogram(editRows.map((e) => e.cosine), distinct.cosines),
    perceptual: choosePerceptualDistance(editHammings, distinct.hammings),
    scores: { editsP05: cosineToScore(edits.p05, scale), distinctP99: dist.n ? cosineToScore(dist.p99, scale) : 0 },
    at: Date.now(),
  };
  catalog.transaction(() => catalog.calibrations.finish(modelKey, figures));
  return figures;
}
