// `lookalike export`: feature arrays of the library's photos or of named files (Library.exportFeatures, the
// app's Export view), with a provenance manifest beside them.
import { parseArgs } from 'node:util';
import { featureDtypes, formatBytes, type FeatureDtype } from '../../shared/values.js';
import { formatFromPath, Library, type ExportResult } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand, type CliIO } from '../command.js';
import { libraryParseOptions, withForceHint, withLibrary } from '../libraryOptions.js';
import { progressBar } from '../progressBar.js';

// `--dtype` here is the exported array's dtype (as numpy names it); the model's own dtype is `--model-dtype`.
const { dtype: modelDtypeOption, ...libraryOptions } = libraryParseOptions;

function parse(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      ...libraryOptions,
      'model-dtype': modelDtypeOption,
      out: { type: 'string', short: 'o' },
      force: { type: 'boolean' },
      dtype: { type: 'string' },
      'no-pool': { type: 'boolean' },
      root: { type: 'string' },
      json: { type: 'boolean' },
    },
  });
  if (!values.out) throw usageError('--out FILE is required (.npy, .safetensors, .csv or .jsonl)');
  const dtype = (values.dtype ?? 'float32') as FeatureDtype;
  if (!featureDtypes.includes(dtype)) throw usageError(`--dtype must be float32 or float16, got "${values.dtype}"`);
  const format = formatFromPath(values.out);
  if (format === 'csv' && values['no-pool']) {
    throw usageError('CSV holds one vector per image: export unpooled features (--no-pool) as .npy, .safetensors or .jsonl');
  }
  if (values.root !== undefined && positionals.length > 0) throw usageError('--root filters the library: use it with no files');
  if (positionals.length === 0 && values.db === undefined && values['data-dir'] === undefined && values.root === undefined) {
    throw usageError('export needs files or folders, or the library (--db FILE, --data-dir DIR or --root DIR)');
  }
  return { values, positionals, out: values.out, dtype, format, pooled: !values['no-pool'], overwrite: values.force ?? false };
}

function printResult(result: ExportResult, dtype: FeatureDtype, json: boolean, io: CliIO): void {
  const { manifest } = result;
  if (json) {
    const summary = { out: result.out, manifest: result.manifestPath, shape: manifest.shape, dtype: manifest.dtype, bytes: result.bytesWritten, failed: manifest.failed };
    io.stdout.write(JSON.stringify(summary) + '\n');
    return;
  }
  io.stdout.write(`${result.out}: ${manifest.shape.join('×')} ${dtype}, ${formatBytes(result.bytesWritten)}\n`);
  io.stdout.write(`${result.manifestPath}: ${manifest.rows.length} rows, ${manifest.failed.length} failed\n`);
  for (const f of manifest.failed) io.stderr.write(`lookalike: ${f.path}: ${f.reason}\n`);
}

export const command: CliCommand = {
  name: 'export',
  summary: 'Write feature vectors to .npy, .safetensors, .csv or .jsonl, with a provenance manifest',
  usage:
    'lookalike export [--db FILE | --data-dir DIR] [--root DIR] [<files or folders…>] --out FILE.{npy,safetensors,csv,jsonl} ' +
    '[--force] [--no-pool] [--dtype float32|float16] [--model DIR] [--model-dtype fp32|fp16|q8] [--device D] [--json]',
  async run(argv, io) {
    const { values, positionals, out, dtype, format, pooled, overwrite } = parse(argv);
    const bar = progressBar(io.stderr);
    try {
      return await withLibrary({ ...values, dtype: values['model-dtype'] }, io, async (library) => {
        if (positionals.length === 0) library.requireCatalog();
        const req = { inputs: positionals.length > 0 ? positionals : undefined, out, format, dtype, pooled, root: values.root ?? null, overwrite };
        const onPlan = (p: { shape: number[]; estimatedBytes: number }) =>
          io.stderr.write(`lookalike: exporting ${p.shape.join('×')} ${dtype} to ${out} (about ${formatBytes(p.estimatedBytes)})\n`);
        let result: ExportResult;
        try {
          result = await withForceHint(library.exportFeatures(req, { ...Library.control(io.signal, (p) => bar.update(p)), onPlan }));
        } catch (err) {
          if (!io.signal.aborted) throw err;
          io.stderr.write('lookalike: export cancelled, nothing written\n');
          return ExitCode.someFailed;
        }
        bar.done();
        printResult(result, dtype, Boolean(values.json), io);
        return result.manifest.failed.length > 0 ? ExitCode.someFailed : ExitCode.ok;
      });
    } finally {
      bar.done();
    }
  },
};
