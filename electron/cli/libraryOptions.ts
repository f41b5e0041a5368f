// The options every library command shares, and how they open the Library: one data folder (`--data-dir`,
// LOOKALIKE_DATA_DIR, or the platform's app data folder), `--db` for another catalog, and the engine's options.
import { deviceChoices, modelDtypes, preprocessModes, type DeviceChoice, type ModelDtype, type PreprocessMode } from '../shared/values.js';
import { isLookalikeError, LookalikeError, openLibrary, type EngineOptions, type Library } from '../engine/library/index.js';
import { usageError, type CliIO } from './command.js';
import { SCAN_JOURNAL_ENV } from './supervisor.js';

export const libraryParseOptions = {
  'data-dir': { type: 'string' },
  db: { type: 'string' },
  model: { type: 'string' },
  'model-key': { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  threads: { type: 'string' },
  'batch-size': { type: 'string' },
  preprocess: { type: 'string' },
} as const;

export interface LibraryArgs {
  'data-dir'?: string | undefined;
  db?: string | undefined;
  model?: string | undefined;
  'model-key'?: string | undefined;
  device?: string | undefined;
  dtype?: string | undefined;
  threads?: string | undefined;
  'batch-size'?: string | undefined;
  preprocess?: string | undefined;
}

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw usageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

export function parseThreshold(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const t = Number(value);
  if (value.trim() === '' || !Number.isFinite(t) || t < 0 || t > 100) throw usageError(`--threshold must be a number from 0 to 100, got "${value}"`);
  return t;
}

/** Only the options given: the rest come from the library's settings (device, threads) or the model manager. */
function engineOverrides(args: LibraryArgs, io: CliIO): Partial<EngineOptions> {
  const device = args.device as DeviceChoice | undefined;
  if (device !== undefined && !deviceChoices.includes(device)) throw usageError(`--device must be one of ${deviceChoices.join('|')}, got "${args.device}"`);
  const dtype = args.dtype as ModelDtype | undefined;
  if (dtype !== undefined && !modelDtypes.includes(dtype)) throw usageError(`--dtype must be one of ${modelDtypes.join('|')}`);
  const preprocess = args.preprocess as PreprocessMode | undefined;
  if (preprocess !== undefined && !preprocessModes.includes(preprocess)) throw usageError(`--preprocess must be one of ${preprocessModes.join('|')}, got "${args.preprocess}"`);
  const threads = positiveInt('threads', args.threads);
  const batchSize = positiveInt('batch-size', args['batch-size']);
  const modelDir = args.model ?? io.env['LOOKALIKE_MODEL'];
  return {
    ...(device ? { device } : {}),
    ...(dtype ? { dtype } : {}),
    ...(threads ? { threads } : {}),
    ...(batchSize ? { batchSize } : {}),
    ...(preprocess ? { preprocess } : {}),
    ...(modelDir ? { modelDir } : {}),
    log: (line) => io.stderr.write(`lookalike: ${line}\n`),
  };
}

export function openCliLibrary(args: LibraryArgs, io: CliIO): Promise<Library> {
  return openLibrary({
    dataDir: args['data-dir'],
    catalogPath: args.db,
    env: io.env,
    engine: engineOverrides(args, io),
    modelKey: args['model-key'] ?? null,
    scanJournal: io.env[SCAN_JOURNAL_ENV] || null,
    log: (line) => io.stderr.write(`lookalike: ${line}\n`),
  });
}

/** Opens the library, runs the command body, and always closes it. */
export async function withLibrary<T>(args: LibraryArgs, io: CliIO, body: (library: Library) => Promise<T>): Promise<T> {
  const library = await openCliLibrary(args, io);
  try {
    return await body(library);
  } finally {
    await library.close();
  }
}

/** An export onto an existing file is refused by the library; the CLI says how to replace it. */
export async function withForceHint<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (err) {
    if (isLookalikeError(err, 'conflict')) throw new LookalikeError('conflict', `${err.message} (pass --force to replace it)`, { cause: err });
    throw err;
  }
}
