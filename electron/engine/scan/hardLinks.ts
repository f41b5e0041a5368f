// Hard links (one inode, several paths) share their bytes: the first link hashed gives every other link of the
// inode its hash and format, so a tree of links is read once per inode, not once per path. A link whose size or
// mtime differs from the one hashed (it changed in between) is hashed itself.
import type { FileJob, HashedJob } from './pipelineTypes.js';

interface InodeHash {
  /** What the hashed link's stat said, to check the others against. */
  size: number;
  mtimeMs: number;
  contentHash: string;
  format: string;
}

interface Entry {
  hashed: Promise<InodeHash | null>;
  /** Links of the inode not met yet: the entry is dropped after the last, so memory follows the links in flight. */
  left: number;
}

export class HardLinks {
  private readonly byInode = new Map<string, Entry>();

  /** `job` hashed by `hashIt`, or given the hash of another link of its inode. */
  async hashOnce(job: FileJob, hashIt: () => Promise<HashedJob | null>): Promise<HashedJob | null> {
    if (!job.linkKey) return hashIt();
    const entry = this.byInode.get(job.linkKey);
    if (!entry) {
      const hashing = hashIt();
      const hashed = hashing.then((h) => (h ? { size: job.size, mtimeMs: job.mtimeMs, contentHash: h.contentHash, format: h.format } : null));
      this.byInode.set(job.linkKey, { hashed, left: (job.links ?? 2) - 1 });
      return hashing;
    }
    if (--entry.left <= 0) this.byInode.delete(job.linkKey);
    const known = await entry.hashed;
    if (!known || known.size !== job.size || known.mtimeMs !== job.mtimeMs) return hashIt();
    return { ...job, contentHash: known.contentHash, format: known.format };
  }
}
