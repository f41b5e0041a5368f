// `lookalike calibrate`: measures where the model in use puts edits of the library's own photos and how close it
// puts different photos, and stores the near-duplicate cut for that model (Library.calibrate). dupes, resolve,
// search and the app then score on that model's calibrated scale.
import { parseArgs } from 'node:util';
import { Library, type CalibrationFigures } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand, type CliIO } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';
import { progressBar } from '../progressBar.js';

const f3 = (x: number) => (Number.isFinite(x) ? x.toFixed(4) : 'n/a');

/** The documented JSON shape, plus the band and whether the model separated the two distributions. */
export function calibrationJson(c: CalibrationFigures): Record<string, unknown> {
  return {
    modelKey: c.modelKey,
    cosineThreshold: c.cosineThreshold,
    threshold: c.threshold,
    edits: { n: c.edits.n, p05: c.edits.p05, median: c.edits.median },
    distinct: { n: c.distinct.n, p95: c.distinct.p95, p99: c.distinct.p99 },
    similarCosine: c.similarCosine,
    uncalibratedThreshold: c.uncalibratedThreshold,
    separated: c.separated,
    sample: c.sample,
  };
}

function printText(c: CalibrationFigures, io: CliIO): void {
  const lines = [
    `Calibrated ${c.modelKey} on ${c.sample} of your photos (${c.edits.n} edits, ${c.distinct.n} nearest different photos):`,
    `  edits          p05 ${f3(c.edits.p05)}  median ${f3(c.edits.median)}  (score ≥ ${c.scores.editsP05})`,
    `  different      p95 ${f3(c.distinct.p95)}  p99 ${f3(c.distinct.p99)}  (score ≤ ${c.scores.distinctP99})`,
    `  near duplicate at cosine ≥ ${f3(c.cosineThreshold)}: threshold ${c.threshold} (was ${c.uncalibratedThreshold} uncalibrated); similar from ${f3(c.similarCosine)}`,
  ];
  for (const [edit, d] of Object.entries(c.edits.byEdit)) lines.push(`    ${edit.padEnd(10)} p05 ${f3(d.p05)}  median ${f3(d.median)}`);
  if (!c.separated) lines.push('  note: this model puts some edits as far apart as different photos; the cut favours keeping different photos apart');
  if (c.unreadable) lines.push(`  ${c.unreadable} sampled photos could not be read`);
  io.stdout.write(lines.join('\n') + '\n');
}

export const command: CliCommand = {
  name: 'calibrate',
  summary: "Measure the model on your own photos and set its near-duplicate threshold (resumes a stopped run)",
  usage: 'lookalike calibrate [--data-dir DIR] [--db FILE] [--sample N] [--model DIR] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { ...libraryParseOptions, sample: { type: 'string' }, json: { type: 'boolean' } } });
    const sample = values.sample === undefined ? undefined : Number(values.sample);
    if (sample !== undefined && (!Number.isInteger(sample) || sample < 2)) throw usageError(`--sample must be a whole number of photos, at least 2, got "${values.sample}"`);
    return withLibrary(values, io, async (library) => {
      library.requireCatalog();
      const bar = progressBar(io.stderr);
      let figures: CalibrationFigures;
      try {
        figures = await library.calibrate({ sample }, Library.control(io.signal, (p) => bar.update(p, 'photos')));
      } finally {
        bar.done();
      }
      if (values.json) io.stdout.write(JSON.stringify(calibrationJson(figures)) + '\n');
      else printText(figures, io);
      return ExitCode.ok;
    });
  },
};
