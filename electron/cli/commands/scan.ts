// `lookalike scan <folders…>`: brings the library up to date with the folders (the same Library.scan the app
// runs). With no folders, picks up the last interrupted scan, else rescans every library folder.
import { parseArgs } from 'node:util';
import type { EngineStatus, ScanOutcome } from '../../engine/library/index.js';
import type { ModelDtype, ResolvedDevice } from '../../shared/values.js';
import { Library } from '../../engine/library/index.js';
import { ExitCode, type CliCommand, type CliIO } from '../command.js';
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
  /** The model, precision and provider the scan embedded with (null when the engine did not load). */
  model: { id: string | null; dtype: ModelDtype | null; device: ResolvedDevice | null } | null;
}

const engineInUse = (e: EngineStatus): ScanJson['model'] => (e.engineState === 'ready' ? { id: e.modelId, dtype: e.dtype, device: e.device } : null);

export const toScanJson = (s: ScanOutcome, engine: EngineStatus): ScanJson => ({
  found: s.found,
  new: s.new,
  changed: s.changed,
  unchanged: s.unchanged,
  embedded: s.embedded,
  failed: s.failed.map((f) => ({ path: f.path, reason: f.reason })),
  model: engineInUse(engine),
});

function summaryText(s: ScanOutcome, db: string, engine: EngineStatus): string {
  const model = engineInUse(engine);
  const lines = [
    `${s.found} found: ${s.new} new, ${s.changed} changed, ${s.unchanged} unchanged; ${s.embedded} embedded` +
      `${s.missing ? `; ${s.missing} gone (marked missing)` : ''} in ${(s.durationMs / 1000).toFixed(1)} s`,
    ...s.unreadableFolders.map((u) => `cannot list ${u.path}: ${u.reason}`),
    ...s.failed.map((f) => `failed: ${f.path}: ${f.reason}`),
    ...(model ? [`model: ${model.id ?? 'unnamed'} (${model.dtype}) on ${model.device}`] : []),
    `catalog: ${db}`,
  ];
  return lines.join('\n') + '\n';
}

/** As the app does: the first scan with a model calibrates it, so `dupes` scores on that model's own scale. */
async function calibrateOnce(library: Library, io: CliIO): Promise<void> {
  if (library.getCalibration() !== null) return;
  const bar = progressBar(io.stderr);
  try {
    const c = await library.calibrate({}, Library.control(io.signal, (p) => bar.update(p, 'photos')));
    io.stderr.write(`lookalike scan: calibrated on ${c.sample} of your photos: near-duplicate at cosine ≥ ${c.cosineThreshold.toFixed(4)} (threshold ${c.threshold})${c.perceptual ? `, near-identical within ${c.perceptual.distance} fingerprint bits` : ''}; \`lookalike calibrate\` re-runs it\n`);
  } catch (err) {
    // The scan itself succeeded: a calibration that cannot run (too few photos, Ctrl-C) is said, not fatal.
    io.stderr.write(`lookalike scan: not calibrated (${(err as Error).message}); run \`lookalike calibrate\` later\n`);
  } finally {
    bar.done();
  }
}

export const command: CliCommand = {
  name: 'scan',
  summary: 'Catalog and embed the photos in folders (incremental; resumes an interrupted scan)',
  usage: 'lookalike scan [folders…] [--reference DIR]… [--data-dir DIR] [--db FILE] [--model DIR] [--exclude GLOB]… [--include GLOB]… [--no-calibrate] [--json]',
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
        'no-calibrate': { type: 'boolean' },
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
      const engine = library.session.status();
      io.stdout.write(values.json ? `${JSON.stringify(toScanJson(summary, engine))}\n` : summaryText(summary, library.paths.catalog, engine));
      if (summary.cancelled) {
        io.stderr.write('lookalike scan: cancelled; finished files are kept, run `lookalike scan` again to resume\n');
        return ExitCode.someFailed;
      }
      if (!values['no-calibrate']) await calibrateOnce(library, io);
      return summary.failed.length > 0 ? ExitCode.someFailed : ExitCode.ok;
    });
  },
};
