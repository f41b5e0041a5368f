// Main's view of the library folders. Their one record is the catalog's roots table (which the scanner and the
// CLI share), kept by the engine; main holds the last list it saw so its synchronous checks (may this file be
// trashed? may the media protocol serve it?) need no round trip. Every call that can change the folders goes
// through here, so the copy never goes stale.
import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import type { EngineApi, Root } from '../shared/contract.js';

export interface RootRef {
  path: string;
  reference: boolean;
}

export interface RootRegistry {
  /** The folders as last read from the catalog. */
  get(): RootRef[];
  /** Keeps the answer of any call that returns the folders. */
  keep(roots: Root[]): Root[];
  list(): Promise<Root[]>;
}

export async function openRootRegistry(api: Pick<EngineApi, 'listRoots'>): Promise<RootRegistry> {
  let cached: RootRef[] = [];
  const keep = (roots: Root[]): Root[] => {
    cached = roots.map((r) => ({ path: r.path, reference: r.reference }));
    return roots;
  };
  const registry: RootRegistry = { get: () => cached, keep, list: async () => keep(await api.listRoots(undefined)) };
  await registry.list();
  return registry;
}

const legacySchema = z.array(z.object({ path: z.string(), reference: z.boolean() }));

/**
 * Earlier versions kept the folders in `roots.json`: moved into the catalog once, then the file is renamed
 * (kept, not deleted, in case someone wants it back).
 */
export async function importLegacyRoots(file: string, api: Pick<EngineApi, 'addRoot'>, log?: (line: string) => void): Promise<void> {
  const text = await readFile(file, 'utf8').catch(() => null);
  if (text === null) return;
  let json: unknown = null;
  try {
    json = JSON.parse(text);
  } catch {
    // Not JSON: said below, and left as it is.
  }
  const parsed = legacySchema.safeParse(json);
  if (!parsed.success) {
    log?.(`${file} is not a list of folders; left as it is`);
    return;
  }
  for (const root of parsed.data) await api.addRoot(root).catch((error: unknown) => log?.(`${root.path} not added: ${String(error)}`));
  await rename(file, `${file}.imported`);
  log?.(`moved ${parsed.data.length} library folders from ${file} into the catalog`);
}
