// The files table: one row per path, with what the scanner learned about it.
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { FileThumbStore } from './fileThumbs.js';

export type FileStatus = 'ok' | 'failed' | 'missing';

/** What a photo's bytes determine (so a copy or a moved file can reuse it without decoding again). */
export interface ContentMetadata {
  contentHash: string;
  width: number;
  height: number;
  format: string;
  /** EXIF capture time as `YYYY-MM-DDTHH:MM:SS`, plus the offset when the camera wrote one. */
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  orientation: number | null;
  /** Hash of the upright decoded RGB: equal pixels, different bytes (metadata edits) -> same value. */
  pixelHash: string;
  /** 32×32 area-averaged upright RGB (similarity/pixelThumb.ts); null for rows scanned before it was kept. */
  pixelThumb: Uint8Array | null;
  /** Perceptual fingerprint of pixelThumb (similarity/perceptualHash.ts); null/absent: filled in when the library loads. */
  perceptualPrint?: Uint8Array | null;
  /** 'embedded-preview': a camera RAW read through its embedded JPEG; null/absent: the file's own pixels. */
  decodedFrom?: string | null;
}

export interface FileRecord {
  id: number;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  takenAt: string | null;
  cameraMake: string | null;
  cameraModel: string | null;
  orientation: number | null;
  pixelHash: string | null;
  pixelThumb: Uint8Array | null;
  /** See ContentMetadata.perceptualPrint. */
  perceptualPrint?: Uint8Array | null;
  /** See ContentMetadata.decodedFrom. */
  decodedFrom?: string | null;
  status: FileStatus;
  error: string | null;
  updatedAt: number;
}

/** A row to write: an ok file carries its metadata, a failed one its reason. */
export type FileWrite =
  | { path: string; size: number; mtimeMs: number; status: 'ok'; meta: ContentMetadata }
  | { path: string; size: number; mtimeMs: number; status: 'failed'; error: string; contentHash?: string | null };

/** The scanner's per-path question, answered in one query: is it known, unchanged, and embedded for this model? */
export interface FileLookup {
  id: number;
  size: number;
  mtimeMs: number;
  status: FileStatus;
  contentHash: string | null;
  error: string | null;
  format: string | null;
  hasEmbedding: boolean;
  /** False for an ok row scanned before pixel thumbnails were kept: the scanner decodes it once more. */
  hasPixelThumb: boolean;
}

interface FileRow {
  id: number;
  path: string;
  size: number;
  mtime_ms: number;
  content_hash: string | null;
  width: number | null;
  height: number | null;
  format: string | null;
  taken_at: string | null;
  camera_make: string | null;
  camera_model: string | null;
  orientation: number | null;
  pixel_hash: string | null;
  pixel_thumb: Uint8Array | null;
  perceptual_print?: Uint8Array | null;
  decoded_from?: string | null;
  status: FileStatus;
  error: string | null;
  updated_at: number;
}

function toRecord(r: FileRow): FileRecord {
  return {
    id: r.id,
    path: r.path,
    size: r.size,
    mtimeMs: r.mtime_ms,
    contentHash: r.content_hash,
    width: r.width,
    height: r.height,
    format: r.format,
    takenAt: r.taken_at,
    cameraMake: r.camera_make,
    cameraModel: r.camera_model,
    orientation: r.orientation,
    pixelHash: r.pixel_hash,
    pixelThumb: r.pixel_thumb,
    perceptualPrint: r.perceptual_print ?? null,
    decodedFrom: r.decoded_from ?? null,
    status: r.status,
    error: r.error,
    updatedAt: r.updated_at,
  };
}

/** What the scanner asks of a file's row (a FileLookup), in this order; `f` is the row, `:model` the model key. */
export const LOOKUP_COLUMNS = `f.id, f.size, f.mtime_ms, f.status, f.content_hash, f.error, f.format,
  EXISTS (SELECT 1 FROM file_thumbs t WHERE t.file_id = f.id) AS has_thumb,
  EXISTS (SELECT 1 FROM embeddings e WHERE e.content_hash = f.content_hash AND e.model_key = :model) AS has_embedding`;

/** A files row with its thumbnail (migration 10 keeps thumbnails in file_thumbs). */
const WITH_THUMB = 'SELECT f.*, t.thumb AS pixel_thumb FROM files f LEFT JOIN file_thumbs t ON t.file_id = f.id';

/**
 * What grouping reads of an ok file, as one array (no keyed object per row: a million of them are what the
 * garbage collector spends its time on): id, path, size, mtime_ms, content_hash, width, height, format, taken_at,
 * camera_make, camera_model, orientation, pixel_hash, perceptual_print.
 */
export type GroupingRow = [
  id: number, path: string, size: number, mtimeMs: number, contentHash: string, width: number | null, height: number | null,
  format: string | null, takenAt: string | null, cameraMake: string | null, cameraModel: string | null, orientation: number | null,
  pixelHash: string | null, perceptualPrint: Uint8Array | null,
];

/** GroupingRow's columns, in its order. */
const GROUPING_COLUMNS = `id, path, size, mtime_ms, content_hash, width, height, format, taken_at, camera_make, camera_model,
  orientation, pixel_hash, perceptual_print`;

/** Paths strictly under `root`, as an index-friendly half-open range ('/' + 1 is '0'). */
export function pathRange(root: string, sep: string): { low: string; high: string } {
  const prefix = root.endsWith(sep) ? root : root + sep;
  const last = prefix.charCodeAt(prefix.length - 1);
  return { low: prefix, high: prefix.slice(0, -1) + String.fromCharCode(last + 1) };
}

export class FileStore {
  readonly thumbs: FileThumbStore;
  private readonly upsertStmt: StatementSync;
  private readonly lookupStmt: StatementSync;
  private readonly byPathStmt: StatementSync;

  constructor(private readonly db: DatabaseSync) {
    this.thumbs = new FileThumbStore(db);
    this.upsertStmt = db.prepare(`
      INSERT INTO files (path, size, mtime_ms, content_hash, width, height, format, taken_at, camera_make,
                         camera_model, orientation, pixel_hash, perceptual_print, decoded_from, status, error, updated_at)
      VALUES (:path, :size, :mtime, :hash, :width, :height, :format, :takenAt, :make, :model, :orientation,
              :pixelHash, :print, :decodedFrom, :status, :error, :now)
      ON CONFLICT (path) DO UPDATE SET
        size = excluded.size, mtime_ms = excluded.mtime_ms, content_hash = excluded.content_hash,
        width = excluded.width, height = excluded.height, format = excluded.format, taken_at = excluded.taken_at,
        camera_make = excluded.camera_make, camera_model = excluded.camera_model,
        orientation = excluded.orientation, pixel_hash = excluded.pixel_hash, perceptual_print = excluded.perceptual_print, decoded_from = excluded.decoded_from, status = excluded.status,
        error = excluded.error, updated_at = excluded.updated_at
      RETURNING id`);
    this.lookupStmt = db.prepare(`
      SELECT ${LOOKUP_COLUMNS} FROM files f WHERE f.path = :path`);
    this.byPathStmt = db.prepare(`${WITH_THUMB} WHERE f.path = ?`);
  }

  /** Inserts or replaces the row for `w.path`; returns its id (stable across updates). */
  upsert(w: FileWrite, now = Date.now()): number {
    const meta = w.status === 'ok' ? w.meta : null;
    const row = this.upsertStmt.get({
      path: w.path,
      size: w.size,
      mtime: w.mtimeMs,
      hash: meta ? meta.contentHash : w.status === 'failed' ? (w.contentHash ?? null) : null,
      width: meta?.width ?? null,
      height: meta?.height ?? null,
      format: meta?.format ?? null,
      takenAt: meta?.takenAt ?? null,
      make: meta?.cameraMake ?? null,
      model: meta?.cameraModel ?? null,
      orientation: meta?.orientation ?? null,
      pixelHash: meta?.pixelHash ?? null,
      print: meta?.perceptualPrint ?? null,
      decodedFrom: meta?.decodedFrom ?? null,
      status: w.status,
      error: w.status === 'failed' ? w.error : null,
      now,
    }) as { id: number };
    this.thumbs.set(row.id, meta?.pixelThumb ?? null);
    return row.id;
  }

  lookup(path: string, modelKey: string): FileLookup | null {
    const r = this.lookupStmt.get({ path, model: modelKey }) as
      | { id: number; size: number; mtime_ms: number; status: FileStatus; content_hash: string | null;
          error: string | null; format: string | null; has_embedding: number; has_thumb: number }
      | undefined;
    if (!r) return null;
    return {
      id: r.id,
      size: r.size,
      mtimeMs: r.mtime_ms,
      status: r.status,
      contentHash: r.content_hash,
      error: r.error,
      format: r.format,
      hasEmbedding: r.has_embedding === 1,
      hasPixelThumb: r.has_thumb === 1,
    };
  }

  get(path: string): FileRecord | null {
    const r = this.byPathStmt.get(path) as FileRow | undefined;
    return r ? toRecord(r) : null;
  }

  /**
   * Metadata of any ok file with these bytes, so a copy or a move needs no decode; a row that has its pixel
   * thumbnail is preferred over one scanned before thumbnails were kept.
   */
  metadataFor(contentHash: string): ContentMetadata | null {
    // A row with a thumbnail, else any: two probes that stop at the first match. One ORDER BY pixel_thumb IS NULL
    // read every file of the content (a tree of hard links has thousands), once per file scanned: O(n²).
    const pick = (withThumb: boolean) => this.db
      .prepare(`SELECT f.*, t.thumb AS pixel_thumb FROM files f ${withThumb ? 'JOIN' : 'LEFT JOIN'} file_thumbs t ON t.file_id = f.id
                WHERE f.content_hash = ? AND f.status != 'failed' AND f.pixel_hash IS NOT NULL LIMIT 1`)
      .get(contentHash) as FileRow | undefined;
    const r = pick(true) ?? pick(false);
    if (!r || r.width === null || r.height === null || r.format === null || r.pixel_hash === null) return null;
    return {
      contentHash,
      width: r.width,
      height: r.height,
      format: r.format,
      takenAt: r.taken_at,
      cameraMake: r.camera_make,
      cameraModel: r.camera_model,
      orientation: r.orientation,
      pixelHash: r.pixel_hash,
      pixelThumb: r.pixel_thumb,
      perceptualPrint: r.perceptual_print ?? null,
      decodedFrom: r.decoded_from ?? null,
    };
  }

  byContentHash(contentHash: string): FileRecord[] {
    return (this.db.prepare(`${WITH_THUMB} WHERE f.content_hash = ? ORDER BY f.path`).all(contentHash) as unknown as FileRow[]).map(toRecord);
  }

  /** Rows under a folder (any status), streamed so a million-file library is not loaded at once. */
  *underRoot(root: string, sep: string): Generator<{ id: number; path: string; status: FileStatus }> {
    const { low, high } = pathRange(root, sep);
    const stmt = this.db.prepare('SELECT id, path, status FROM files WHERE path >= ? AND path < ? ORDER BY path');
    for (const r of stmt.iterate(low, high)) yield r as { id: number; path: string; status: FileStatus };
  }

  /** All rows with a status, streamed. */
  *withStatus(status: FileStatus): Generator<FileRecord> {
    for (const r of this.db.prepare(`${WITH_THUMB} WHERE f.status = ? ORDER BY f.path`).iterate(status)) {
      yield toRecord(r as unknown as FileRow);
    }
  }

  /**
   * Every ok file with a content hash, in path order, less its thumbnail (GroupingRow): what the library loads to
   * group. The thumbnails it needs (rotated-copy candidates) it reads by id from `thumbs`.
   */
  *forGrouping(): Generator<GroupingRow> {
    const stmt = this.db.prepare(`
      SELECT ${GROUPING_COLUMNS} FROM files WHERE status = 'ok' AND content_hash IS NOT NULL ORDER BY path`);
    stmt.setReturnArrays(true);
    for (const r of stmt.iterate()) yield r as unknown as GroupingRow;
  }

  /** forGrouping's rows of these files (those still ok), in one statement: a page of kept groups reads only its own. */
  *forGroupingByIds(ids: Iterable<number>): Generator<GroupingRow> {
    const stmt = this.db.prepare(`
      SELECT ${GROUPING_COLUMNS} FROM files WHERE id IN (SELECT value FROM json_each(?)) AND status = 'ok' AND content_hash IS NOT NULL`);
    stmt.setReturnArrays(true);
    for (const r of stmt.iterate(JSON.stringify([...ids]))) yield r as unknown as GroupingRow;
  }

  /** Stores fingerprints computed after the scan (rows from before they were kept); nothing else of the rows changes. */
  setPerceptualPrints(rows: Iterable<{ id: number; print: Uint8Array }>): void {
    const stmt = this.db.prepare('UPDATE files SET perceptual_print = ? WHERE id = ?');
    for (const r of rows) stmt.run(r.print, r.id);
  }

  markMissing(ids: Iterable<number>, now = Date.now()): number {
    const stmt = this.db.prepare(`UPDATE files SET status = 'missing', updated_at = ? WHERE id = ? AND status != 'missing'`);
    let n = 0;
    for (const id of ids) n += Number(stmt.run(now, id).changes);
    return n;
  }

  counts(): Record<FileStatus, number> {
    const out: Record<FileStatus, number> = { ok: 0, failed: 0, missing: 0 };
    for (const r of this.db.prepare('SELECT status, COUNT(*) AS n FROM files GROUP BY status').all()) {
      const row = r as { status: FileStatus; n: number };
      out[row.status] = row.n;
    }
    return out;
  }
}
