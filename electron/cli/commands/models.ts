// `lookalike models …`: list, download, import, use and remove models in the user's data folder.
import { parseArgs } from 'node:util';
import { resolveDataDir } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand, type CliIO } from '../command.js';
import { formatDuration } from '../progressBar.js';
import { DTYPE_SWITCH_NOTE, modelDtypeLabels, modelDtypeTradeoffs, type ModelDtype } from '../../shared/values.js';
import {
  downloadModel,
  importModel,
  isModelDtype,
  listInstalled,
  loadRegistry,
  MODEL_DTYPES,
  readSelected,
  registryFileFor,
  removeModel,
  selectModel,
  type DownloadProgress,
} from '../../engine/models/index.js';

const argumentErrors = new WeakSet<Error>();
function badArguments(message: string): Error {
  const error = usageError(message);
  argumentErrors.add(error);
  return error;
}

const usage = `lookalike models list [--json]
lookalike models download <id> [--dtype fp32|q8|fp16] [--force] [--offline] [--trust-server-hash]
lookalike models import <dir> [--name NAME] [--replace] [--image PHOTO]
lookalike models use <id> [--dtype fp32|q8|fp16]
lookalike models remove <id>

Options for every subcommand:
  --data-dir DIR   the data folder (default: LOOKALIKE_DATA_DIR, else the app's: ~/.local/share/lookalike on Linux)

<id> is a registry id or alias (\`default\`, \`dinov2-small\`, \`clip-vit-b32\`, …) or imported/<name>.
--dtype defaults to q8 (the quantised file, about 4x smaller and faster on CPU) when the registry pins its sha256,
else the model's first pinned dtype; fp32 is full precision. A file the registry pins no sha256 for is refused:
--trust-server-hash installs it checked only against the hub's own hash, and its manifest records that.
Downloads resume where they stopped; HF_ENDPOINT picks a mirror, HF_HUB_OFFLINE=1 uses only what is installed.
\`use --dtype\` chooses the precision that scans, compare and search use, in the CLI and the app alike (one data
folder); a command's own --dtype overrides it for that run. q8: ${modelDtypeTradeoffs.q8}`;

const options = {
  'data-dir': { type: 'string' },
  dtype: { type: 'string' },
  json: { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  offline: { type: 'boolean', default: false },
  'trust-server-hash': { type: 'boolean', default: false },
  name: { type: 'string' },
  replace: { type: 'boolean', default: false },
  image: { type: 'string' },
} as const;

function parse(argv: string[]) {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (err) {
    throw badArguments(`${(err as Error).message}\n\n${usage}`);
  }
}

function dtypeOption(value: string | undefined): ModelDtype | undefined {
  if (value === undefined) return undefined;
  if (!isModelDtype(value)) throw badArguments(`--dtype must be one of ${MODEL_DTYPES.join(', ')}, got "${value}"`);
  return value;
}

function oneArgument(positionals: string[], what: string): string {
  const [value, ...extra] = positionals;
  if (!value || extra.length) throw badArguments(`expected exactly one ${what}\n\n${usage}`);
  return value;
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/** A one-line bar redrawn in place on a TTY; silent otherwise so logs stay clean. */
function progressPrinter(io: CliIO): { onProgress: (p: DownloadProgress) => void; done: () => void } {
  const tty = 'isTTY' in io.stderr && io.stderr.isTTY === true;
  let drawn = false;
  return {
    onProgress: (p) => {
      if (!tty) return;
      const fraction = p.totalBytes ? Math.min(1, p.bytes / p.totalBytes) : 0;
      const width = 24;
      const bar = '#'.repeat(Math.round(fraction * width)).padEnd(width, '.');
      const total = p.totalBytes ? ` / ${mb(p.totalBytes)}` : '';
      io.stderr.write(`\r\x1b[K${p.file} [${bar}] ${mb(p.bytes)}${total}  ${mb(p.rate)}/s  ETA ${formatDuration(p.etaSeconds)}`);
      drawn = true;
    },
    done: () => {
      if (drawn) io.stderr.write('\r\x1b[K');
    },
  };
}

async function list(dataDir: string, json: boolean, io: CliIO): Promise<ExitCode> {
  const registry = await loadRegistry(registryFileFor(io.env));
  const installed = await listInstalled(dataDir);
  const selected = await readSelected(dataDir);
  if (json) {
    io.stdout.write(`${JSON.stringify({ dataDir, selected, registry: registry.models, installed }, null, 2)}\n`);
    return ExitCode.ok;
  }
  io.stdout.write(`Models in ${dataDir}\n\n`);
  for (const m of registry.models) {
    const copy = installed.find((i) => i.id === m.id);
    const sizes = MODEL_DTYPES.filter((d) => m.files[d])
      .map((d) => `${d} (${modelDtypeLabels[d]}) ${mb(m.files[d]!.approxBytes)}${copy?.dtypes.includes(d) ? ' (installed)' : ''}`)
      .join(', ');
    const mark = selected?.id === m.id ? '*' : ' ';
    io.stdout.write(`${mark} ${m.id}  [${m.aliases.join(', ')}]\n    ${m.description}\n    ${sizes}; licence ${m.license}\n`);
  }
  for (const i of installed.filter((x) => x.source === 'import')) {
    const mark = selected?.id === i.id ? '*' : ' ';
    io.stdout.write(`${mark} ${i.id}  (imported: ${i.dtypes.join(', ')})\n`);
  }
  for (const broken of installed.filter((x) => x.problems.length)) {
    io.stdout.write(`! ${broken.id} in ${broken.dir} is damaged: ${broken.problems.join('; ')}\n`);
  }
  io.stdout.write(selected ? `\n* in use: ${selected.id} (${selected.dtype})\n` : '\nNo model selected yet.\n');
  return ExitCode.ok;
}

async function run(argv: string[], io: CliIO): Promise<ExitCode> {
  const [sub, ...rest] = argv;
  const { values, positionals } = parse(rest);
  const dataDir = resolveDataDir(values['data-dir'], io.env);
  const dtype = dtypeOption(values.dtype);
  switch (sub) {
    case 'list':
      return list(dataDir, values.json, io);
    case 'download': {
      const id = oneArgument(positionals, 'model id');
      const progress = progressPrinter(io);
      try {
        const result = await downloadModel(
          { dataDir, model: id, dtype, env: io.env, registry: await loadRegistry(registryFileFor(io.env)), force: values.force, offline: values.offline || undefined, trustServerHash: values['trust-server-hash'] },
          { signal: io.signal, onProgress: progress.onProgress },
        );
        progress.done();
        const what = result.downloaded ? `downloaded ${mb(result.bytesFetched)}` : 'already installed';
        io.stdout.write(`${result.id} (${result.dtype}) ${what}: ${result.dir}\n`);
        return ExitCode.ok;
      } finally {
        progress.done();
      }
    }
    case 'import': {
      const dir = oneArgument(positionals, 'folder');
      const progress = progressPrinter(io);
      try {
        const result = await importModel(
          { dataDir, sourceDir: dir, name: values.name, replace: values.replace, testImage: values.image },
          { signal: io.signal, onProgress: progress.onProgress },
        );
        progress.done();
        const checks = Object.entries(result.smokeTests)
          .map(([d, t]) => `${d}: ${t.output} [${t.dims.join(', ')}]`)
          .join('; ');
        io.stdout.write(`imported ${result.id} (copied to ${result.dir}); test run ok (${checks})\n`);
        return ExitCode.ok;
      } finally {
        progress.done();
      }
    }
    case 'use': {
      const chosen = await selectModel(dataDir, oneArgument(positionals, 'model id'), dtype, await loadRegistry(registryFileFor(io.env)));
      io.stdout.write(`using ${chosen.id} (${chosen.dtype}, ${modelDtypeLabels[chosen.dtype]}): ${modelDtypeTradeoffs[chosen.dtype]}\n${DTYPE_SWITCH_NOTE}\n`);
      return ExitCode.ok;
    }
    case 'remove': {
      const removed = await removeModel(dataDir, oneArgument(positionals, 'model id'), await loadRegistry(registryFileFor(io.env)));
      io.stdout.write(`removed ${removed.join(', ')}\n`);
      return ExitCode.ok;
    }
    default:
      throw badArguments(`unknown models subcommand "${sub ?? ''}"\n\n${usage}`);
  }
}

/** Errors of the model manager print as one line and exit 1 (a download or import failed); bad arguments exit 2. */
async function runReportingErrors(argv: string[], io: CliIO): Promise<ExitCode> {
  try {
    return await run(argv, io);
  } catch (err) {
    if (!(err instanceof Error) || argumentErrors.has(err)) throw err;
    io.stderr.write(`lookalike models: ${err.message}\n`);
    return ExitCode.someFailed;
  }
}

export const command: CliCommand = {
  name: 'models',
  summary: 'List, download, import and choose the model used for embeddings',
  usage,
  run: runReportingErrors,
};
