// `lookalike scan <folders…>`: brings the library up to date with the folders (the same Library.scan the app
// runs). With no folders, picks up the last interrupted scan, else rescans every library folder.
import { parseArgs } from 'node:util';
import type { ScanOutcome } from '../../engine/library/index.js';
import { Library } from '../../engine/library/index.js';
import { ExitCode, type CliCommand } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';
import { progressBar } from '../progressBar.js';

/** The --json contract. */
export interface ScanJson {
  found: number;
  new: number;
  changed: number;
  unchanged: number;
  embedded: number;
  failed: { path: string; reason: string }[];
}

export const toScanJson = (s: ScanOutcome): ScanJson => ({
  found: s.found,
  new: s.new,
  changed: s.changed,
  unchanged: s.unchanged,
  embedded: s.embedded,
  failed: s.failed.map((f) => ({ path: f.path, reason: f.reason })),
});

function summaryText(s: ScanOutcome, db: string): string {
  const lines = [
    `${s.found} found: ${s.new} new, ${s.changed} changed, ${s.unchanged} unchanged; ${s.embedded} embedded` +
      `${s.missing ? `; ${s.missing} gone (marked missing)` : ''} in ${(s.durationMs / 1000).toFixed(1)} s`,
    ...s.unreadableFolders.map((u) => `cannot list ${u.path}: ${u.reason}`),
    ...s.failed.map((f) => `failed: ${f.path}: ${f.reason}`),
    `catalog: ${db}`,
  ];
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  name: 'scan',
  summary: 'Catalog and embed the photos in folders (incremental; resumes an interrupted scan)',
  usage: 'lookalike scan [folders…] [--reference DIR]… [--data-dir DIR] [--db FILE] [--model DIR] [--exclude GLOB]… [--include GLOB]… [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...libraryParseOptions,
        reference: { type: 'string', multiple: true },
        exclude: { type: 'string', multiple: true },
        include: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
    });
    return withLibrary(values, io, async (library) => {
      const bar = progressBar(io.stderr);
      let summary: ScanOutcome;
      try {
        const req = { roots: positionals, referenceRoots: values.reference ?? [], include: values.include ?? [], exclude: values.exclude ?? [] };
        summary = await library.scan(req, Library.control(io.signal, (p) => bar.update(p, 'files')));
      } finally {
        bar.done();
      }
      io.stdout.write(values.json ? `${JSON.stringify(toScanJson(summary))}\n` : summaryText(summary, library.paths.catalog));
      if (summary.cancelled) {
        io.stderr.write('lookalike scan: cancelled; finished files are kept, run `lookalike scan` again to resume\n');
        return ExitCode.someFailed;
      }
      return summary.failed.length > 0 ? ExitCode.someFailed : ExitCode.ok;
    });
  },
};
