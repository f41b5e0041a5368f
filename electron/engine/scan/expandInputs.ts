// Turns files and folders given by a person (CLI arguments, an export dialog) into the list of photos to embed.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fdir } from 'fdir';
import { hasPhotoExtension } from './formats.js';

/**
 * Files stay as given, even with an odd extension or missing (the decoder judges them and reports per file);
 * folders are crawled for photo files, sorted; each path appears once.
 */
export async function expandImageInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    const isDir = await stat(input).then((s) => s.isDirectory(), () => false);
    if (!isDir) {
      out.push(path.resolve(input));
      continue;
    }
    const files = await new fdir().withFullPaths().filter(hasPhotoExtension).crawl(path.resolve(input)).withPromise();
    out.push(...files.sort());
  }
  return [...new Set(out)];
}
