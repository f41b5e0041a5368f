// The library's view of the catalog for grouping: live files, one model's embeddings packed for search, and the
// keep policy (reference roots from the catalog, rule order and preferred folders from the settings).
import picomatch from 'picomatch';
import type { Catalog } from '../catalog/index.js';
import type { FileRecord, GroupingRow } from '../catalog/files.js';
import { LookalikeError } from '../errors.js';
import { dotRows, type HalfMatrix, type LibraryEmbeddings } from '../similarity/embeddingMatrix.js';
import { DEFAULT_KEEP_POLICY, type KeepPolicy } from '../similarity/keepBest.js';
import { perceptualPrint } from '../similarity/perceptualHash.js';
import { isPixelThumb } from '../similarity/pixelThumb.js';
import type { ReportableFile } from '../similarity/report.js';
import type { Settings } from './settings.js';

export interface LibraryFile extends ReportableFile {
  /** Its catalog row (absent for files made outside the catalog): kept groupings name members by it. */
  id?: number;
  size: number;
  mtimeMs: number;
  /** Non-null here: files without a content hash cannot be grouped. */
  contentHash: string;
  /** EXIF make and model, for RAW+JPEG pairs by capture time; null when unknown. */
  camera?: string | null;
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
    id: f.id,
    path: f.path,
    contentHash: f.contentHash,
    pixelHash: f.pixelHash,
    size: f.size,
    mtimeMs: f.mtimeMs,
    width: f.width,
    height: f.height,
    orientation: f.orientation,
    pixelThumb,
    perceptualPrint: f.perceptualPrint ?? null,
    format: f.format,
    captureTime: parseTakenAt(f.takenAt),
    camera: [f.cameraMake, f.cameraModel].filter((s) => !!s).join(' ') || null,
  };
}

function fromGroupingRow(r: GroupingRow): LibraryFile {
  const [id, path, size, mtimeMs, contentHash, width, height, format, takenAt, make, model, orientation, pixelHash, print] = r;
  return {
    id, path, contentHash, pixelHash, size, mtimeMs, width, height, orientation, pixelThumb: null, perceptualPrint: print, format,
    captureTime: parseTakenAt(takenAt),
    camera: make && model ? `${make} ${model}` : make || model || null,
  };
}

/** Upright sizes shared by files with different Orientation tags: the only sizes a rotated copy can have. */
function rotationSizes(rows: readonly GroupingRow[]): Set<number> {
  const tagsOfSize = new Map<number, number>();
  for (const r of rows) {
    const [w, h, tag] = [r[5], r[6], r[11] ?? 1];
    if (!w || !h) continue;
    const key = w * 65536 + h;
    tagsOfSize.set(key, (tagsOfSize.get(key) ?? 0) | (1 << (tag & 31)));
  }
  const out = new Set<number>();
  for (const [key, tags] of tagsOfSize) if ((tags & (tags - 1)) !== 0) out.add(key);
  return out;
}

/**
 * Every ok file as the grouper sees it. Thumbnails (3 KB each, in a table of their own) are read only where a
 * rotated copy can exist, and where a row from before fingerprints were kept needs one to compute its own.
 */
export function loadLibraryFiles(catalog: Catalog): LibraryFile[] {
  const rows = [...catalog.files.forGrouping()];
  const out = rows.map(fromGroupingRow);
  const sizes = rotationSizes(rows);
  const need = new Map<number, number>();
  rows.forEach((r, i) => {
    if (!out[i]!.perceptualPrint || (sizes.size > 0 && r[5] && r[6] && sizes.has(r[5] * 65536 + r[6]))) need.set(r[0], i);
  });
  const computed: { id: number; print: Uint8Array }[] = [];
  for (const { fileId, thumb } of catalog.files.thumbs.of(need.keys())) {
    const file = out[need.get(fileId)!]!;
    const r = rows[need.get(fileId)!]!;
    if (sizes.has((r[5] ?? 0) * 65536 + (r[6] ?? 0))) file.pixelThumb = thumb;
    // A row from before fingerprints were kept: its stored thumbnail is all the fingerprint needs.
    if (!file.perceptualPrint && isPixelThumb(thumb)) {
      file.perceptualPrint = perceptualPrint(thumb);
      computed.push({ id: fileId, print: file.perceptualPrint });
    }
  }
  storeQuietly(catalog, computed);
  return out;
}

/** These ok files by catalog id (those that are no longer ok are left out), as loadLibraryFiles makes them, less thumbnails. */
export function libraryFilesOf(catalog: Catalog, ids: Iterable<number>): Map<number, LibraryFile> {
  const out = new Map<number, LibraryFile>();
  for (const r of catalog.files.forGroupingByIds(ids)) out.set(r[0], fromGroupingRow(r));
  return out;
}

/** Keeps computed fingerprints for next time; a read-only or busy catalog just computes them again then. */
function storeQuietly(catalog: Catalog, rows: readonly { id: number; print: Uint8Array }[]): void {
  if (rows.length === 0) return;
  try {
    catalog.transaction(() => catalog.files.setPerceptualPrints(rows));
  } catch {
    // Nothing is lost: the fingerprints are in memory for this load.
  }
}

/**
 * The requested model, else the model in use when the catalog has its vectors, else the one with the most.
 * Counting every vector (a pass over an index of a million rows) happens only when several models have vectors.
 */
export function chooseModelKey(catalog: Catalog, requested?: string | null, preferred?: string | null): string {
  const present = catalog.embeddings.models().map((m) => m.key).filter((k) => catalog.embeddings.hasModel(k));
  if (requested) {
    if (!present.includes(requested)) throw new LookalikeError('not-found', `the catalog has no embeddings for model ${requested}`);
    return requested;
  }
  if (preferred && present.includes(preferred)) return preferred;
  if (present.length <= 1) {
    if (present[0]) return present[0];
    throw new LookalikeError('unavailable', 'the library has no photos yet: add a folder and scan it first (`lookalike scan <folder>`)');
  }
  return [...catalog.embeddings.countsByModel()].sort((a, b) => b.count - a.count)[0]!.modelKey;
}

/**
 * One model's live rows: their ids and content hashes now (from an index, no vector read), their vectors as
 * half-precision rows on first use of `matrix` (migration 7's table; never a float32 copy of the library: 1M × 768
 * would be 3 GB). Rows of a catalog from before migration 7 are converted once, on that first use.
 */
export function loadEmbeddings(catalog: Catalog, modelKey: string, liveHashes?: ReadonlySet<string>): LibraryEmbeddings {
  const dim = catalog.embeddings.model(modelKey)?.dim ?? 0;
  // With the live contents known (the files just loaded), the model's rows are filtered here: a million probes of
  // the files index in SQL cost more than reading the ids and testing a set.
  const { ids, hashes } = liveHashes ? catalog.embeddings.idsOf(modelKey, (h) => liveHashes.has(h)) : catalog.embeddings.liveIds(modelKey);
  const rowOfHash = new Map<string, number>();
  hashes.forEach((h, row) => rowOfHash.set(h, row));
  let matrix: HalfMatrix | null = null;
  const halfRow = (row: number): Uint16Array | null => catalog.embeddings.halves.row(ids[row]!, dim);
  return {
    modelKey,
    rows: ids.length,
    embeddingIds: ids,
    rowOfHash,
    get matrix(): HalfMatrix {
      if (matrix) return matrix;
      const bits = new Uint16Array(ids.length * dim);
      catalog.embeddings.halves.readInto(ids, bits, dim, catalog.writable);
      return (matrix = { bits, rows: ids.length, dim });
    },
    hasMatrix: () => matrix !== null,
    rowCosine(a, b) {
      if (matrix) return dotRows(matrix, a, b);
      const [ha, hb] = [halfRow(a), halfRow(b)];
      if (!ha || !hb) return Number.NaN;
      const pair = new Uint16Array(2 * dim);
      pair.set(ha), pair.set(hb, dim);
      return dotRows({ bits: pair, rows: 2, dim }, 0, 1);
    },
  };
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
