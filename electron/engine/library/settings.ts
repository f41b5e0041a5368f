// The library's settings: one JSON file in the data folder, read by the CLI and the app alike (so a threshold or
// keep-rule order chosen in the app is what `lookalike dupes` uses). Validated with the schema below, which the
// contract also uses for `setSettings`; a missing or broken file means the defaults, never a crash.
import { z } from 'zod';
import { DEFAULT_THRESHOLD, deviceChoices, keepRules, preprocessModes, rawJpegRules, themes } from '../../shared/values.js';
import { openJsonStore, type JsonStore } from './jsonStore.js';

/** An absolute path (POSIX `/…`, Windows `C:\…` or `\\server\share`), no NUL byte, bounded length. */
export const absolutePath = z
  .string()
  .min(1, 'path is empty')
  .max(4096, 'path is longer than 4096 characters')
  .refine((p) => !p.includes('\0'), 'path contains a NUL byte')
  .refine((p) => /^(\/|[A-Za-z]:[\\/]|\\\\)/.test(p), 'path must be absolute');

export const thresholdSchema = z.number().min(0).max(100);

export const settingsSchema = z.strictObject({
  /** Near-duplicate threshold on the 0–100 scale. */
  threshold: thresholdSchema,
  device: z.enum(deviceChoices),
  /** onnxruntime threads; null = all cores. */
  threads: z.int().min(1).max(256).nullable(),
  /** How scans turn photos into pixel values (exact: Pillow's, bit for bit; fast: big JPEGs DCT-scaled first). */
  preprocess: z.enum(preprocessModes),
  theme: z.enum(themes),
  /** Where "move" puts duplicates by default; null = ask. */
  moveDest: absolutePath.nullable(),
  /** Glob patterns (picomatch, matched against absolute paths) that scans skip and resolve never touches. */
  excludeGlobs: z.array(z.string().min(1).max(500)).max(200),
  /** The keep-best rules in the order they apply (each at most once). */
  keepRules: z
    .array(z.enum(keepRules))
    .min(1)
    .max(keepRules.length)
    .refine((rules) => new Set(rules).size === rules.length, 'a keep rule appears twice'),
  /** Folders in order of preference for the `folder` keep rule (a copy in an earlier one is kept). */
  preferFolders: z.array(absolutePath).max(100),
  /** RAW+JPEG pairs in resolve: keep both (default), or drop the JPEG when its RAW is kept (or the reverse). */
  rawJpegPairs: z.enum(rawJpegRules),
});
export type Settings = z.infer<typeof settingsSchema>;

/** Library scans' default: see README's "Preprocessing modes" for the measurements behind it. */
export const DEFAULT_PREPROCESS = 'exact' as const;

/** What a first run starts with. */
export function defaultSettings(): Settings {
  return {
    threshold: DEFAULT_THRESHOLD,
    device: 'auto',
    threads: null,
    preprocess: DEFAULT_PREPROCESS,
    theme: 'system',
    moveDest: null,
    excludeGlobs: [],
    keepRules: [...keepRules],
    preferFolders: [],
    rawJpegPairs: 'keep-both',
  };
}

export type SettingsStore = JsonStore<Settings>;

export function openSettings(file: string, log?: (line: string) => void): Promise<SettingsStore> {
  return openJsonStore(file, settingsSchema, defaultSettings(), log);
}
