// The options every model-using command shares, and how they become an Engine.
import { createEngine, type Engine } from '../engine/engine.js';
import { ModelFolderError } from '../engine/model/modelFolder.js';
import type { DeviceChoice, ModelDtype } from '../engine/types.js';
import { UsageError, type CliIO } from './command.js';
import { resolveDefaultModelDir } from './defaultModel.js';

export const engineParseOptions = {
  model: { type: 'string' },
  device: { type: 'string' },
  dtype: { type: 'string' },
  threads: { type: 'string' },
  'batch-size': { type: 'string' },
} as const;

export interface EngineArgs {
  model?: string | undefined;
  device?: string | undefined;
  dtype?: string | undefined;
  threads?: string | undefined;
  'batch-size'?: string | undefined;
}

const devices: readonly DeviceChoice[] = ['auto', 'cpu', 'webgpu', 'cuda', 'dml', 'coreml'];
const dtypes: readonly ModelDtype[] = ['fp32', 'fp16', 'q8'];

function positiveInt(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

export async function openEngine(args: EngineArgs, io: CliIO): Promise<Engine> {
  const device = (args.device ?? 'auto') as DeviceChoice;
  if (!devices.includes(device)) throw new UsageError(`--device must be one of ${devices.join('|')}, got "${args.device}"`);
  const dtype = args.dtype as ModelDtype | undefined;
  if (dtype !== undefined && !dtypes.includes(dtype)) throw new UsageError(`--dtype must be one of ${dtypes.join('|')}`);
  const resolved = await resolveDefaultModelDir(args.model, io.env, dtype);
  try {
    return await createEngine({
      ...resolved,
      device,
      threads: positiveInt('threads', args.threads),
      batchSize: positiveInt('batch-size', args['batch-size']),
      log: (line) => io.stderr.write(`lookalike: ${line}\n`),
    });
  } catch (err) {
    if (err instanceof ModelFolderError || err instanceof UsageError) throw new UsageError((err as Error).message);
    throw new UsageError(`cannot load the model: ${(err as Error).message}`);
  }
}
