// The models domain of the contract: the registry, downloads, imports and the model in use.
import { z } from 'zod';
import { absolutePath, modelId, noParams } from './common.js';

export const modelSchemas = {
  listModels: noParams,
  downloadModel: z.strictObject({ id: modelId }),
  importModel: z.strictObject({ path: absolutePath, name: z.string().min(1).max(100).optional() }),
  useModel: z.strictObject({ id: modelId }),
} satisfies Record<string, z.ZodType>;
