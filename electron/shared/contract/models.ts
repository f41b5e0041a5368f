// The models domain of the contract: the registry, downloads, imports and the model in use.
import { z } from 'zod';
import { modelDtypes } from '../values.js';
import { absolutePath, modelId, noParams } from './common.js';

/** A model's precision (its ONNX file): fp32 full precision, q8 the fast 8-bit one, fp16 for GPUs. */
const modelDtype = z.enum(modelDtypes);

export const modelSchemas = {
  listModels: noParams,
  /** `dtype`: that precision's file (default: the registry's pick); `use`: make it the model and precision in use once downloaded. */
  downloadModel: z.strictObject({ id: modelId, dtype: modelDtype.optional(), use: z.boolean().optional() }),
  importModel: z.strictObject({ path: absolutePath, name: z.string().min(1).max(100).optional() }),
  /** `dtype`: an installed precision of the model (default: its installed default, q8 first). */
  useModel: z.strictObject({ id: modelId, dtype: modelDtype.optional() }),
} satisfies Record<string, z.ZodType>;
