// One preprocessing worker thread (preprocessPool.ts): decodes and preprocesses the photos it is sent, one at a
// time, and posts back the tensor (its buffer transferred, not copied) and the small results. The full-size RGB
// stays here and is dropped with the job.
//
// Test-only fault, read only when NODE_ENV=test: LOOKALIKE_TEST_WORKER_EXIT_ON=<basename> ends this worker
// thread (not the process) when it is sent that file, as a worker that died would.
import path from 'node:path';
import { parentPort, workerData } from 'node:worker_threads';
import { isLookalikeError } from '../errors.js';
import type { ProcessorConfig } from '../types.js';
import { prepareImage } from './prepareImage.js';
import type { PoolReply, PoolRequest } from './preprocessPool.js';

export interface WorkerSetup {
  processor: ProcessorConfig;
}

const port = parentPort;
if (!port) throw new Error('preprocessWorker.ts runs as a worker thread only');
const { processor } = workerData as WorkerSetup;
const exitOn = process.env['NODE_ENV'] === 'test' ? process.env['LOOKALIKE_TEST_WORKER_EXIT_ON'] || null : null;

async function handle(req: PoolRequest): Promise<void> {
  if (exitOn && typeof req.label === 'string' && path.basename(req.label) === exitOn) process.exit(3);
  const input = typeof req.input === 'string' ? req.input : Buffer.from(req.input.buffer, req.input.byteOffset, req.input.byteLength);
  let reply: PoolReply;
  try {
    const r = await prepareImage({ input, mode: req.mode, maxPixels: req.maxPixels, extras: req.extras }, processor);
    reply = { id: req.id, ok: true, tensor: r.tensor, decoded: r.decoded, pixelHash: r.pixelHash, pixelThumb: r.pixelThumb };
    port!.postMessage(reply, [r.tensor.buffer as ArrayBuffer, ...(r.pixelThumb ? [r.pixelThumb.buffer as ArrayBuffer] : [])]);
  } catch (error) {
    const code = isLookalikeError(error) ? error.code : 'internal';
    reply = { id: req.id, ok: false, code, message: error instanceof Error ? error.message : String(error) };
    port!.postMessage(reply);
  }
}

port.on('message', (req: PoolRequest) => void handle(req));
port.postMessage({ ready: true });
