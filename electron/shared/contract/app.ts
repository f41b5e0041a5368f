// The app domain of the contract: status, dialogs, jobs, settings and the shell.
import { z } from 'zod';
import { settingsSchema } from '../../engine/library/settings.js';
import { absolutePath, jobRef, noParams } from './common.js';

export const appSchemas = {
  getStatus: noParams,
  pickFiles: z.strictObject({ title: z.string().max(200).optional(), multiple: z.boolean().optional() }).optional(),
  pickFolder: z.strictObject({ title: z.string().max(200).optional() }).optional(),
  pauseJob: jobRef,
  resumeJob: jobRef,
  cancelJob: jobRef,
  listJobs: noParams,
  getSettings: noParams,
  setSettings: settingsSchema.partial(),
  showInFolder: z.strictObject({ path: absolutePath }),
} satisfies Record<string, z.ZodType>;
