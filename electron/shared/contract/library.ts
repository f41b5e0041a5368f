// The library domain of the contract: folders, scans, groups, resolution, undo and search.
import { z } from 'zod';
import { resolveActions, tiers } from '../values.js';
import { absolutePath, noParams, threshold } from './common.js';

export const librarySchemas = {
  listRoots: noParams,
  addRoot: z.strictObject({ path: absolutePath, reference: z.boolean() }),
  removeRoot: z.strictObject({ path: absolutePath }),
  startScan: z.strictObject({ roots: z.array(absolutePath).max(1000).optional() }).optional(),
  listFailed: noParams,
  // offset/limit: the Review list asks for pages; totals always count every group.
  getGroups: z.strictObject({
    threshold,
    tiers: z.array(z.enum(tiers)).min(1).optional(),
    offset: z.number().int().min(0).optional(),
    limit: z.number().int().min(1).max(10_000).optional(),
  }),
  resolveGroup: z
    .strictObject({
      keep: absolutePath,
      targets: z.array(absolutePath).min(1, 'nothing to resolve: targets is empty').max(10_000),
      action: z.enum(resolveActions),
      dest: absolutePath.optional(),
      /** The threshold the groups were shown at: keep and targets must be one group there (default: the last getGroups). */
      threshold: threshold.optional(),
    })
    .refine((r) => r.action !== 'move' || r.dest !== undefined, { message: 'action "move" needs dest', path: ['dest'] })
    .refine((r) => !r.targets.includes(r.keep), { message: 'the kept file is also a target', path: ['targets'] }),
  markNotDuplicate: z.strictObject({ paths: z.array(absolutePath).min(2).max(10_000) }),
  undo: z.strictObject({ actionId: z.string().min(1).max(100).optional() }).optional(),
  resolveAll: z
    .strictObject({
      threshold,
      tiers: z.array(z.enum(tiers)).min(1).optional(),
      action: z.enum(resolveActions),
      dest: absolutePath.optional(),
      dryRun: z.boolean(),
    })
    .refine((r) => r.action !== 'move' || r.dest !== undefined, { message: 'action "move" needs dest', path: ['dest'] }),
  search: z.strictObject({ path: absolutePath, top: z.int().min(1).max(1000) }),
  startCalibration: z.strictObject({ sample: z.int().min(2).max(5000).optional() }).optional(),
  getCalibration: noParams,
} satisfies Record<string, z.ZodType>;
