// The library's view of the catalog for grouping: live files, one model's embeddings packed for search, and the
// keep policy (reference roots from the catalog, rule order and preferred folders from the settings).
import picomatch from 'picomatch';
import type { Catalog } from '../catalog/index.js';
import type { FileRecord } from '../catalog/files.js';
import { LookalikeError } from '../errors.js';
import { HalfMatrixBuilder, type LibraryEmbeddings } from '../similarity/embeddingMatrix.js';
import { DEFAULT_KEEP_POLICY, type KeepPolicy } from '../similarity/keepBest.js';
import type { ReportableFile } from '../similarity/report.js';
import type { Settings } from './settings.js';

export interface LibraryFile extends ReportableFile {
  size: number;
  mtimeMs: number;
  /** Non-null here: files without a content hash cannot be grouped. */
  contentHash: string;
}

export type { LibraryEmbeddings } from '../similarity/embeddingMatrix.js';

/** EXIF `YYYY-MM-DDTHH:MM:SS[±HH:MM]` → ms (local time when no offset was recorded). */
export function parseTakenAt(takenAt: string | null): number | null {
  if (!takenAt) return null;
  const t = Date.parse(takenAt);
  return Number.isFinite(t) ? t : null;
}

/** One catalog row as the grouper sees it (null when it cannot be grouped); every field, thumbnail included. */
export function toLibraryFile(f: FileRecord, pixelThumb: Uint8Array | null = f.pixelThumb): LibraryFile | null {
  if (f.status !== 'ok' || !f.contentHash) return null;
  return {
    path: f.path,
    contentHash: f.contentHash,
    pixelHash: f.pixelHash,
    size: f.size,
    mtimeMs: f.mtimeMs,
    width: f.width,
    height: f.height,
    orientation: f.orientation,
    pixelThumb,
    format: f.format,
    captureTime: parseTakenAt(f.takenAt),
  };
}

export function loadLibraryFiles(catalog: Catalog): LibraryFile[] {
  // Thumbnails only where a rotated copy can exist (a size shared across Orientation tags): 3 KB a file adds up.
  const thumbs = new Map<string, Uint8Array>();
  for (const t of catalog.files.rotationCandidateThumbs()) thumbs.set(t.path, t.pixelThumb);
  const out: LibraryFile[] = [];
  for (const f of catalog.files.withStatus('ok')) {
    const file = toLibraryFile(f, thumbs.get(f.path) ?? null);
    if (file) out.push(file);
  }
  return out;
}

/** The requested model, else the model in use when the catalog has its vectors, else the one with the most. */
export function chooseModelKey(catalog: Catalog, requested?: string | null, preferred?: string | null): string {
  const counts = catalog.embeddings.countsByModel();
  if (requested) {
    if (!counts.some((c) => c.modelKey === requested)) throw new LookalikeError('not-found', `the catalog has no embeddings for model ${requested}`);
    return requested;
  }
  if (preferred && counts.some((c) => c.modelKey === preferred)) return preferred;
  const best = [...counts].sort((a, b) => b.count - a.count)[0];
  if (!best) throw new LookalikeError('unavailable', 'the library has no photos yet: add a folder and scan it first (`lookalike scan <folder>`)');
  return best.modelKey;
}

/**
 * One model's live vectors, streamed straight into half precision: never a float32 copy of the whole library
 * (1M × 768 would be 3 GB, plus as much again as per-row arrays before packing).
 */
export function loadEmbeddings(catalog: Catalog, modelKey: string): LibraryEmbeddings {
  const dim = catalog.embeddings.model(modelKey)?.dim ?? 0;
  const rows = catalog.embeddings.countLive(modelKey);
  const builder = new HalfMatrixBuilder(rows, dim);
  const ids = new Uint32Array(rows);
  const rowOfHash = new Map<string, number>();
  for (const e of catalog.embeddings.live(modelKey)) {
    if (rowOfHash.size === rows) break;
    const row = builder.push(e.vector);
    rowOfHash.set(e.contentHash, row);
    ids[row] = e.id;
  }
  const matrix = builder.finish();
  return { modelKey, matrix, embeddingIds: matrix.rows === rows ? ids : ids.slice(0, matrix.rows), rowOfHash };
}

export function keepPolicy(catalog: Catalog, settings: Pick<Settings, 'keepRules' | 'preferFolders'>): KeepPolicy {
  return {
    rules: settings.keepRules,
    formatPriority: DEFAULT_KEEP_POLICY.formatPriority,
    folderPriority: settings.preferFolders,
    referenceRoots: catalog.roots.list().filter((r) => r.isReference).map((r) => r.path),
  };
}

export function exclusionTest(globs: readonly string[]): (path: string) => boolean {
  if (globs.length === 0) return () => false;
  return picomatch([...globs], { dot: true });
}
