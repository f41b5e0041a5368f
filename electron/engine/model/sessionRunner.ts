// The engine's one onnxruntime session, run one batch at a time, fed a batch buffer built from the tensors.
import * as ort from 'onnxruntime-node';
import { LookalikeError } from '../errors.js';
import { splitBatch, type OutputPlan } from '../pipeline/pooling.js';

type InputSize = { height: number; width: number };

/** The one session, run one batch at a time: one run already keeps all of onnxruntime's threads busy. */
export class SessionRunner {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly inputName: string;
  private readonly planeSize: number;

  constructor(
    private readonly session: ort.InferenceSession,
    private readonly inputSize: InputSize,
  ) {
    const inputName = session.inputNames.includes('pixel_values') ? 'pixel_values' : session.inputNames[0];
    if (inputName === undefined) throw new LookalikeError('invalid-request', 'the ONNX model has no input');
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
