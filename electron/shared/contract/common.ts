// Request schemas shared by every domain of the contract.
import { z } from 'zod';
import { absolutePath, thresholdSchema } from '../../engine/library/settings.js';

export { absolutePath };
export const noParams = z.strictObject({}).optional();
export const jobRef = z.strictObject({ jobId: z.string().min(1).max(100) });
export const threshold = thresholdSchema;
export const modelId = z.string().min(1).max(300);
