// The export domain of the contract: feature arrays and duplicate results as files.
import { z } from 'zod';
import { featureDtypes, featureFormats, resultFormats } from '../values.js';
import { absolutePath, threshold } from './common.js';

export const exportSchemas = {
  exportFeatures: z.strictObject({
    /** Files and folders to embed; absent = every file in the catalog. */
    inputs: z.array(absolutePath).min(1).max(100_000).optional(),
    out: absolutePath,
    format: z.enum(featureFormats).optional(),
    dtype: z.enum(featureDtypes).optional(),
    pooled: z.boolean(),
    /** Replace an existing file: set only after the user confirmed it in a save dialog; else a `conflict`. */
    overwrite: z.boolean().optional(),
  }),
  exportResults: z.strictObject({ format: z.enum(resultFormats), out: absolutePath, threshold, overwrite: z.boolean().optional() }),
} satisfies Record<string, z.ZodType>;
