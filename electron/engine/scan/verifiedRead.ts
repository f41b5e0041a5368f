// The bytes a scan decodes and reads EXIF from are the bytes its content hash names: the file is read once, the
// hash checked against the one the hash stage computed, and only that buffer reaches the decoder and exifr. A
// file rewritten between the two stages would otherwise get a vector and a capture time from other bytes than
// the ones its hash (and so its vector's key) stands for.
import { LookalikeError } from '../errors.js';
import { readImageFile } from '../preprocess/index.js';
import type { ContentHasher } from './hash.js';

export async function readVerified(path: string, contentHash: string, hasher: ContentHasher): Promise<Buffer> {
  const bytes = await readImageFile(path);
  if (hasher.hashBytes(bytes) !== contentHash) {
    throw new LookalikeError('conflict', 'the file changed while it was being scanned; scan again to pick up the new version');
  }
  return bytes;
}
