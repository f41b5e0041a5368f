// Turns the files and folders given on a command line into a sorted list of image files.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { fdir } from 'fdir';

export const imageExtensions = ['.jpg', '.jpeg', '.png', '.webp', '.avif', '.tif', '.tiff', '.gif', '.bmp', '.heic', '.heif'];

export function looksLikeImage(file: string): boolean {
  return imageExtensions.includes(path.extname(file).toLowerCase());
}

/** Files are kept as given (even with an odd extension: the decoder decides); folders are crawled for images. */
export async function expandInputs(inputs: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const input of inputs) {
    let isDir = false;
    try {
      isDir = (await stat(input)).isDirectory();
    } catch {
      // Missing paths stay in the list: the embedder reports them per file.
    }
    if (!isDir) {
      out.push(input);
      continue;
    }
    const files = await new fdir()
      .withFullPaths()
      .filter((p) => looksLikeImage(p))
      .crawl(input)
      .withPromise();
    out.push(...files.sort());
  }
  return out;
}
