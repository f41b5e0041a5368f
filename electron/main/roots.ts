// Main's view of the library folders. Their one record is the catalog's roots table (which the scanner and the
// CLI share), kept by the engine worker; main holds the last list it saw so its synchronous checks (may this
// file be trashed? may the media protocol serve it?) need no round trip.
import { readFile, rename } from 'node:fs/promises';
import { z } from 'zod';
import type { Root } from '../shared/contract.js';
import type { EngineHost } from './host/engineHost.js';
import type { RootRef } from './host/protocol.js';

export interface RootRegistry {
  /** The folders as last read from the catalog. */
  get(): RootRef[];
  /** Reads them again, with file counts. */
  list(): Promise<Root[]>;
  add(path: string, reference: boolean): Promise<Root[]>;
  remove(path: string): Promise<Root[]>;
}

export async function openRootRegistry(host: EngineHost): Promise<RootRegistry> {
  let cached: RootRef[] = [];
  const keep = (roots: Root[]): Root[] => {
    cached = roots.map((r) => ({ path: r.path, reference: r.reference }));
    return roots;
  };
  const registry: RootRegistry = {
    get: () => cached,
    list: async () => keep(await host.call('listRoots', {})),
    add: async (path, reference) => keep(await host.call('addRoot', { path, reference })),
    remove: async (path) => keep(await host.call('removeRoot', { path })),
  };
  await registry.list();
  return registry;
}

const legacySchema = z.array(z.object({ path: z.string(), reference: z.boolean() }));

/**
 * Earlier versions kept the folders in `roots.json`: moved into the catalog once, then the file is renamed
 * (kept, not deleted, in case someone wants it back).
 */
export async function importLegacyRoots(file: string, registry: RootRegistry, log?: (line: string) => void): Promise<void> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = null;
  }
  const parsed = legacySchema.safeParse(json);
  if (!parsed.success) {
    log?.(`${file} is not a list of folders; left as it is`);
    return;
  }
  for (const root of parsed.data) await registry.add(root.path, root.reference);
  await rename(file, `${file}.imported`);
  log?.(`moved ${parsed.data.length} library folders from ${file} into the catalog`);
}
