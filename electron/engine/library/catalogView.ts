// The duplicate finder's view of the catalog: live files, one model's embeddings packed for search, and the
// keep policy (reference roots, exclusions, rule order) stored with the library.
import picomatch from 'picomatch';
import type { Catalog } from '../catalog/index.js';
import { packEmbeddings, type EmbeddingMatrix } from './embeddingMatrix.js';
import { DEFAULT_KEEP_POLICY, type KeepPolicy, type KeepRule } from './keepBest.js';
import type { ReportableFile } from './report.js';

export interface LibraryFile extends ReportableFile {
  size: number;
  mtimeMs: number;
  /** Non-null here: files without a content hash cannot be grouped. */
  contentHash: string;
}

export interface LibraryEmbeddings {
  modelKey: string;
  matrix: EmbeddingMatrix;
  /** embeddings.id of each row (the ids the catalog's neighbour lists use). */
  embeddingIds: Uint32Array;
  rowOfHash: Map<string, number>;
}

/** Settings keys the finder reads (all optional). */
export const SETTINGS = {
  /** JSON array of globs (matched against absolute paths): matching files are never acted on. */
  exclude: 'duplicates.exclude',
  /** JSON Partial<{ rules, formatPriority, folderPriority }>. */
  keepPolicy: 'duplicates.keepPolicy',
  /** The embedding model to group with (a models.key). */
  modelKey: 'duplicates.modelKey',
} as const;

export class LibraryError extends Error {
  override name = 'LibraryError';
}

/** EXIF `YYYY-MM-DDTHH:MM:SS[±HH:MM]` → ms (local time when no offset was recorded). */
export function parseTakenAt(takenAt: string | null): number | null {
  if (!takenAt) return null;
  const t = Date.parse(takenAt);
  return Number.isFinite(t) ? t : null;
}

export function loadLibraryFiles(catalog: Catalog): LibraryFile[] {
  const out: LibraryFile[] = [];
  // Thumbnails only where a rotated copy can exist (a size shared across Orientation tags): 3 KB a file adds up.
  const thumbs = new Map<string, Uint8Array>();
  for (const t of catalog.files.rotationCandidateThumbs()) thumbs.set(t.path, t.pixelThumb);
  for (const f of catalog.files.withStatus('ok')) {
    if (!f.contentHash) continue;
    out.push({
      path: f.path,
      contentHash: f.contentHash,
      pixelHash: f.pixelHash,
      size: f.size,
      mtimeMs: f.mtimeMs,
      width: f.width,
      height: f.height,
      orientation: f.orientation,
      pixelThumb: thumbs.get(f.path) ?? null,
      format: f.format,
      captureTime: parseTakenAt(f.takenAt),
    });
  }
  return out;
}

/** The requested model, the one chosen in settings, else the model with the most vectors. */
export function chooseModelKey(catalog: Catalog, requested?: string): string {
  const counts = catalog.embeddings.countsByModel();
  const wanted = requested ?? catalog.settings.get(SETTINGS.modelKey) ?? undefined;
  if (wanted !== undefined) {
    if (!counts.some((c) => c.modelKey === wanted)) throw new LibraryError(`the catalog has no embeddings for model ${wanted}`);
    return wanted;
  }
  const best = [...counts].sort((a, b) => b.count - a.count)[0];
  if (!best) throw new LibraryError('the catalog has no embeddings yet: run `lookalike scan` first');
  return best.modelKey;
}

export function loadEmbeddings(catalog: Catalog, modelKey: string): LibraryEmbeddings {
  const ids: number[] = [];
  const vectors: Float32Array[] = [];
  const rowOfHash = new Map<string, number>();
  for (const e of catalog.embeddings.live(modelKey)) {
    rowOfHash.set(e.contentHash, vectors.length);
    ids.push(e.id);
    vectors.push(e.vector);
  }
  return { modelKey, matrix: packEmbeddings(vectors), embeddingIds: Uint32Array.from(ids), rowOfHash };
}

export function loadKeepPolicy(catalog: Catalog): KeepPolicy {
  const stored = catalog.settings.getJson<Partial<Pick<KeepPolicy, 'rules' | 'formatPriority' | 'folderPriority'>>>(SETTINGS.keepPolicy) ?? {};
  const known: readonly KeepRule[] = ['resolution', 'fileSize', 'format', 'captureTime', 'folder', 'pathLength'];
  const rules = stored.rules?.filter((r): r is KeepRule => known.includes(r)) ?? DEFAULT_KEEP_POLICY.rules;
  return {
    rules,
    formatPriority: stored.formatPriority ?? DEFAULT_KEEP_POLICY.formatPriority,
    folderPriority: stored.folderPriority ?? [],
    referenceRoots: catalog.roots.list().filter((r) => r.isReference).map((r) => r.path),
  };
}

export function loadExclusions(catalog: Catalog): (path: string) => boolean {
  const globs = catalog.settings.getJson<string[]>(SETTINGS.exclude) ?? [];
  if (!Array.isArray(globs) || globs.length === 0) return () => false;
  return picomatch(globs.map(String), { dot: true });
}
