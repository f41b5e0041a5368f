// `lookalike scan <folders…>`: brings the catalog up to date with the folders (the same scanLibrary the app runs).
// With no folders, picks up the last interrupted scan.
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Catalog, defaultCatalogPath } from '../../engine/catalog/index.js';
import { scanLibrary, ScanError, type ScanSummary, type StoredScanParams } from '../../engine/scan/index.js';
import { ExitCode, UsageError, type CliCommand, type CliIO } from '../command.js';
import { engineParseOptions, openEngine } from '../engineOptions.js';
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

export const toScanJson = (s: ScanSummary): ScanJson => ({
  found: s.found,
  new: s.new,
  changed: s.changed,
  unchanged: s.unchanged,
  embedded: s.embedded,
  failed: s.failed.map((f) => ({ path: f.path, reason: f.reason })),
});

function checkFolders(folders: string[]): string[] {
  return folders.map((f) => {
    const abs = path.resolve(f);
    const st = statSync(abs, { throwIfNoEntry: false });
    if (!st) throw new UsageError(`folder not found: ${f}`);
    if (!st.isDirectory()) throw new UsageError(`not a folder: ${f}`);
    return abs;
  });
}

function summaryText(s: ScanSummary, db: string): string {
  const lines = [
    `${s.found} found: ${s.new} new, ${s.changed} changed, ${s.unchanged} unchanged; ${s.embedded} embedded` +
      `${s.missing ? `; ${s.missing} gone (marked missing)` : ''} in ${(s.durationMs / 1000).toFixed(1)} s`,
    ...s.unreadableFolders.map((u) => `cannot list ${u.path}: ${u.reason}`),
    ...s.failed.map((f) => `failed: ${f.path}: ${f.reason}`),
    `catalog: ${db}`,
  ];
  return lines.join('\n') + '\n';
}

interface Plan {
  roots: string[];
  include: string[];
  exclude: string[];
  skipHidden: boolean;
}

/** Folders from the command line, else the roots and filters of the last interrupted scan. */
function planScan(positionals: string[], include: string[], exclude: string[], db: string, io: CliIO): Plan {
  if (positionals.length > 0) return { roots: checkFolders(positionals), include, exclude, skipHidden: true };
  if (existsSync(db)) {
    const catalog = Catalog.open(db);
    try {
      const interrupted = catalog.scans.interrupted<StoredScanParams>();
      if (interrupted) {
        io.stderr.write(`lookalike scan: resuming the scan interrupted at ${new Date(interrupted.heartbeatAt).toISOString()}\n`);
        const p = interrupted.params;
        return { roots: checkFolders(p.roots), include: p.include, exclude: p.exclude, skipHidden: p.skipHidden };
      }
    } finally {
      catalog.close();
    }
  }
  throw new UsageError('scan needs at least one folder (there is no interrupted scan to resume)');
}

export const command: CliCommand = {
  name: 'scan',
  summary: 'Catalog and embed the photos in folders (incremental; resumes an interrupted scan)',
  usage: 'lookalike scan <folders…> [--db FILE] [--model DIR] [--exclude GLOB]… [--include GLOB]… [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...engineParseOptions,
        db: { type: 'string' },
        exclude: { type: 'string', multiple: true },
        include: { type: 'string', multiple: true },
        json: { type: 'boolean' },
      },
    });
    const db = path.resolve(values.db ?? defaultCatalogPath(io.env));
    const plan = planScan(positionals, values.include ?? [], values.exclude ?? [], db, io);
    const engine = await openEngine(values, io);
    let catalog: Catalog | null = null;
    const bar = progressBar(io.stderr);
    let summary: ScanSummary;
    try {
      catalog = Catalog.open(db);
      summary = await scanLibrary(
        { catalog, engine, ...plan, batchSize: engine.batchSize },
        { signal: io.signal, onProgress: (p) => bar.update(p, 'files') },
      );
    } catch (err) {
      if (err instanceof ScanError) throw new UsageError(err.message);
      throw err;
    } finally {
      bar.done();
      catalog?.close();
      await engine.close();
    }
    io.stdout.write(values.json ? `${JSON.stringify(toScanJson(summary))}\n` : summaryText(summary, db));
    if (summary.cancelled) {
      io.stderr.write('lookalike scan: cancelled; finished files are kept, run `lookalike scan` again to resume\n');
      return ExitCode.someFailed;
    }
    return summary.failed.length > 0 ? ExitCode.someFailed : ExitCode.ok;
  },
};
