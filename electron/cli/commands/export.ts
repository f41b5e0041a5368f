import { parseArgs } from 'node:util';
import { estimateExportBytes, formatFromPath } from '../../engine/export/formats.js';
import { exportFeatures, exportMetadata } from '../../engine/export/exportFeatures.js';
import { Catalog } from '../../engine/catalog/index.js';
import { catalogFeatureLookup, catalogFeatureReader } from '../../engine/export/catalogFeatures.js';
import { catalogFeatureSource, fileFeatureSource } from '../../engine/export/sources.js';
import { ExportError, exportDtypes, type ExportDtype } from '../../engine/export/types.js';
import { ExitCode, UsageError, type CliCommand } from '../command.js';
import { engineParseOptions, openEngine } from '../engineOptions.js';
import { progressBar } from '../progressBar.js';

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit++;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

// `--dtype` here is the exported array's dtype (as numpy names it); the model's own dtype is `--model-dtype`.
const { dtype: modelDtypeOption, ...engineOptions } = engineParseOptions;

export const command: CliCommand = {
  name: 'export',
  summary: 'Write feature vectors to .npy, .safetensors, .csv or .jsonl, with a provenance manifest',
  usage:
    'lookalike export [--db FILE [--root DIR] | <files or folders…>] --out FILE.{npy,safetensors,csv,jsonl} ' +
    '[--no-pool] [--dtype float32|float16] [--model DIR] [--model-dtype fp32|fp16|q8] [--device D] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        ...engineOptions,
        'model-dtype': modelDtypeOption,
        out: { type: 'string', short: 'o' },
        dtype: { type: 'string' },
        'no-pool': { type: 'boolean' },
        db: { type: 'string' },
        root: { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (!values.out) throw new UsageError('--out FILE is required (.npy, .safetensors, .csv or .jsonl)');
    const out = values.out;
    const dtype = (values.dtype ?? 'float32') as ExportDtype;
    if (!exportDtypes.includes(dtype)) throw new UsageError(`--dtype must be float32 or float16, got "${values.dtype}"`);
    const pooled = !values['no-pool'];
    let format;
    try {
      format = formatFromPath(out);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    if (format === 'csv' && !pooled) {
      throw new UsageError('CSV holds one vector per image: export unpooled features (--no-pool) as .npy, .safetensors or .jsonl');
    }
    if (values.root !== undefined && (values.db === undefined || positionals.length > 0)) {
      throw new UsageError('--root filters the catalog: use it with --db and no files');
    }
    if (positionals.length === 0 && values.db === undefined) throw new UsageError('export needs files or folders, or --db FILE');
    let catalog: Catalog | undefined;
    if (values.db !== undefined) {
      try {
        catalog = Catalog.open(values.db, { readOnly: true });
      } catch (err) {
        throw new UsageError(`cannot open the catalog ${values.db}: ${(err as Error).message}`);
      }
    }

    const engine = await openEngine({ ...values, dtype: values['model-dtype'] }, io).catch((err: unknown) => {
      catalog?.close();
      throw err;
    });
    const bar = progressBar(io.stderr);
    try {
      // With --db alone the catalog is the source; with files too, it only supplies vectors it already has.
      const source =
        catalog && positionals.length === 0
          ? await catalogFeatureSource({
              embedder: engine,
              catalog: catalogFeatureReader(catalog, engine.provenance),
              root: values.root ?? null,
              pooled,
            })
          : await fileFeatureSource({
              embedder: engine,
              inputs: positionals,
              pooled,
              ...(catalog ? { lookup: catalogFeatureLookup(catalog, engine.provenance) } : {}),
            });
      if (source.expectedRows === 0) throw new UsageError('nothing to export: no image files found (or none in the catalog)');
      const estimate = estimateExportBytes({
        format,
        dtype,
        rows: source.expectedRows,
        rowShape: source.rowShape,
        metadata: exportMetadata(source, dtype),
      });
      const shape = [source.expectedRows, ...source.rowShape].join('×');
      io.stderr.write(`lookalike: exporting ${shape} ${dtype} to ${out} (about ${formatBytes(estimate)})\n`);
      let result;
      try {
        result = await exportFeatures(
          { source, out, format, dtype },
          { signal: io.signal, onProgress: (p) => bar.update(p) },
        );
      } catch (err) {
        if (io.signal.aborted) {
          bar.done();
          io.stderr.write('lookalike: export cancelled, nothing written\n');
          return ExitCode.someFailed;
        }
        if (err instanceof ExportError) throw new UsageError(err.message);
        throw err;
      }
      bar.done();
      const { manifest } = result;
      if (values.json) {
        const summary = {
          out: result.out,
          manifest: result.manifestPath,
          shape: manifest.shape,
          dtype: manifest.dtype,
          bytes: result.bytesWritten,
          failed: manifest.failed,
        };
        io.stdout.write(JSON.stringify(summary) + '\n');
      } else {
        io.stdout.write(`${result.out}: ${manifest.shape.join('×')} ${dtype}, ${formatBytes(result.bytesWritten)}\n`);
        io.stdout.write(`${result.manifestPath}: ${manifest.rows.length} rows, ${manifest.failed.length} failed\n`);
        for (const f of manifest.failed) io.stderr.write(`lookalike: ${f.path}: ${f.reason}\n`);
      }
      return manifest.failed.length > 0 ? ExitCode.someFailed : ExitCode.ok;
    } finally {
      bar.done();
      await engine.close();
      catalog?.close();
    }
  },
};
