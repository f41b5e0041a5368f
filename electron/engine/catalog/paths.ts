// Where the CLI keeps its catalog when no --db is given (the Electron app passes its userData path instead).
import os from 'node:os';
import path from 'node:path';

/** `$XDG_DATA_HOME/lookalike/catalog.db`, else `~/.local/share/lookalike/catalog.db` (XDG base directory spec). */
export function defaultCatalogPath(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env.XDG_DATA_HOME;
  // The spec says a relative XDG_DATA_HOME is invalid and must be ignored.
  const dataHome = xdg && path.isAbsolute(xdg) ? xdg : path.join(env.HOME || os.homedir(), '.local', 'share');
  return path.join(dataHome, 'lookalike', 'catalog.db');
}
