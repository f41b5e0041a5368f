// One long-lived onnxruntime-node session per model, on the best device that actually works.
// onnxruntime does not fall back by itself (['webgpu','cpu'] fails outright without an adapter), so `auto`
// tries each GPU provider alone, keeps the first that creates a session AND runs a warm-up, and else uses CPU.
import { existsSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as ort from 'onnxruntime-node';
import { LookalikeError } from '../errors.js';
import type { DeviceChoice, ResolvedDevice } from '../types.js';
import { disableOrtTelemetry } from './ortEnvironment.js';

export type GraphOptimization = 'disabled' | 'basic' | 'extended' | 'all';

export interface SessionOptions {
  device: DeviceChoice;
  /** Intra-op threads; 0 lets onnxruntime use all cores. */
  threads: number;
  graphOptimization: GraphOptimization;
  /** Called with a line for each provider that was tried and skipped. */
  log?: (line: string) => void;
}

export interface OpenedSession {
  session: ort.InferenceSession;
  device: ResolvedDevice;
  /** Why the providers before `device` were skipped, for the user. */
  fallbacks: string[];
  /** Each output's shape for a batch of one, from the warm-up run. */
  outputDims: Record<string, readonly number[]>;
}

const providerName: Record<ResolvedDevice, string> = {
  cpu: 'cpu',
  webgpu: 'webgpu',
  cuda: 'cuda',
  dml: 'dml',
  coreml: 'coreml',
};

/** GPU providers worth trying on this platform, best first. */
export function gpuCandidates(platform: NodeJS.Platform = process.platform): ResolvedDevice[] {
  const bundled = new Set(ort.listSupportedBackends().map((b) => b.name));
  const order: ResolvedDevice[] =
    platform === 'win32' ? ['cuda', 'dml', 'webgpu'] : platform === 'darwin' ? ['coreml', 'webgpu'] : ['cuda', 'webgpu'];
  // CUDA is listed but not bundled unless the user installed its libraries (see README, GPU notes).
  return order.filter((d) => bundled.has(providerName[d]) && (d !== 'cuda' || isCudaInstalled()));
}

/** onnxruntime-node lists CUDA on Linux/Windows but ships its provider library only after the opt-in install. */
function isCudaInstalled(): boolean {
  const dist = path.dirname(createRequire(import.meta.url).resolve('onnxruntime-node'));
  const dir = path.join(dist, '..', 'bin', 'napi-v6', process.platform, process.arch);
  const lib = process.platform === 'win32' ? 'onnxruntime_providers_cuda.dll' : 'libonnxruntime_providers_cuda.so';
  return existsSync(path.join(dir, lib));
}

/**
 * On Linux a GPU shows up as a DRM render node or an NVIDIA device node. Without one, Vulkan (hence WebGPU) can
 * only be Mesa's software lavapipe, which is slower than onnxruntime's own CPU kernels: `auto` skips it then.
 * Asking for `--device webgpu` explicitly still uses it (CI tests the WebGPU path that way).
 */
function missingGpuReason(): string | null {
  if (process.platform !== 'linux') return null;
  const hasNode = (dir: string, prefix: string) => {
    try {
      return readdirSync(dir).some((f) => f.startsWith(prefix));
    } catch {
      return false;
    }
  };
  if (hasNode('/dev/dri', 'renderD') || hasNode('/dev', 'nvidia')) return null;
  return 'no GPU device node (/dev/dri/renderD*, /dev/nvidia*), so WebGPU could only run on a software rasteriser';
}

function sessionOptions(device: ResolvedDevice, opts: SessionOptions): ort.InferenceSession.SessionOptions {
  return {
    executionProviders: [providerName[device]],
    graphOptimizationLevel: opts.graphOptimization,
    intraOpNumThreads: opts.threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    // Errors only: onnxruntime's node-placement warnings are noise on every WebGPU session.
    logSeverityLevel: 3,
  };
}

/**
 * Run once with a batch of one so a provider that creates but cannot execute is caught here, not mid-scan.
 * The run's output shapes are kept: the engine sizes its vectors from them without another run.
 */
async function warmUp(session: ort.InferenceSession, inputShape: number[]): Promise<Record<string, readonly number[]>> {
  const size = inputShape.reduce((a, b) => a * b, 1);
  const name = session.inputNames[0];
  if (name === undefined) throw new LookalikeError('invalid-request', 'model has no inputs');
  const out = await session.run({ [name]: new ort.Tensor('float32', new Float32Array(size), inputShape) });
  const dims: Record<string, readonly number[]> = {};
  for (const [output, t] of Object.entries(out)) {
    dims[output] = [...t.dims];
    t.dispose();
  }
  return dims;
}

export async function openSession(
  onnxPath: string,
  inputShape: number[],
  opts: SessionOptions,
): Promise<OpenedSession> {
  const fallbacks: string[] = [];
  let candidates: ResolvedDevice[] = [opts.device === 'auto' ? 'cpu' : opts.device];
  if (opts.device === 'auto') {
    const gpus = gpuCandidates();
    const missing = missingGpuReason();
    if (missing && gpus.length) {
      fallbacks.push(`${gpus.join(', ')}: ${missing}`);
      opts.log?.(`GPU providers skipped: ${missing}`);
    } else {
      candidates = [...gpus, 'cpu'];
    }
  }
  for (const device of candidates) {
    let session: ort.InferenceSession | undefined;
    try {
      disableOrtTelemetry();
      session = await ort.InferenceSession.create(onnxPath, sessionOptions(device, opts));
      const outputDims = await warmUp(session, inputShape);
      return { session, device, fallbacks, outputDims };
    } catch (err) {
      await session?.release().catch(() => undefined);
      const reason = `${device}: ${firstLine((err as Error).message)}`;
      if (opts.device !== 'auto') throw new LookalikeError('unavailable', `cannot use device ${reason}`, { cause: err });
      fallbacks.push(reason);
      opts.log?.(`device ${device} unavailable, falling back (${reason})`);
    }
  }
  throw new LookalikeError('unavailable', `no device could run the model: ${fallbacks.join('; ')}`);
}

function firstLine(text: string): string {
  return (text.split('\n').find((l) => l.trim()) ?? text).trim().slice(0, 300);
}
