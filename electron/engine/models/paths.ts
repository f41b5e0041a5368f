// Where downloaded and imported models live. Always under the user's data folder (Electron's userData, or the
// XDG data home for the CLI), never inside the app bundle or node_modules, which may be read-only or replaced.
import os from 'node:os';
import path from 'node:path';
import { LookalikeError } from '../errors.js';

/** The manifest written last into every managed model folder; its presence means "complete and verified". */
export const MANIFEST_FILE = 'lookalike-manifest.json';
export const SELECTED_FILE = 'selected.json';
export const PART_SUFFIX = '.part';

/** `$XDG_DATA_HOME/lookalike`, else `~/.local/share/lookalike` (the XDG default), for the CLI. */
export function defaultDataDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_DATA_HOME'];
  // The XDG spec says a relative value is invalid and must be ignored.
  if (xdg && path.isAbsolute(xdg)) return path.join(xdg, 'lookalike');
  const home = env['HOME'] || os.homedir();
  return path.join(home, '.local', 'share', 'lookalike');
}

export function modelsRoot(dataDir: string): string {
  return path.join(path.resolve(dataDir), 'models');
}

/** `<dataDir>/models/<owner>/<name>/<revision>`; repo and revision are checked so they cannot escape the root. */
export function hubModelDir(dataDir: string, repo: string, revision: string): string {
  assertSafeSegments(repo.split('/'), `repository "${repo}"`);
  assertSafeSegments([revision], `revision "${revision}"`);
  return path.join(modelsRoot(dataDir), ...repo.split('/'), revision);
}

/** `<dataDir>/models/imported/<name>` for folders the user imported. */
export function importedModelDir(dataDir: string, name: string): string {
  assertSafeSegments([name], `model name "${name}"`);
  return path.join(modelsRoot(dataDir), 'imported', name);
}

export function selectedFile(dataDir: string): string {
  return path.join(modelsRoot(dataDir), SELECTED_FILE);
}

/** True when `child` is `parent` or inside it (after resolving both). */
export function isInside(parent: string, child: string): boolean {
  const rel = path.relative(path.resolve(parent), path.resolve(child));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

const SAFE_SEGMENT = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

function assertSafeSegments(segments: string[], what: string): void {
  for (const segment of segments) {
    if (!SAFE_SEGMENT.test(segment) || segment.includes('..')) {
      throw new LookalikeError('invalid-request', `invalid ${what}: use letters, digits, ".", "_" and "-" only`);
    }
  }
}
