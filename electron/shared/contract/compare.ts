// The compare domain of the contract: two photos side by side.
import { z } from 'zod';
import { absolutePath } from './common.js';

export const compareSchemas = {
  compare: z.strictObject({ a: absolutePath, b: absolutePath }),
} satisfies Record<string, z.ZodType>;
