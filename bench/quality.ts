// Grouping quality on ../shared/photos (29 originals + 406 variants, truth.json) as a user gets it: scan the
// corpus into a fresh library, calibrate the model on it (`lookalike calibrate`), and score the groups against
// the truth (`lookalike evaluate`): per-transform and per-difficulty recall, group precision and merged
// distinct-but-similar pairs, at the calibrated threshold and over a sweep, plus what the uncalibrated scale gave.
// Models: the generated descriptor model (which sees) and the random-weight tiny ViT (whose cosines crowd near 1,
// so calibration has to move its scale); LOOKALIKE_MODEL=DIR scores a real model folder instead.
// First, a real peer side by side: Debian's findimagedupes (installed from apt when missing) and the `lookalike`
// CLI as a user runs it, in one per-transform recall table with false merges and wall time.
import { existsSync } from 'node:fs';
import { mkdtemp, realpath, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Library, openLibrary } from '../electron/engine/library/index.js';
import { DEFAULT_SEED, GENERATOR_MANIFEST, generateVitModel, type VitPreset } from '../scripts/model-generator/generate.js';
import { runFindimagedupes } from './peers/findimagedupes.js';
import { runLookalikeCli } from './peers/lookalikeCli.js';
import { corpusDir } from './photos.js';
import { readTruth, recallTable, scoreGroups, type TableColumn } from './transformRecall.js';

async function generated(preset: VitPreset): Promise<string> {
  const dir = path.resolve('.cache/models', `${preset}-${DEFAULT_SEED}`);
  if (!existsSync(path.join(dir, GENERATOR_MANIFEST))) await generateVitModel(dir, { preset, seed: DEFAULT_SEED });
  return dir;
}

async function scoreModel(name: string, modelDir: string, corpus: string): Promise<Record<string, unknown>> {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'lookalike-bench-quality-'));
  const library = await openLibrary({ dataDir: tmp, env: {}, engine: { device: 'cpu', modelDir } });
  const control = () => Library.control(new AbortController().signal);
  try {
    const t0 = performance.now();
    await library.scan({ roots: [corpus] }, control());
    const scanS = (performance.now() - t0) / 1000;
    const truth = path.join(corpus, 'truth.json');
    const uncalibrated = await library.evaluate({ truth });
    const t1 = performance.now();
    const c = await library.calibrate({}, control());
    const calibrateS = (performance.now() - t1) / 1000;
    const e = await library.evaluate({ truth });
    return {
      model: name,
      scanSeconds: Math.round(scanS * 10) / 10,
      calibrateSeconds: Math.round(calibrateS * 10) / 10,
      calibration: {
        sample: c.sample,
        cosineThreshold: c.cosineThreshold,
        similarCosine: c.similarCosine,
        uncalibratedThreshold: c.uncalibratedThreshold,
        separated: c.separated,
        edits: { n: c.edits.n, p05: c.edits.p05, median: c.edits.median, byEdit: c.edits.byEdit },
        distinct: { n: c.distinct.n, p95: c.distinct.p95, p99: c.distinct.p99, excludedPairs: c.distinct.excludedPairs },
      },
      calibrated: { threshold: e.threshold, recall: e.recall, recallByDifficulty: e.recallByDifficulty, precision: e.precision, distinctMerged: e.distinctMerged },
      uncalibrated: { threshold: uncalibrated.threshold, recallByDifficulty: uncalibrated.recallByDifficulty, precision: uncalibrated.precision, distinctMerged: uncalibrated.distinctMerged },
      sweep: e.sweep.map((p) => ({ threshold: p.threshold, ...p.recallByDifficulty, precision: p.precision, distinctMerged: p.distinctMerged })),
    };
  } finally {
    await library.close();
    await rm(tmp, { recursive: true, force: true });
  }
}

/**
 * The peer side by side: findimagedupes at -t 90% and `lookalike scan` + `lookalike dupes --json` per model, each
 * scored per transform against truth.json (a copy counts when it shares a group with its original).
 */
async function sideBySide(corpus: string, models: readonly [string, string][]): Promise<Record<string, unknown>> {
  const truth = await readTruth(corpus);
  const files = new Set(truth.groupOf.keys());
  const columns: TableColumn[] = [];
  const notes: string[] = [];
  try {
    const fid = await runFindimagedupes([path.join(corpus, 'originals'), path.join(corpus, 'variants')], files, '90%');
    columns.push({ name: 'findimagedupes (-t 90%)', score: scoreGroups(truth, fid.groups), wallSeconds: fid.wallSeconds });
  } catch (err) {
    notes.push(`findimagedupes skipped: ${(err as Error).message}`);
  }
  for (const [name, dir] of models) {
    const run = await runLookalikeCli(corpus, dir);
    columns.push({ name: `Lookalike, ${name}`, score: scoreGroups(truth, run.groups), wallSeconds: run.wallSeconds });
    const seconds = `scan ${run.scanSeconds.toFixed(1)} s (with its first calibration), dupes ${run.dupesSeconds.toFixed(1)} s`;
    notes.push(`Lookalike, ${name}: ${seconds}; threshold ${run.threshold}; groups by tier ${JSON.stringify(run.tiers)} (similar not scored)`);
  }
  console.log(`\nPer-transform recall on ${corpus} (wall time: scan + dupes, or findimagedupes' whole run):\n`);
  console.log(recallTable(truth.transforms, columns));
  for (const note of notes) console.log(`- ${note}`);
  return { columns: columns.map((c) => ({ name: c.name, wallSeconds: Math.round(c.wallSeconds * 10) / 10, ...c.score })), notes };
}

export async function benchQuality(): Promise<Record<string, unknown>> {
  const found = process.env.LOOKALIKE_PHOTOS ?? corpusDir();
  if (!found || !existsSync(path.join(found, 'truth.json'))) {
    console.log('no corpus (../shared/photos or LOOKALIKE_PHOTOS); skipped');
    return { skipped: true };
  }
  // The CLI reports real paths; truth.json's are joined onto the same.
  const corpus = await realpath(found);
  const models: [string, string][] = process.env.LOOKALIKE_MODEL
    ? [[process.env.LOOKALIKE_MODEL, process.env.LOOKALIKE_MODEL]]
    : [['generated descriptor (sees)', await generated('descriptor')], ['generated tiny ViT (random weights)', await generated('tiny')]];
  const peers = await sideBySide(corpus, models);
  const results = [];
  for (const [name, dir] of models) results.push(await scoreModel(name, dir, corpus));
  const result = { corpus, peers, models: results };
  console.log(JSON.stringify(result, null, 2));
  return result;
}
