// `lookalike evaluate --truth FILE`: how the library's groups compare with a ground truth (truth.json's format):
// recall per transform and per difficulty, group precision and merged distinct-but-similar pairs, at the
// library's (calibrated) threshold and over a sweep. The quality bench runs this on ../shared/photos.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Evaluation } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand, type CliIO } from '../command.js';
import { libraryParseOptions, parseThreshold, withLibrary } from '../libraryOptions.js';

const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);

export function evaluationJson(e: Evaluation): Record<string, unknown> {
  return {
    threshold: e.threshold,
    recall: e.recall,
    recallByDifficulty: e.recallByDifficulty,
    precision: e.precision,
    distinctMerged: e.distinctMerged,
    distinctPairs: e.distinctPairs,
    unscanned: e.unscanned,
    sweep: e.sweep,
  };
}

function printText(e: Evaluation, io: CliIO): void {
  const lines = [`At threshold ${e.threshold}: precision ${pct(e.precision).trim()}, ${e.distinctMerged} of ${e.distinctPairs} distinct-but-similar pairs merged`, '', 'Recall by transform:'];
  for (const [t, r] of Object.entries(e.recall)) lines.push(`  ${t.padEnd(16)}${pct(r)}`);
  lines.push('Recall by difficulty:');
  for (const [d, r] of Object.entries(e.recallByDifficulty)) lines.push(`  ${d.padEnd(16)}${pct(r)}`);
  lines.push('', 'Sweep:   threshold  easy    hard    precision  distinct merged');
  for (const p of e.sweep) {
    lines.push(`         ${String(p.threshold).padStart(9)}${pct(p.recallByDifficulty['easy'] ?? 1)} ${pct(p.recallByDifficulty['hard'] ?? 1)} ${pct(p.precision)}    ${p.distinctMerged}`);
  }
  if (e.unscanned) lines.push('', `${e.unscanned} files of the truth file are not in the library (counted as misses)`);
  io.stdout.write(lines.join('\n') + '\n');
}

export const command: CliCommand = {
  name: 'evaluate',
  summary: 'Score the library\'s groups against a ground truth file: recall per transform, precision, a threshold sweep',
  usage: 'lookalike evaluate --truth FILE [--data-dir DIR] [--db FILE] [--threshold T] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { ...libraryParseOptions, truth: { type: 'string' }, threshold: { type: 'string' }, json: { type: 'boolean' } } });
    if (!values.truth) throw usageError('say which ground truth to score against: --truth FILE');
    const threshold = parseThreshold(values.threshold);
    return withLibrary(values, io, async (library) => {
      const result = await library.evaluate({ truth: path.resolve(values.truth!), threshold });
      if (values.json) io.stdout.write(JSON.stringify(evaluationJson(result)) + '\n');
      else printText(result, io);
      return ExitCode.ok;
    });
  },
};
