// The engine's one public entry: photo in, embedding out, as the HF image-feature-extraction pipeline does it.
// Three stages kept apart (transformers.js' shape): decode+preprocess (Pillow-faithful), run (one long-lived
// onnxruntime session), postprocess (pooling). Pure Node: never imports electron.
import os from 'node:os';
import { LookalikeError } from './errors.js';
import { loadModelFolder, type ModelFolder } from './model/modelFolder.js';
import { openSession, type GraphOptimization, type OpenedSession } from './model/session.js';
import { SessionRunner } from './model/sessionRunner.js';
import { readModelProvenance } from './models/provenance.js';
import { orderedMap } from './pipeline/orderedMap.js';
import { planOutput, type OutputPlan } from './pipeline/pooling.js';
import { ProgressMeter } from './pipeline/progress.js';
import { prepareImage, type DecodedInfo, type PreparedPixels } from './preprocess/prepareImage.js';
import { PreprocessPool } from './preprocess/preprocessPool.js';
import { coreSplit } from './preprocess/preprocessSplit.js';
import type {
  DeviceChoice,
  EmbedItem,
  JobOptions,
  JobProgress,
  ModelDtype,
  ModelProvenance,
  PreprocessMode,
  PoolingSource,
  ProcessorConfig,
  ResolvedDevice,
} from './types.js';

/** Bump when preprocessing changes numerically: the catalog re-embeds exactly what it must. */
export const PREPROCESS_VERSION = 1;

export interface EngineConfig {
  modelDir: string;
  device?: DeviceChoice;
  dtype?: ModelDtype;
  /** onnxruntime intra-op threads; default: the split rule's share of the cores (preprocess/preprocessSplit.ts). */
  threads?: number;
  /** Preprocessing worker threads; 0: preprocess on this thread. Default: the split rule's share of the cores. */
  preprocessWorkers?: number;
  /** Images per session.run; default 4 (measured in `npm run bench`). */
  batchSize?: number;
  graphOptimization?: GraphOptimization;
  maxPixels?: number;
  /** 'exact' (default): Pillow's pixels bit for bit; 'fast': big JPEGs decoded at a DCT scale first. */
  preprocess?: PreprocessMode;
  log?: (line: string) => void;
}

export interface PreparedImage {
  path: string;
  /** [3, H, W] normalised pixel values. */
  tensor: Float32Array;
  /** What the decoder found; the full-size pixels stay where they were decoded (a worker, preprocessPool.ts). */
  decoded: DecodedInfo;
  pixelHash: string;
  /** 32×32 upright RGB, for telling a lossy EXIF-rotated copy from an edit (similarity/pixelThumb.ts). */
  pixelThumb: Uint8Array;
}

export interface EmbedOptions extends JobOptions {
  /** true: one vector per image; false: last_hidden_state [tokens, dim]. Default true. */
  pooled?: boolean;
}

export interface Engine {
  readonly model: ModelFolder;
  readonly provenance: ModelProvenance;
  readonly device: ResolvedDevice;
  /** Why faster devices were skipped (empty when the first choice worked). */
  readonly deviceFallbacks: readonly string[];
  readonly pooling: PoolingSource;
  readonly dim: number;
  /** Unpooled shape is [tokens, tokenDim] (CLIP's pooled dim differs from its hidden size). */
  readonly tokens: number;
  readonly tokenDim: number;
  readonly inputSize: { height: number; width: number };
  readonly batchSize: number;
  /** How this engine's photos become pixel values; part of `provenance` and so of the model key. */
  readonly preprocessMode: PreprocessMode;
  /** Preprocessing worker threads running (0: preprocessing runs on this thread). */
  readonly preprocessWorkers: number;
  /** The same session with another preprocessing mode (exports and compare use 'exact'). */
  withPreprocess(mode: PreprocessMode): Engine;
  prepare(input: string | Buffer, label?: string): Promise<PreparedImage>;
  runBatch(tensors: readonly Float32Array[], opts?: { pooled?: boolean }): Promise<Float32Array[]>;
  embedFiles(paths: readonly string[], opts?: EmbedOptions): AsyncGenerator<EmbedItem>;
  embedOne(input: string | Buffer, opts?: { pooled?: boolean }): Promise<Float32Array>;
  close(): Promise<void>;
}

/** A model that cannot be used as it is: the folder the user pointed at is the problem. */
const modelError = (message: string): LookalikeError => new LookalikeError('invalid-request', message);

function fixedInputSize(p: ProcessorConfig): { height: number; width: number } {
  if (p.doCenterCrop && p.cropSize) return p.cropSize;
  if ('height' in p.size) return p.size;
  throw modelError('the processor resizes by shortest edge without a center crop: variable input sizes are not supported');
}

type InputSize = { height: number; width: number };
/** One photo's preprocessing; `extras`: also its pixel hash and thumbnail (prepare() for the scanner). */
type Preprocess = (input: string | Buffer, extras: boolean, label?: string) => Promise<PreparedPixels>;

export async function createEngine(config: EngineConfig): Promise<Engine> {
  const model = await loadModelFolder(config.modelDir, config.dtype ?? 'fp32');
  const inputSize = fixedInputSize(model.processor);
  // Before onnxruntime parses the file: a managed folder's files must still hash to its manifest's pins; other
  // folders are hashed once. The manifest also names a downloaded model and its revision.
  const exactProvenance: ModelProvenance = await readModelProvenance(model.dir, {
    preprocessVersion: PREPROCESS_VERSION,
    dtype: model.dtype,
    processor: model.processor,
  });
  const cores = os.availableParallelism();
  const device = config.device ?? 'auto';
  // The threads are set before the device is known: an explicit GPU choice gets the GPU's split, 'auto' the CPU's.
  const opened = await openSession(model.onnxPath, [1, 3, inputSize.height, inputSize.width], {
    device,
    threads: config.threads ?? coreSplit(cores, device === 'auto' ? 'cpu' : device).ortThreads,
    // 'extended' measured ~5% faster than 'all' on ViT-B/16 here (npm run bench -- engine), and never slower.
    graphOptimization: config.graphOptimization ?? 'extended',
    log: config.log,
  });
  const shapes = outputShapes(opened);
  const runner = new SessionRunner(opened.session, inputSize);
  const workers = config.preprocessWorkers ?? coreSplit(cores, opened.device).workers;
  const pool = await PreprocessPool.start(workers, model.processor, config.log);
  const parts: EngineParts = {
    model, exactProvenance, opened, shapes, runner, pool, inputSize, maxPixels: config.maxPixels, batchSize: Math.max(1, config.batchSize ?? 4),
  };
  return engineWithMode(parts, config.preprocess ?? 'exact');
}

/** What every mode's view of one loaded model shares. */
interface EngineParts {
  model: ModelFolder;
  exactProvenance: ModelProvenance;
  opened: OpenedSession;
  shapes: OutputShapes;
  runner: SessionRunner;
  /** Null: preprocessing runs in-process (no workers wanted, or they could not start). */
  pool: PreprocessPool | null;
  inputSize: InputSize;
  maxPixels: number | undefined;
  batchSize: number;
}

/** In the pool while it has a worker left, else in-process: the same function, so the same bytes either way. */
function preprocessorFor(parts: EngineParts, mode: PreprocessMode): Preprocess {
  const { model, pool, maxPixels } = parts;
  return (input, extras, label) => {
    if (pool?.alive) {
      const name = label ?? (typeof input === 'string' ? input : '<buffer>');
      return pool.run({ input, label: name, mode, maxPixels, extras });
    }
    return prepareImage({ input, mode, maxPixels, extras }, model.processor);
  };
}

async function closeParts(parts: EngineParts): Promise<void> {
  try {
    await parts.runner.close();
  } finally {
    await parts.pool?.close();
  }
}

function engineWithMode(parts: EngineParts, mode: PreprocessMode): Engine {
  const { model, opened, shapes, runner, inputSize } = parts;
  // embed/export/compare need only the tensor; the scanner's prepare() also hashes the pixels.
  const preprocess = preprocessorFor(parts, mode);
  const core: EngineCore = { preprocess, runner, shapes, batchSize: parts.batchSize, workers: parts.pool?.size ?? 0 };
  const view: Engine = {
    model,
    provenance: { ...parts.exactProvenance, preprocessMode: mode },
    preprocessMode: mode,
    preprocessWorkers: parts.pool?.size ?? 0,
    withPreprocess: (other) => (other === mode ? view : engineWithMode(parts, other)),
    device: opened.device,
    deviceFallbacks: opened.fallbacks,
    pooling: shapes.pooledPlan.pooling as PoolingSource,
    dim: shapes.dim,
    tokens: shapes.tokens,
    tokenDim: shapes.tokenDim,
    inputSize,
    batchSize: core.batchSize,
    prepare: (input, label) => prepare(preprocess, input, label),
    runBatch: (tensors, opts) => runBatch(core, tensors, opts),
    embedFiles: (paths, opts) => embedFiles(core, paths, opts),
    embedOne: (input, opts) => embedOne(core, input, opts),
    close: () => closeParts(parts),
  };
  return view;
}

/** Which outputs give pooled and token features, and their sizes, from the session's warm-up run. */
interface OutputShapes {
  pooledPlan: OutputPlan;
  tokenPlan: OutputPlan | null;
  dim: number;
  tokens: number;
  tokenDim: number;
}

/** Shapes from the session's warm-up run, so front ends can size buffers and exports before any image. */
function outputShapes(opened: OpenedSession): OutputShapes {
  const outputNames = opened.session.outputNames;
  const pooledPlan = planOutput(outputNames, true);
  const tokenPlan = outputNames.includes('last_hidden_state') ? planOutput(outputNames, false) : null;
  const hidden = opened.outputDims['last_hidden_state'];
  const pooledDims = pooledPlan.pooling === 'cls_token' ? hidden : opened.outputDims[pooledPlan.outputName];
  if (!pooledDims) throw modelError(`the warm-up run gave no ${pooledPlan.outputName} output`);
  const dim = pooledDims[pooledDims.length - 1]!;
  return { pooledPlan, tokenPlan, dim, tokens: hidden?.[1] ?? 1, tokenDim: hidden?.[2] ?? dim };
}

/** What the engine's methods share once the model is loaded. */
interface EngineCore {
  preprocess: Preprocess;
  /** Preprocessing workers (0: in-process). */
  workers: number;
  runner: SessionRunner;
  shapes: OutputShapes;
  batchSize: number;
}

async function prepare(preprocess: Preprocess, input: string | Buffer, label?: string): Promise<PreparedImage> {
  const path = label ?? (typeof input === 'string' ? input : '<buffer>');
  const { tensor, decoded, pixelHash, pixelThumb } = await preprocess(input, true, path);
  return { path, tensor, decoded, pixelHash: pixelHash!, pixelThumb: pixelThumb! };
}

async function runBatch(core: EngineCore, tensors: readonly Float32Array[], opts: { pooled?: boolean } = {}): Promise<Float32Array[]> {
  const plan = opts.pooled === false ? core.shapes.tokenPlan : core.shapes.pooledPlan;
  if (!plan) throw modelError('this model has no last_hidden_state output, so unpooled features are unavailable');
  if (tensors.length === 0) return [];
  return (await core.runner.run(tensors, plan)).vectors;
}

async function embedOne(core: EngineCore, input: string | Buffer, opts: { pooled?: boolean } = {}): Promise<Float32Array> {
  const { tensor } = await core.preprocess(input, false);
  const [v] = await runBatch(core, [tensor], opts);
  return v!;
}

async function* embedFiles(core: EngineCore, paths: readonly string[], opts: EmbedOptions = {}): AsyncGenerator<EmbedItem> {
  const pending = new PendingBatch(core, opts.pooled !== false, new ProgressMeter(paths.length), opts.onProgress);
  // Decode ahead while the session runs: prepare() is mostly async (sharp on libuv threads).
  // With a pool, enough in flight to keep every worker busy while a batch waits.
  const prepared = orderedMap(paths, async (p) => ({ path: p, tensor: (await core.preprocess(p, false)).tensor }), {
    concurrency: Math.max(2, core.batchSize * 2, core.batchSize + 2 * core.workers),
    signal: opts.signal,
  });
  for await (const r of prepared) {
    if (opts.signal?.aborted) return;
    pending.push(r.ok ? r.value : { path: r.input, error: r.error });
    if (r.ok && pending.readyCount >= core.batchSize) yield* pending.flush();
  }
  if (!opts.signal?.aborted) yield* pending.flush();
}

type Ready = { path: string; tensor: Float32Array };
type Pending = Ready | { path: string; error: string };

/** Images waiting for the next run. Failures wait in line with the images around them, so results keep input order. */
class PendingBatch {
  private items: Pending[] = [];
  /** How many of the items have a tensor to run. */
  readyCount = 0;

  constructor(
    private readonly core: EngineCore,
    private readonly pooled: boolean,
    private readonly meter: ProgressMeter,
    private readonly onProgress: ((progress: JobProgress) => void) | undefined,
  ) {}

  push(item: Pending): void {
    this.items.push(item);
    if ('tensor' in item) this.readyCount++;
  }

  /** Runs what is waiting and yields every item, in order, then reports progress. */
  async *flush(): AsyncGenerator<EmbedItem> {
    if (this.items.length === 0) return;
    const items = this.items;
    this.items = [];
    this.readyCount = 0;
    const { vectors, runError } = await this.run(items.filter((p): p is Ready => 'tensor' in p));
    const { dim, tokens, tokenDim } = this.core.shapes;
    let k = 0;
    for (const p of items) {
      if (!('tensor' in p)) {
        this.meter.fail();
        yield { path: p.path, ok: false, error: p.error };
      } else if (runError !== null) {
        this.meter.fail();
        yield { path: p.path, ok: false, error: runError };
      } else {
        this.meter.succeed();
        yield { path: p.path, ok: true, embedding: vectors[k++]!, shape: this.pooled ? [dim] : [tokens, tokenDim] };
      }
    }
    this.onProgress?.(this.meter.snapshot(items[items.length - 1]!.path));
  }

  private async run(ready: Ready[]): Promise<{ vectors: Float32Array[]; runError: string | null }> {
    try {
      return { vectors: await runBatch(this.core, ready.map((p) => p.tensor), { pooled: this.pooled }), runError: null };
    } catch (err) {
      return { vectors: [], runError: `inference failed: ${(err as Error).message}` };
    }
  }
}
