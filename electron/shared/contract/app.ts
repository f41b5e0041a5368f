// The app domain of the contract: status, dialogs, jobs, settings and the shell.
import { z } from 'zod';
import { settingsSchema } from '../../engine/library/settings.js';
import { featureFormats, folderPurposes, resultFormats } from '../values.js';
import { absolutePath, jobRef, noParams } from './common.js';

/** A file name the save dialog proposes: a name, never a path. */
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((n) => !/[\\/\0]/.test(n) && n !== '.' && n !== '..', 'a file name, not a path');
const saveFormats = [...new Set([...featureFormats, ...resultFormats])] as [string, ...string[]];

export const appSchemas = {
  getStatus: noParams,
  pickFiles: z.strictObject({ title: z.string().max(200).optional(), multiple: z.boolean().optional() }).optional(),
  pickFolder: z.strictObject({ title: z.string().max(200).optional(), purpose: z.enum(folderPurposes) }),
  pickSaveFile: z.strictObject({ title: z.string().max(200).optional(), defaultName: fileName, format: z.enum(saveFormats) }),
  pauseJob: jobRef,
  resumeJob: jobRef,
  cancelJob: jobRef,
  listJobs: noParams,
  getSettings: noParams,
  setSettings: settingsSchema.partial(),
  showInFolder: z.strictObject({ path: absolutePath }),
} satisfies Record<string, z.ZodType>;
