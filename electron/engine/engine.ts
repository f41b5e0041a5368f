// The engine's one public entry: photo in, embedding out, as the HF image-feature-extraction pipeline does it.
// Three stages kept apart (transformers.js' shape): decode+preprocess (Pillow-faithful), run (one long-lived
// onnxruntime session), postprocess (pooling). Pure Node: never imports electron.
import os from 'node:os';
import * as ort from 'onnxruntime-node';
import { loadModelFolder, ModelFolderError, type ModelFolder } from './model/modelFolder.js';
import { openSession, type GraphOptimization } from './model/session.js';
import { readModelProvenance } from './models/provenance.js';
import { orderedMap } from './pipeline/orderedMap.js';
import { planOutput, splitBatch, type OutputPlan } from './pipeline/pooling.js';
import { ProgressMeter } from './pipeline/progress.js';
import { preprocessImage, type DecodedImage } from './preprocess/index.js';
import { pixelHash } from './preprocess/index.js';
import { pixelThumb } from './similarity/pixelThumb.js';
import type {
  DeviceChoice,
  EmbedItem,
  JobOptions,
  ModelDtype,
  ModelProvenance,
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
  prepare(input: string | Buffer, label?: string): Promise<PreparedImage>;
  runBatch(tensors: readonly Float32Array[], opts?: { pooled?: boolean }): Promise<Float32Array[]>;
  embedFiles(paths: readonly string[], opts?: EmbedOptions): AsyncGenerator<EmbedItem>;
  embedOne(input: string | Buffer, opts?: { pooled?: boolean }): Promise<Float32Array>;
  close(): Promise<void>;
}

function fixedInputSize(p: ProcessorConfig): { height: number; width: number } {
  if (p.doCenterCrop && p.cropSize) return p.cropSize;
  if ('height' in p.size) return p.size;
  throw new ModelFolderError('the processor resizes by shortest edge without a center crop: variable input sizes are not supported');
}

export async function createEngine(config: EngineConfig): Promise<Engine> {
  const model = await loadModelFolder(config.modelDir, config.dtype ?? 'fp32');
  const inputSize = fixedInputSize(model.processor);
  const threads = config.threads ?? os.availableParallelism();
  const opened = await openSession(model.onnxPath, [1, 3, inputSize.height, inputSize.width], {
    device: config.device ?? 'auto',
    threads,
    // 'extended' measured ~5% faster than 'all' on ViT-B/16 here (npm run bench -- engine), and never slower.
    graphOptimization: config.graphOptimization ?? 'extended',
    log: config.log,
  });
  const session = opened.session;
  const inputName = session.inputNames.includes('pixel_values') ? 'pixel_values' : session.inputNames[0];
  if (inputName === undefined) throw new ModelFolderError('the ONNX model has no input');
  const pooledPlan = planOutput(session.outputNames, true);
  const tokenPlan: OutputPlan | null = session.outputNames.includes('last_hidden_state')
    ? planOutput(session.outputNames, false)
    : null;
  // The model manager's manifest names a downloaded model and its revision; other folders are hashed once.
  const provenance: ModelProvenance = await readModelProvenance(model.dir, {
    preprocessVersion: PREPROCESS_VERSION,
    dtype: model.dtype,
    processor: model.processor,
  });
  const planeSize = 3 * inputSize.height * inputSize.width;
  const maxPixels = config.maxPixels;
  const batchSize = Math.max(1, config.batchSize ?? 4);

  // Runs are serialised: one session, and onnxruntime already uses every core for one run.
  let queue: Promise<unknown> = Promise.resolve();
  function run(tensors: readonly Float32Array[], plan: OutputPlan): Promise<{ vectors: Float32Array[]; shape: number[] }> {
    const batch = new Float32Array(planeSize * tensors.length);
    tensors.forEach((t, i) => {
      if (t.length !== planeSize) throw new Error(`tensor ${i} has ${t.length} values, expected ${planeSize}`);
      batch.set(t, i * planeSize);
    });
    const result = queue.then(async () => {
      const input = new ort.Tensor('float32', batch, [tensors.length, 3, inputSize.height, inputSize.width]);
      const out = await session.run({ [inputName!]: input }, [plan.outputName]);
      const t = out[plan.outputName]!;
      try {
        return splitBatch(t.data as Float32Array, t.dims, plan);
      } finally {
        t.dispose();
      }
    });
    queue = result.catch(() => undefined);
    return result;
  }

  async function runBatch(tensors: readonly Float32Array[], opts: { pooled?: boolean } = {}): Promise<Float32Array[]> {
    const plan = opts.pooled === false ? tokenPlan : pooledPlan;
    if (!plan) throw new Error('this model has no last_hidden_state output, so unpooled features are unavailable');
    if (tensors.length === 0) return [];
    return (await run(tensors, plan)).vectors;
  }

  // Shapes from the session's warm-up run, so front ends can size buffers and exports before any image.
  const hidden = opened.outputDims['last_hidden_state'];
  const pooledDims = pooledPlan.pooling === 'cls_token' ? hidden : opened.outputDims[pooledPlan.outputName];
  if (!pooledDims) throw new ModelFolderError(`the warm-up run gave no ${pooledPlan.outputName} output`);
  const dim = pooledDims[pooledDims.length - 1]!;
  const tokens = hidden?.[1] ?? 1;
  const tokenDim = hidden?.[2] ?? dim;

  // embed/export/compare need only the tensor; the scanner's prepare() also hashes the pixels.
  const preprocess = (input: string | Buffer) => preprocessImage(input, model.processor, { maxPixels });

  async function prepare(input: string | Buffer, label?: string): Promise<PreparedImage> {
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

  async function* embedFiles(paths: readonly string[], opts: EmbedOptions = {}): AsyncGenerator<EmbedItem> {
    const pooled = opts.pooled !== false;
    const meter = new ProgressMeter(paths.length);
    const report = (current: string | null) => opts.onProgress?.(meter.snapshot(current));
    // Failures wait in line with the images around them, so results come out in input order.
    type Ready = { path: string; tensor: Float32Array };
    let pending: (Ready | { path: string; error: string })[] = [];
    let pendingOk = 0;
    const flush = async function* (): AsyncGenerator<EmbedItem> {
      if (pending.length === 0) return;
      const items = pending;
      pending = [];
      pendingOk = 0;
      const ready = items.filter((p): p is Ready => 'tensor' in p);
      let vectors: Float32Array[] = [];
      let runError: string | null = null;
      try {
        vectors = await runBatch(ready.map((p) => p.tensor), { pooled });
      } catch (err) {
        runError = `inference failed: ${(err as Error).message}`;
      }
      let k = 0;
      for (const p of items) {
        if (!('tensor' in p)) {
          meter.fail();
          yield { path: p.path, ok: false, error: p.error };
        } else if (runError !== null) {
          meter.fail();
          yield { path: p.path, ok: false, error: runError };
        } else {
          meter.succeed();
          yield { path: p.path, ok: true, embedding: vectors[k++]!, shape: pooled ? [dim] : [tokens, tokenDim] };
        }
      }
      report(items[items.length - 1]!.path);
    };
    // Decode ahead while the session runs: prepare() is mostly async (sharp on libuv threads).
    const prepared = orderedMap(paths, async (p) => ({ path: p, tensor: (await preprocess(p)).tensor }), {
      concurrency: Math.max(2, batchSize * 2),
      signal: opts.signal,
    });
    for await (const r of prepared) {
      if (opts.signal?.aborted) return;
      pending.push(r.ok ? r.value : { path: r.input, error: r.error });
      if (r.ok && ++pendingOk >= batchSize) yield* flush();
    }
    if (!opts.signal?.aborted) yield* flush();
  }

  async function embedOne(input: string | Buffer, opts: { pooled?: boolean } = {}): Promise<Float32Array> {
    const { tensor } = await preprocess(input);
    const [v] = await runBatch([tensor], opts);
    return v!;
  }

  return {
    model,
    provenance,
    device: opened.device,
    deviceFallbacks: opened.fallbacks,
    pooling: pooledPlan.pooling as PoolingSource,
    dim,
    tokens,
    tokenDim,
    inputSize,
    batchSize,
    prepare,
    runBatch,
    embedFiles,
    embedOne,
    close: async () => {
      await queue;
      await session.release();
    },
  };
}
