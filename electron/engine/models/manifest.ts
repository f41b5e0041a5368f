// The manifest is written last, atomically, into a model folder once every file in it is verified. Its
// presence is the "complete" marker: a folder without one (an interrupted download) is never loaded.
// Checking it on load is cheap (file sizes); the sha256 it records is what provenance reports.
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { modelDtypes } from '../../shared/values.js';
import { LookalikeError } from '../errors.js';
import type { ModelDtype } from '../types.js';
import { MANIFEST_FILE } from './paths.js';

const fileEntrySchema = z.object({
  size: z.number().int().nonnegative(),
  /** Checked against the file at every engine start; a mismatch refuses to load the model. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /**
   * What vouched for a downloaded file: the registry's pinned sha256; the user's `--trust-server-hash` (only the
   * hub's own X-Linked-Etag); or a small config file's git blob sha1 at the pinned commit. Absent for imports.
   */
  verifiedBy: z.enum(['registry-pin', 'server-hash-trusted', 'git-blob']).optional(),
});

const manifestSchema = z.object({
  schema: z.literal(1),
  /** Registry id (e.g. `Xenova/vit-base-patch16-224-in21k`) or `imported/<name>`. */
  id: z.string().min(1),
  source: z.enum(['hub', 'import']),
  repo: z.string().nullable(),
  /** The revision asked for (a commit hash or a branch). */
  requestedRevision: z.string().nullable(),
  /** The commit the hub served (X-Repo-Commit); null for imports. */
  revision: z.string().nullable(),
  /** Where an import was copied from, for the user's information only. */
  importedFrom: z.string().nullable(),
  /** Relative path (forward slashes) -> size and sha256. */
  files: z.record(z.string(), fileEntrySchema),
  dtypes: z.object({ fp32: z.string().optional(), q8: z.string().optional(), fp16: z.string().optional() }),
  /** The output the embedding is taken from, when known. */
  output: z.string().nullable(),
  updatedAt: z.string(),
});

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ManifestFile = z.infer<typeof fileEntrySchema>;

/** A manifest that is there but unreadable: the model folder is damaged (code `invalid-request`). */
const manifestError = (message: string): LookalikeError => new LookalikeError('invalid-request', message);

export const manifestPath = (modelDir: string): string => path.join(modelDir, MANIFEST_FILE);

/** The manifest, or null when the folder has none (not managed, or never completed). Throws if it is corrupt. */
export async function readManifest(modelDir: string): Promise<ModelManifest | null> {
  let text: string;
  try {
    text = await readFile(manifestPath(modelDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw manifestError(`${manifestPath(modelDir)} is not valid JSON; remove the model and download it again`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    throw manifestError(`${manifestPath(modelDir)} is damaged (${z.prettifyError(parsed.error)}); remove the model and download it again`);
  }
  return parsed.data;
}

/** Writes to a temporary name and renames, so a crash leaves the old manifest or the new one, never half. */
export async function writeManifest(modelDir: string, manifest: ModelManifest): Promise<void> {
  await writeJsonAtomic(manifestPath(modelDir), manifestSchema.parse(manifest));
}

export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await writeFile(tmp, `${JSON.stringify(value, null, 2)}\n`);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Cheap load-time check: every file the manifest lists exists with its recorded size. Returns the problems
 * (empty when sound). Full re-hashing is left to `verifyManifestHashes` because a 350 MB model takes a second.
 */
export async function checkManifestFiles(modelDir: string, manifest: ModelManifest): Promise<string[]> {
  const problems: string[] = [];
  for (const [rel, entry] of Object.entries(manifest.files)) {
    const size = await stat(path.join(modelDir, rel)).then((s) => (s.isFile() ? s.size : -1), () => null);
    if (size === null) problems.push(`${rel} is missing`);
    else if (size !== entry.size) problems.push(`${rel} has ${size} bytes, expected ${entry.size}`);
  }
  return problems;
}

export function manifestDtypes(manifest: ModelManifest): ModelDtype[] {
  return modelDtypes.filter((d) => manifest.dtypes[d] !== undefined);
}
