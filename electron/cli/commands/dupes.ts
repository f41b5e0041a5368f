import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { Catalog, defaultCatalogPath } from '../../engine/catalog/index.js';
import { openDuplicateFinder, type DuplicateFinder } from '../../engine/similarity/duplicateFinder.js';
import { reportToCsv, reportToJson } from '../../engine/similarity/exportResults.js';
import { LibraryError } from '../../engine/similarity/library.js';
import type { DuplicateReport } from '../../engine/similarity/report.js';
import { DEFAULT_THRESHOLD } from '../../engine/similarity/threshold.js';
import { ExitCode, UsageError, type CliCommand, type CliIO } from '../command.js';

/** Opens the catalog named by --db (or the default one); it must exist: these commands never create one. */
export function openCatalogArg(db: string | undefined, io: CliIO): Catalog {
  const file = db ?? defaultCatalogPath(io.env);
  if (!existsSync(file)) throw new UsageError(`no catalog at ${file}: run \`lookalike scan\` first, or pass --db FILE`);
  try {
    return Catalog.open(file);
  } catch (err) {
    throw new UsageError(`cannot open the catalog ${file}: ${(err as Error).message}`);
  }
}

export function parseThreshold(value: string | undefined): number {
  if (value === undefined) return DEFAULT_THRESHOLD;
  const t = Number(value);
  if (value.trim() === '' || !Number.isFinite(t) || t < 0 || t > 100) throw new UsageError(`--threshold must be a number from 0 to 100, got "${value}"`);
  return t;
}

/** The finder, with catalog problems (no embeddings, unknown model) turned into usage errors. */
export function openFinder(catalog: Catalog, io: CliIO, modelKey?: string): DuplicateFinder {
  try {
    const finder = openDuplicateFinder(catalog, { modelKey, signal: io.signal });
    const n = finder.neighbors;
    io.stderr.write(`lookalike: ${finder.files.length} files, ${finder.embeddings.matrix.rows} vectors; neighbours ${n.source === 'stored' ? 'loaded' : `searched (${n.source})`} in ${Math.round(n.ms)} ms\n`);
    return finder;
  } catch (err) {
    if (err instanceof LibraryError) throw new UsageError(err.message);
    throw err;
  }
}

function printText(report: DuplicateReport, io: CliIO): void {
  const lines: string[] = [];
  report.groups.forEach((g, i) => {
    lines.push(`Group ${i + 1} (${g.tier}, ${g.members.length} files)`);
    for (const m of g.members) {
      const mark = m.isKeeper ? 'keep ' : m.isReference ? 'ref  ' : '     ';
      lines.push(`  ${mark}${m.score.toFixed(1).padStart(5)}  ${m.tier.padEnd(14)} ${m.path}`);
      if (m.reasons.length) lines.push(`         ${m.reasons.filter((r) => r !== 'keep').join('; ')}`);
    }
  });
  lines.push(`${report.groups.length} groups at threshold ${report.threshold}`);
  io.stdout.write(lines.join('\n') + '\n');
}

export const command: CliCommand = {
  name: 'dupes',
  summary: 'List duplicate and look-alike groups from the catalog, with the suggested keeper and why',
  usage: 'lookalike dupes [--db FILE] [--threshold 0-100] [--no-similar] [--model-key KEY] [--export FILE.csv|FILE.json] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        threshold: { type: 'string' },
        'no-similar': { type: 'boolean' },
        'model-key': { type: 'string' },
        export: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    const threshold = parseThreshold(values.threshold);
    if (values.export !== undefined && !/\.(csv|json)$/i.test(values.export)) throw new UsageError('--export must name a .csv or .json file');
    const catalog = openCatalogArg(values.db, io);
    try {
      const finder = openFinder(catalog, io, values['model-key']);
      const report = finder.report(threshold, { includeSimilar: !values['no-similar'] });
      if (values.export !== undefined) {
        await writeFile(values.export, values.export.toLowerCase().endsWith('.csv') ? reportToCsv(report) : reportToJson(report));
        io.stderr.write(`lookalike: wrote ${values.export}\n`);
      }
      if (values.json) io.stdout.write(JSON.stringify(report) + '\n');
      else printText(report, io);
      return ExitCode.ok;
    } finally {
      catalog.close();
    }
  },
};
