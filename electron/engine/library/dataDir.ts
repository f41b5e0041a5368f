// The one data folder both front ends use: the catalog, the models and the settings live side by side in it, so
// a library scanned with `lookalike scan` is the library the app opens. Resolved once, here.
import { existsSync } from 'node:fs';
import { mkdir, readdir, rename } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

export const DATA_DIR_ENV = 'LOOKALIKE_DATA_DIR';
export const CATALOG_FILE = 'catalog.db';
export const SETTINGS_FILE = 'settings.json';

export interface DataPaths {
  dataDir: string;
  catalog: string;
  models: string;
  settings: string;
  thumbnails: string;
}

/**
 * `--data-dir`, else `$LOOKALIKE_DATA_DIR`, else the platform's app data folder: `$XDG_DATA_HOME/lookalike`
 * (`~/.local/share/lookalike`) on Linux, `~/Library/Application Support/Lookalike` on macOS, `%APPDATA%\Lookalike`
 * on Windows. A relative XDG_DATA_HOME is ignored, as the XDG spec says.
 */
export function resolveDataDir(flag: string | undefined, env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (flag) return path.resolve(flag);
  const fromEnv = env[DATA_DIR_ENV];
  if (fromEnv) return path.resolve(fromEnv);
  const home = env['HOME'] || os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Application Support', 'Lookalike');
  if (platform === 'win32') return path.join(env['APPDATA'] || path.join(home, 'AppData', 'Roaming'), 'Lookalike');
  const xdg = env['XDG_DATA_HOME'];
  return path.join(xdg && path.isAbsolute(xdg) ? xdg : path.join(home, '.local', 'share'), 'lookalike');
}

/** Everything in the data folder; `catalog` may be overridden (`--db FILE`) without moving the rest. */
export function dataPaths(dataDir: string, catalogOverride?: string): DataPaths {
  const dir = path.resolve(dataDir);
  return {
    dataDir: dir,
    catalog: catalogOverride ? path.resolve(catalogOverride) : path.join(dir, CATALOG_FILE),
    models: path.join(dir, 'models'),
    settings: path.join(dir, SETTINGS_FILE),
    thumbnails: path.join(dir, 'thumbnails'),
  };
}

const LEGACY_ENTRIES = [CATALOG_FILE, `${CATALOG_FILE}-wal`, `${CATALOG_FILE}-shm`, SETTINGS_FILE, 'models', 'roots.json'];

/**
 * Earlier app versions kept their own library in Electron's userData folder. Moved into the data folder once,
 * entry by entry, never over something already there (a CLI library wins and the old copy stays where it was,
 * with a message saying so). Returns the lines to tell the user.
 */
export async function adoptLegacyData(legacyDir: string, paths: DataPaths): Promise<string[]> {
  const from = path.resolve(legacyDir);
  if (from === paths.dataDir || !existsSync(path.join(from, CATALOG_FILE))) return [];
  const present = new Set(await readdir(from));
  await mkdir(paths.dataDir, { recursive: true });
  const catalogTaken = existsSync(paths.catalog);
  const lines: string[] = [];
  for (const name of LEGACY_ENTRIES.filter((n) => present.has(n))) {
    const isCatalogPart = name.startsWith(CATALOG_FILE);
    const to = path.join(paths.dataDir, name);
    if ((isCatalogPart && catalogTaken) || existsSync(to)) {
      if (name === CATALOG_FILE) lines.push(`kept the old app library at ${path.join(from, name)}: ${to} already exists (it is the library in use)`);
      continue;
    }
    try {
      await rename(path.join(from, name), to);
      if (!isCatalogPart || name === CATALOG_FILE) lines.push(`moved ${path.join(from, name)} to ${to}`);
    } catch (error) {
      // Another volume (EXDEV) or a permission problem: the old copy stays, nothing is lost.
      lines.push(`could not move ${path.join(from, name)} to ${to} (${(error as Error).message}); left where it was`);
    }
  }
  return lines;
}
