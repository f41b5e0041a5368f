// Which photos the benchmarks use: the full corpus beside the checkout when present, else the committed fixtures.
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/dist\/?$/, '');

export function corpusDir(): string | null {
  const dir = path.resolve(repoRoot, '..', 'shared', 'photos');
  return existsSync(path.join(dir, 'truth.json')) ? dir : null;
}

export async function benchPhotos(): Promise<{ source: string; files: string[] }> {
  const corpus = corpusDir();
  const dir = corpus ? path.join(corpus, 'originals') : path.join(repoRoot, 'test', 'fixtures', 'photos', 'originals');
  const files = (await readdir(dir)).filter((f) => /\.(jpe?g|png|webp)$/i.test(f)).sort();
  return { source: dir, files: files.map((f) => path.join(dir, f)) };
}
