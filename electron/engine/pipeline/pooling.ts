// Postprocess, as the HF image-feature-extraction pipeline does: pooled = pooler_output, else image_embeds,
// else the CLS token of last_hidden_state (HF raises there; we use it and say so); unpooled = last_hidden_state.
import { LookalikeError } from '../errors.js';
import type { PoolingSource } from '../types.js';

export interface OutputPlan {
  /** The session output to fetch. */
  outputName: string;
  pooling: PoolingSource | 'none';
}

export function planOutput(outputNames: readonly string[], pooled: boolean): OutputPlan {
  if (pooled) {
    if (outputNames.includes('pooler_output')) return { outputName: 'pooler_output', pooling: 'pooler_output' };
    if (outputNames.includes('image_embeds')) return { outputName: 'image_embeds', pooling: 'image_embeds' };
  }
  if (outputNames.includes('last_hidden_state')) {
    return { outputName: 'last_hidden_state', pooling: pooled ? 'cls_token' : 'none' };
  }
  throw new LookalikeError(
    'invalid-request',
    `model outputs (${outputNames.join(', ')}) have none of ` +
      (pooled ? 'pooler_output, image_embeds, last_hidden_state' : 'last_hidden_state'),
  );
}

/**
 * Splits a batch output into one Float32Array per image (copies, so the batch buffer can be freed).
 * For `cls_token` pooling only token 0 of each [tokens, dim] block is kept.
 */
export function splitBatch(
  data: Float32Array,
  dims: readonly number[],
  plan: OutputPlan,
): { vectors: Float32Array[]; shape: number[] } {
  const batch = dims[0] ?? 0;
  const perItem = batch > 0 ? data.length / batch : 0;
  const vectors: Float32Array[] = [];
  if (plan.pooling === 'cls_token') {
    const dim = dims[dims.length - 1] ?? 0;
    for (let i = 0; i < batch; i++) vectors.push(data.slice(i * perItem, i * perItem + dim));
    return { vectors, shape: [dim] };
  }
  for (let i = 0; i < batch; i++) vectors.push(data.slice(i * perItem, (i + 1) * perItem));
  return { vectors, shape: dims.slice(1) };
}
