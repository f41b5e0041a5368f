// Batches the scanner's results into short transactions: a file row and its vector commit together, so a
// killed scan leaves either both or neither, and a rerun redoes only what was never committed.
import type { Catalog, FileWrite } from '../catalog/index.js';

/** Ids of catalog rows seen by this scan, as a bitmap: 1M files cost 125 KB, not a Set of paths. */
export class IdSet {
  private bits = new Uint8Array(1024);

  add(id: number): void {
    if (id >> 3 >= this.bits.length) {
      const grown = new Uint8Array(Math.max(this.bits.length * 2, (id >> 3) + 1));
      grown.set(this.bits);
      this.bits = grown;
    }
    this.bits[id >> 3]! |= 1 << (id & 7);
  }

  has(id: number): boolean {
    return id >> 3 < this.bits.length && (this.bits[id >> 3]! & (1 << (id & 7))) !== 0;
  }
}

export interface PendingWrite {
  file: FileWrite;
  /** The vector to store under (file content hash, model key), when this scan computed it. */
  vector?: Float32Array;
}

export interface WriterOptions {
  /** Commit once this many rows wait... */
  maxPending?: number;
  /** ...or the oldest has waited this long. */
  maxDelayMs?: number;
  /** Runs inside each commit (the scan's heartbeat and counts). */
  inCommit?: () => void;
}

export class CatalogWriter {
  private pending: PendingWrite[] = [];
  private oldest = 0;
  private readonly maxPending: number;
  private readonly maxDelayMs: number;

  constructor(
    private readonly catalog: Catalog,
    private readonly modelKey: string,
    readonly seen: IdSet,
    private readonly options: WriterOptions = {},
  ) {
    this.maxPending = options.maxPending ?? 256;
    this.maxDelayMs = options.maxDelayMs ?? 1000;
  }

  add(write: PendingWrite): void {
    if (this.pending.length === 0) this.oldest = Date.now();
    this.pending.push(write);
    if (this.pending.length >= this.maxPending || Date.now() - this.oldest >= this.maxDelayMs) this.flush();
  }

  /** Commits what is pending (and the heartbeat, even when nothing is). */
  flush(): void {
    const batch = this.pending;
    this.pending = [];
    const now = Date.now();
    this.catalog.transaction(() => {
      for (const w of batch) {
        if (w.vector && w.file.status === 'ok') {
          this.catalog.embeddings.put(w.file.meta.contentHash, this.modelKey, w.vector, now);
        }
        this.seen.add(this.catalog.files.upsert(w.file, now));
      }
      this.options.inCommit?.();
    });
  }
}
