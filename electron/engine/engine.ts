// The engine's one public entry: photo in, embedding out, as the HF image-feature-extraction pipeline does it.
// Three stages kept apart (transformers.js' shape): decode+preprocess (Pillow-faithful), run (one long-lived
// onnxruntime session), postprocess (pooling). Pure Node: never imports electron.
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { LookalikeError } from './errors.js';
import { loadModelFolder, type ModelFolder } from './model/modelFolder.js';
import { openSession, type GraphOptimization, type OpenedSession } from './model/session.js';
import { readModelProvenance } from './models/provenance.js';
import { orderedMap } from './pipeline/orderedMap.js';
import { planOutput, splitBatch, type OutputPlan } from './pipeline/pooling.js';
import { ProgressMeter } from './pipeline/progress.js';
import { pixelHash, preprocessImage, type DecodedImage } from './preprocess/index.js';
import { pixelThumb } from './similarity/pixelThumb.js';
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
  /** onnxruntime intra-op threads; default: all cores. */
  threads?: number;
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
  decoded: DecodedImage;
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
type Preprocess = (input: string | Buffer) => Promise<{ tensor: Float32Array; decoded: DecodedImage }>;

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
  const opened = await openSession(model.onnxPath, [1, 3, inputSize.height, inputSize.width], {
    device: config.device ?? 'auto',
    threads: config.threads ?? os.availableParallelism(),
    // 'extended' measured ~5% faster than 'all' on ViT-B/16 here (npm run bench -- engine), and never slower.
    graphOptimization: config.graphOptimization ?? 'extended',
    log: config.log,
  });
  const shapes = outputShapes(opened);
  const runner = new SessionRunner(opened.session, inputSize);
  const parts: EngineParts = {
    model, exactProvenance, opened, shapes, runner, inputSize, maxPixels: config.maxPixels, batchSize: Math.max(1, config.batchSize ?? 4),
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
  inputSize: InputSize;
  maxPixels: number | undefined;
  batchSize: number;
}

function engineWithMode(parts: EngineParts, mode: PreprocessMode): Engine {
  const { model, opened, shapes, runner, inputSize, maxPixels } = parts;
  // embed/export/compare need only the tensor; the scanner's prepare() also hashes the pixels.
  const preprocess: Preprocess = (input) => preprocessImage(input, model.processor, { maxPixels, mode });
  const core: EngineCore = { preprocess, runner, shapes, batchSize: parts.batchSize };
  const view: Engine = {
    model,
    provenance: { ...parts.exactProvenance, preprocessMode: mode },
    preprocessMode: mode,
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
    close: () => runner.close(),
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

/** The one session, run one batch at a time: onnxruntime already uses every core for one run. */
class SessionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inputName: string;
  private readonly planeSize: number;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputSize: InputSize,
  ) {
    const inputName = session.inputNames.includes('pixel_values') ? 'pixel_values' : session.inputNames[0];
    if (inputName === undefined) throw modelError('the ONNX model has no input');
    this.inputName = inputName;
    this.planeSize = 3 * inputSize.height * inputSize.width;
  }

  run(tensors: readonly Float32Array[], plan: OutputPlan): Promise<{ vectors: Float32Array[]; shape: number[] }> {
    const { planeSize, inputSize } = this;
    const batch = new Float32Array(planeSize * tensors.length);
    tensors.forEach((t, i) => {
      if (t.length !== planeSize) throw new Error(`tensor ${i} has ${t.length} values, expected ${planeSize}`);
      batch.set(t, i * planeSize);
    });
    const result = this.queue.then(async () => {
      const input = new ort.Tensor('float32', batch, [tensors.length, 3, inputSize.height, inputSize.width]);
      const out = await this.session.run({ [this.inputName]: input }, [plan.outputName]);
      const t = out[plan.outputName]!;
      try {
        return splitBatch(t.data as Float32Array, t.dims, plan);
      } finally {
        t.dispose();
      }
    });
    this.queue = result.catch(() => undefined);
    return result;
  }

  async close(): Promise<void> {
    await this.queue;
    await this.session.release();
  }
}

/** What the engine's methods share once the model is loaded. */
interface EngineCore {
  preprocess: Preprocess;
  runner: SessionRunner;
  shapes: OutputShapes;
  batchSize: number;
}

async function prepare(preprocess: Preprocess, input: string | Buffer, label?: string): Promise<PreparedImage> {
  const { tensor, decoded } = await preprocess(input);
  return {
    path: label ?? (typeof input === 'string' ? input : '<buffer>'),
    tensor,
    decoded,
    pixelHash: await pixelHash(decoded.rgb),
    // From the RGB already decoded: a box filter over it costs a few ms, a second decode would not.
    pixelThumb: pixelThumb(decoded.rgb),
  };
}

async function runBatch(core: EngineCore, tensors: readonly Float32Array[], opts: { pooled?: boolean } = {}): Promise<Float32Array[]> {
  const plan = opts.pooled === false ? core.shapes.tokenPlan : core.shapes.pooledPlan;
  if (!plan) throw modelError('this model has no last_hidden_state output, so unpooled features are unavailable');
  if (tensors.length === 0) return [];
  return (await core.runner.run(tensors, plan)).vectors;
}

async function embedOne(core: EngineCore, input: string | Buffer, opts: { pooled?: boolean } = {}): Promise<Float32Array> {
  const { tensor } = await core.preprocess(input);
  const [v] = await runBatch(core, [tensor], opts);
  return v!;
}

async function* embedFiles(core: EngineCore, paths: readonly string[], opts: EmbedOptions = {}): AsyncGenerator<EmbedItem> {
  const pending = new PendingBatch(core, opts.pooled !== false, new ProgressMeter(paths.length), opts.onProgress);
  // Decode ahead while the session runs: prepare() is mostly async (sharp on libuv threads).
  const prepared = orderedMap(paths, async (p) => ({ path: p, tensor: (await core.preprocess(p)).tensor }), {
    concurrency: Math.max(2, core.batchSize * 2),
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
