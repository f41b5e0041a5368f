// Paths to the committed fixture photos and, when present, the full corpus beside the checkout.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url));
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures', 'photos');
export const fixture = (rel: string): string => path.join(fixturesDir, rel);

/** `../shared/photos` beside the checkout, or null on a fresh machine without it. */
export const corpusDir: string | null = (() => {
  const dir = path.resolve(repoRoot, '..', 'shared', 'photos');
  return existsSync(path.join(dir, 'truth.json')) ? dir : null;
})();
