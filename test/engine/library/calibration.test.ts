// The calibration: its rule on synthetic distributions, the calibrated 0–100 scale, and, on a real catalog of the
// fixture photos, a run stored per model key that survives a reopen, resumes after a cancel with the same
// sample, counts "not a duplicate" decisions as evidence, and starts by itself after the app's first scan.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chooseCut, describe as summarise, histogram, percentile } from '../../../electron/engine/library/calibrationRule.js';
import { chooseSample } from '../../../electron/engine/library/calibrationSample.js';
import { Library, openLibrary, type JobDone } from '../../../electron/engine/library/index.js';
import { calibratedScale, cosineToScore, LINEAR_SCALE, thresholdToCosine, tierCutoffs } from '../../../electron/engine/similarity/threshold.js';
import { createEngineApi } from '../../../electron/engineProcess/api.js';
import { descriptorModelDir, tinyModelDir } from '../../helpers/models.js';
import { fixturesDir } from '../../helpers/photos.js';

/** n values spread evenly over [lo, hi]. */
const spread = (n: number, lo: number, hi: number) => Array.from({ length: n }, (_, i) => lo + ((hi - lo) * i) / (n - 1));

describe('the calibration rule', () => {
  it('puts the cut midway between the distinct p99 and the edits p05 when they are apart', () => {
    const edits = summarise(spread(101, 0.9, 1));
    const distinct = summarise(spread(101, 0.2, 0.7));
    const cut = chooseCut(edits, distinct);
    expect(distinct.p99).toBeCloseTo(0.695, 6);
    expect(edits.p05).toBeCloseTo(0.905, 6);
    expect(cut.near).toBeCloseTo((0.695 + 0.905) / 2, 6);
    expect(cut).toMatchObject({ separated: true, editsPercentile: 'p05' });
    expect(cut.similar).toBeCloseTo(distinct.p90, 6);
  });

  it('keeps different photos apart when the distributions overlap: the cut moves up the edits', () => {
    const edits = summarise(spread(101, 0.8, 1)); // p05 0.81, p10 0.82, p25 0.85, median 0.9
    const distinct = summarise(spread(101, 0.5, 0.83)); // p99 0.8267
    const cut = chooseCut(edits, distinct);
    expect(cut).toMatchObject({ separated: false, editsPercentile: 'p25' });
    expect(cut.near).toBeCloseTo((distinct.p99 + edits.p25) / 2, 6);
    expect(cut.near).toBeGreaterThan(distinct.p99);
    expect(cut.near).toBeLessThan(edits.median);
  });

  it('falls back to the distinct p99 when even the median edit is below it, and to the edits with no distinct pairs', () => {
    const cut = chooseCut(summarise(spread(11, 0.5, 0.9)), summarise(spread(11, 0.85, 0.95)));
    expect(cut).toMatchObject({ separated: false, editsPercentile: null });
    expect(cut.near).toBeCloseTo(percentile(spread(11, 0.85, 0.95), 0.99), 6);
    expect(cut.similar).toBeLessThan(cut.near);
    const alone = chooseCut(summarise([0.97, 0.99, 1]), summarise([]));
    expect(alone.near).toBeCloseTo(percentile([0.97, 0.99, 1], 0.05), 6);
    expect(() => chooseCut(summarise([]), summarise([0.5]))).toThrow(/no edit cosines/);
  });

  it('bins both distributions on one axis', () => {
    const h = histogram([0.95, 0.99, 1], [0.5, 0.6], 10);
    expect(h.from).toBe(0.5);
    expect(h.edits.reduce((a, b) => a + b)).toBe(3);
    expect(h.distinct.reduce((a, b) => a + b)).toBe(2);
    expect(h.edits.at(-1)).toBe(2);
  });
});

describe('the calibrated scale', () => {
  const scale = calibratedScale({ near: 0.8, similar: 0.6 });
  it('puts the calibrated cut at 93 and the similar band at 83, whatever the cosines', () => {
    expect(thresholdToCosine(93, scale)).toBeCloseTo(0.8, 10);
    expect(tierCutoffs(93, scale)).toEqual({ near: expect.closeTo(0.8, 10), similar: expect.closeTo(0.6, 10) });
    expect(cosineToScore(0.8, scale)).toBe(93);
    expect(cosineToScore(1, scale)).toBe(100);
    expect(cosineToScore(0.9, scale)).toBeCloseTo(96.5, 1);
    for (let s = 0; s < 100; s += 7) expect(thresholdToCosine(s + 1, scale)).toBeGreaterThan(thresholdToCosine(s, scale));
  });
  it('leaves the uncalibrated line as it was', () => {
    expect(thresholdToCosine(90, LINEAR_SCALE)).toBeCloseTo(0.95, 10);
    expect(cosineToScore(0.75)).toBe(50);
  });
});

describe('the sample', () => {
  it('takes distinct contents, an even share of each folder, spread over time', () => {
    const files = [
      ...Array.from({ length: 10 }, (_, i) => ({ path: `/a/${i}.jpg`, contentHash: `a${i}`, pixelHash: `pa${i}`, captureTime: i * 1000, mtimeMs: 0 })),
      { path: '/b/1.jpg', contentHash: 'b1', pixelHash: 'pb1', captureTime: null, mtimeMs: 5 },
      { path: '/b/copy.jpg', contentHash: 'b1', pixelHash: 'pb1', captureTime: null, mtimeMs: 5 },
      { path: '/b/same-pixels.png', contentHash: 'b2', pixelHash: 'pb1', captureTime: null, mtimeMs: 5 },
    ];
    const sample = chooseSample(files, 4);
    expect(sample.map((s) => s.contentHash).sort()).toEqual(['a1', 'a5', 'a8', 'b1']);
  });
});

describe('a calibration on the fixture photos', () => {
  let tmp: string;
  let library: Library;
  const open = async (modelDir: string) => openLibrary({ dataDir: path.join(tmp, 'data'), env: {}, engine: { device: 'cpu', threads: 1, modelDir } });

  beforeAll(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-calibration-'));
    library = await open(await descriptorModelDir());
    await library.scan({ roots: [fixturesDir] }, Library.control(new AbortController().signal));
  });
  afterAll(async () => {
    await library.close();
    await rm(tmp, { recursive: true, force: true });
  });

  it('resumes a cancelled run with the same sample, then stores the result per model key', async () => {
    expect(library.getCalibration()).toBeNull();
    const stop = new AbortController();
    let reports = 0;
    const control = Library.control(stop.signal, () => {
      if (++reports === 2) stop.abort();
    });
    await expect(library.calibrate({ sample: 12 }, control)).rejects.toMatchObject({ code: 'cancelled' });
    const key = library.catalog().calibrations.doneKeys();
    expect(key).toEqual([]);
    const partial = new Set(library.catalog().calibrations.edits(library.catalog().embeddings.countsByModel()[0]!.modelKey).map((e) => e.contentHash));
    expect(partial.size).toBeGreaterThan(0);
    expect(partial.size).toBeLessThan(12);

    const figures = await library.calibrate({ sample: 12 }, Library.control(new AbortController().signal));
    expect(figures.sample).toBe(12);
    expect(figures.edits.n).toBe(12 * 7);
    const measured = new Set(library.catalog().calibrations.edits(figures.modelKey).map((e) => e.contentHash));
    for (const hash of partial) expect(measured.has(hash)).toBe(true);
    expect(figures.cosineThreshold).toBeGreaterThan(figures.distinct.p99);
    expect(library.getCalibration()).toEqual(figures);

    // Per model key: a reopened library has it; another model's vectors have none.
    await library.close();
    library = await open(await descriptorModelDir());
    expect(library.getCalibration()).toEqual(figures);
    const tiny = await open(await tinyModelDir());
    try {
      await tiny.scan({ roots: [fixturesDir] }, Library.control(new AbortController().signal));
      expect(tiny.getCalibration()).toBeNull();
    } finally {
      await tiny.close();
    }
  });

  it('counts "not a duplicate" decisions among the different photos it measures', async () => {
    const [a, b] = ['originals/skimage_motorcycle_left.jpg', 'originals/skimage_motorcycle_right.jpg'].map((p) => path.join(fixturesDir, p));
    library.resolution.markNotDuplicate([a!, b!]);
    const figures = await library.calibrate({ sample: 12 }, Library.control(new AbortController().signal));
    expect(figures.distinct.notDuplicates).toBe(1);
  });

  it('calibrates a model after the app\'s first scan with it, as a job of its own', async () => {
    const events: JobDone[] = [];
    const appLibrary = await openLibrary({
      dataDir: path.join(tmp, 'app'),
      env: {},
      engine: { device: 'cpu', threads: 1, modelDir: await descriptorModelDir() },
      onEvent: (e) => e.type === 'jobDone' && events.push(e.done),
    });
    try {
      const api = createEngineApi(appLibrary);
      await api.addRoot({ path: path.join(fixturesDir, 'originals'), reference: false });
      await api.startScan();
      await expect.poll(() => events.map((e) => e.kind), { timeout: 60_000 }).toEqual(['scan', 'calibrate']);
      expect(events[1]).toMatchObject({ ok: true });
      const stored = await api.getCalibration();
      expect(stored).toMatchObject({ sample: 6, threshold: 93 });
    } finally {
      await appLibrary.close();
    }
  });
});
