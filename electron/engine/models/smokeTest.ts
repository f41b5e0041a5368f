// Before an imported model is accepted, it must load in onnxruntime and turn one picture into finite numbers.
// This is a gate, not the engine's preprocessing: a cover-resize with the config's rescale/mean/std is enough to
// prove that the graph runs at the size its preprocessor_config.json asks for.
import * as ort from 'onnxruntime-node';
import sharp from 'sharp';
import { LookalikeError } from '../errors.js';
import { disableOrtTelemetry } from '../model/ortEnvironment.js';

export interface SmokeTestResult {
  /** The output the embedding would come from (pooler_output, else image_embeds, else last_hidden_state). */
  output: string;
  dims: number[];
  inputShape: number[];
  ms: number;
}

/** The model failed the gate: the folder the user offered is not usable (code `invalid-request`). */
const smokeTestError = (message: string): LookalikeError => new LookalikeError('invalid-request', message);

type Json = Record<string, unknown>;

const OUTPUT_PREFERENCE = ['pooler_output', 'image_embeds', 'last_hidden_state'];

const asNumber = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : null);

function sizeOf(value: unknown): { height: number; width: number } | null {
  const n = asNumber(value);
  if (n) return { height: n, width: n };
  if (typeof value !== 'object' || value === null) return null;
  const v = value as Json;
  const h = asNumber(v['height']);
  const w = asNumber(v['width']);
  if (h && w) return { height: h, width: w };
  const edge = asNumber(v['shortest_edge']);
  return edge ? { height: edge, width: edge } : null;
}

/** The pixel size the model expects, from the processor config (crop, then resize), else config.json. */
export function expectedInputSize(config: Json, processor: Json): { channels: number; height: number; width: number } {
  const vision = (typeof config['vision_config'] === 'object' && config['vision_config'] !== null
    ? config['vision_config']
    : config) as Json;
  const channels = asNumber(vision['num_channels']) ?? 3;
  const crop = processor['do_center_crop'] !== false ? sizeOf(processor['crop_size']) : null;
  const size = crop ?? sizeOf(processor['size']) ?? sizeOf(vision['image_size']);
  if (!size) throw smokeTestError('cannot tell the input size: preprocessor_config.json has no size or crop_size');
  return { channels, ...size };
}

function triple(value: unknown, fallback: number): [number, number, number] {
  if (Array.isArray(value) && value.length === 3 && value.every((x) => typeof x === 'number')) {
    return value as [number, number, number];
  }
  return [fallback, fallback, fallback];
}

/** A [1, C, H, W] float tensor: the photo when given, else a deterministic colour gradient. */
async function testPixels(processor: Json, channels: number, height: number, width: number, image?: string): Promise<Float32Array> {
  let rgb: Uint8Array;
  if (image) {
    rgb = await sharp(image).rotate().removeAlpha().resize(width, height, { fit: 'cover' }).raw().toBuffer();
  } else {
    rgb = new Uint8Array(width * height * 3);
    for (let i = 0; i < width * height; i++) {
      const x = i % width;
      const y = Math.floor(i / width);
      rgb[i * 3] = (x * 255) / width;
      rgb[i * 3 + 1] = (y * 255) / height;
      rgb[i * 3 + 2] = ((x + y) * 127) / (width + height);
    }
  }
  const rescale = processor['do_rescale'] === false ? 1 : (asNumber(processor['rescale_factor']) ?? 1 / 255);
  const normalize = processor['do_normalize'] !== false;
  const mean = triple(processor['image_mean'], 0.5);
  const std = triple(processor['image_std'], 0.5);
  const out = new Float32Array(channels * height * width);
  const plane = height * width;
  for (let c = 0; c < channels; c++) {
    const src = Math.min(c, 2);
    for (let p = 0; p < plane; p++) {
      const v = (rgb[p * 3 + src] ?? 0) * rescale;
      out[c * plane + p] = normalize ? (v - mean[src]!) / std[src]! : v;
    }
  }
  return out;
}

/** IEEE half-precision bits of a float (round to nearest, enough for a smoke test). */
function toHalf(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exp = ((bits >>> 23) & 0xff) - 127 + 15;
  const mant = bits & 0x7fffff;
  if (exp <= 0) return sign;
  if (exp >= 31) return sign | 0x7c00;
  return sign | (exp << 10) | ((mant + 0x1000) >>> 13);
}

function allFinite(tensor: ort.Tensor): boolean {
  const data = tensor.data;
  if (tensor.type === 'float16' && data instanceof Uint16Array) return data.every((h) => (h & 0x7c00) !== 0x7c00);
  if (data instanceof Float32Array || data instanceof Float64Array) return data.every(Number.isFinite);
  return true;
}

/**
 * Opens a CPU session on `onnxPath`, runs one image and checks the output; throws a LookalikeError
 * (`invalid-request`) otherwise.
 */
export async function smokeTestModel(onnxPath: string, config: Json, processor: Json, image?: string): Promise<SmokeTestResult> {
  const started = performance.now();
  let session: ort.InferenceSession;
  disableOrtTelemetry();
  try {
    session = await ort.InferenceSession.create(onnxPath, { executionProviders: ['cpu'], graphOptimizationLevel: 'basic' });
  } catch (err) {
    throw smokeTestError(`onnxruntime cannot load ${onnxPath}: ${(err as Error).message.split('\n')[0]}`);
  }
  try {
    const meta = session.inputMetadata[0];
    const name = session.inputNames[0];
    if (!meta || !name) throw smokeTestError(`${onnxPath} has no inputs`);
    const size = expectedInputSize(config, processor);
    const pixels = await testPixels(processor, size.channels, size.height, size.width, image);
    const shape = [1, size.channels, size.height, size.width];
    const isHalf = meta.isTensor && meta.type === 'float16';
    const input = isHalf
      ? new ort.Tensor('float16', Uint16Array.from(pixels, toHalf), shape)
      : new ort.Tensor('float32', pixels, shape);
    let outputs: ort.InferenceSession.OnnxValueMapType;
    try {
      outputs = await session.run({ [name]: input });
    } catch (err) {
      throw smokeTestError(
        `${onnxPath} failed on a ${shape.join('x')} input (from preprocessor_config.json): ${(err as Error).message.split('\n')[0]}`,
      );
    }
    const outputName = OUTPUT_PREFERENCE.find((n) => n in outputs) ?? session.outputNames[0];
    const tensor = outputName ? outputs[outputName] : undefined;
    try {
      if (!outputName || !tensor || tensor.size === 0) throw smokeTestError(`${onnxPath} produced no output`);
      if (!allFinite(tensor)) throw smokeTestError(`${onnxPath} produced NaN or infinite values on a test image`);
      return { output: outputName, dims: [...tensor.dims], inputShape: shape, ms: performance.now() - started };
    } finally {
      for (const t of Object.values(outputs)) t.dispose();
    }
  } finally {
    await session.release();
  }
}
