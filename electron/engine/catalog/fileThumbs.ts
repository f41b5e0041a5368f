// The 32×32 pixel thumbnails (3 KB each) in a table of their own (migration 10), so a pass over the files table
// reads only the few dozen bytes a file's row needs. Read by id, a few at a time: the rotated-copy rule's
// candidates, a rescan's reuse of a copy's metadata, a restored file.
import type { DatabaseSync, StatementSync } from 'node:sqlite';

export class FileThumbStore {
  private readonly putStmt: StatementSync;
  private readonly dropStmt: StatementSync;
  private readonly getStmt: StatementSync;

  constructor(db: DatabaseSync) {
    this.putStmt = db.prepare('INSERT INTO file_thumbs (file_id, thumb) VALUES (?, ?) ON CONFLICT (file_id) DO UPDATE SET thumb = excluded.thumb');
    this.dropStmt = db.prepare('DELETE FROM file_thumbs WHERE file_id = ?');
    this.getStmt = db.prepare('SELECT thumb FROM file_thumbs WHERE file_id = ?');
  }

  /** The file's thumbnail, or none (a row whose content changed must not keep the old one). */
  set(fileId: number, thumb: Uint8Array | null): void {
    if (thumb) this.putStmt.run(fileId, thumb);
    else this.dropStmt.run(fileId);
  }

  get(fileId: number): Uint8Array | null {
    const r = this.getStmt.get(fileId) as { thumb: Uint8Array } | undefined;
    return r?.thumb ?? null;
  }

  /** Thumbnails of these files (those that have one), one probe each. */
  *of(fileIds: Iterable<number>): Generator<{ fileId: number; thumb: Uint8Array }> {
    for (const fileId of fileIds) {
      const thumb = this.get(fileId);
      if (thumb) yield { fileId, thumb };
    }
  }
}
