// The HNSW index a full neighbour search builds, kept next to the catalog so a search by example memory-maps it
// (usearch's view(): pages are read as the search touches them) instead of loading the library's vectors: at 1M
// rows that is a few milliseconds where loading the vectors is 1.5 GB. The index only proposes candidates; every
// cosine shown is recomputed from the catalog's vectors, so a stale entry costs a candidate, never a wrong score.
// Keys are positions in a sidecar of embedding ids (rows at build time, then rows appended by incremental
// updates). A token shared with the catalog's settings ties the files to the catalog that wrote them: a catalog
// made again from scratch (ids starting over) never reads an old index.
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Index, MetricKind, ScalarKind } from 'usearch';
import { APPROX_DEFAULTS } from './approxTopK.js';
import type { Catalog } from '../catalog/index.js';
import type { LibraryEmbeddings } from './embeddingMatrix.js';

export interface IndexMeta {
  modelKey: string;
  dim: number;
  /** Sign codes of mean-centred rows (Hamming) when true; cosine over f32 rows otherwise. */
  binary: boolean;
  means: number[] | null;
  token: string;
}

export interface BuiltIndex {
  index: Index;
  binary: boolean;
  means: Float32Array | null;
}

export interface SavedIndex {
  index: Index;
  meta: IndexMeta;
  /** Embedding id of each key. */
  ids: Uint32Array;
}

/** Where a catalog's index of one model lives (next to the catalog file, one set of files per model). */
export function indexPaths(catalogFile: string, modelKey: string): { index: string; meta: string; ids: string } {
  const base = path.join(`${catalogFile}-vectors`, createHash('sha1').update(modelKey).digest('hex').slice(0, 16));
  return { index: `${base}.usearch`, meta: `${base}.json`, ids: `${base}.ids` };
}

export const newIndexToken = (): string => randomUUID();

export function indexConfig(dim: number, binary: boolean, expansionSearch: number = APPROX_DEFAULTS.expansionSearch): ConstructorParameters<typeof Index>[0] {
  return {
    dimensions: dim,
    metric: binary ? MetricKind.Hamming : MetricKind.Cos,
    quantization: binary ? ScalarKind.B1 : ScalarKind.F32,
    connectivity: APPROX_DEFAULTS.connectivity,
    expansion_add: APPROX_DEFAULTS.expansionAdd,
    expansion_search: expansionSearch,
    multi: false,
  };
}

/** Each file written beside its final name and renamed, so a reader sees the old set or the new one. */
function writeAtomically(file: string, write: (tmp: string) => void): void {
  const tmp = `${file}.${process.pid}.tmp`;
  write(tmp);
  renameSync(tmp, file);
}

export function saveIndex(catalogFile: string, built: BuiltIndex, meta: Omit<IndexMeta, 'binary' | 'means'>, ids: Uint32Array): void {
  const paths = indexPaths(catalogFile, meta.modelKey);
  mkdirSync(path.dirname(paths.index), { recursive: true });
  writeAtomically(paths.index, (tmp) => built.index.save(tmp));
  writeAtomically(paths.ids, (tmp) => writeFileSync(tmp, new Uint8Array(ids.buffer, ids.byteOffset, ids.byteLength)));
  const full: IndexMeta = { ...meta, binary: built.binary, means: built.means ? [...built.means] : null };
  writeAtomically(paths.meta, (tmp) => writeFileSync(tmp, JSON.stringify(full)));
}

function readMeta(catalogFile: string, modelKey: string, token: string | null): { meta: IndexMeta; ids: Uint32Array } | null {
  const paths = indexPaths(catalogFile, modelKey);
  if (!token || !existsSync(paths.meta) || !existsSync(paths.index) || !existsSync(paths.ids)) return null;
  try {
    const meta = JSON.parse(readFileSync(paths.meta, 'utf8')) as IndexMeta;
    if (meta.token !== token || meta.modelKey !== modelKey) return null;
    const bytes = readFileSync(paths.ids);
    return { meta, ids: new Uint32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength)) };
  } catch {
    return null;
  }
}

/**
 * The saved index (null when there is none, or it belongs to another catalog): memory-mapped to search it
 * ('view'), or read into memory to extend it ('load').
 */
export function openIndex(catalogFile: string, modelKey: string, token: string | null, mode: 'view' | 'load', expansionSearch?: number): SavedIndex | null {
  const read = readMeta(catalogFile, modelKey, token);
  if (!read) return null;
  const index = new Index(indexConfig(read.meta.dim, read.meta.binary, expansionSearch));
  try {
    if (mode === 'view') index.view(indexPaths(catalogFile, modelKey).index);
    else index.load(indexPaths(catalogFile, modelKey).index);
  } catch {
    return null;
  }
  return { index, meta: read.meta, ids: read.ids };
}

/** An extended index (rows added, ids appended) written back under its token. */
export function writeExtended(catalogFile: string, saved: SavedIndex): void {
  const paths = indexPaths(catalogFile, saved.meta.modelKey);
  writeAtomically(paths.index, (tmp) => saved.index.save(tmp));
  writeAtomically(paths.ids, (tmp) => writeFileSync(tmp, new Uint8Array(saved.ids.buffer, saved.ids.byteOffset, saved.ids.byteLength)));
}

/** A query as the index compares it: centred first for sign codes. */
export function encodeQuery(meta: IndexMeta, unit: Float32Array): Float32Array {
  if (!meta.means) return unit;
  return unit.map((v, d) => v - meta.means![d]!);
}

/** Embedding ids of the `want` nearest keys to a unit query. */
export function searchIndex(saved: SavedIndex, unit: Float32Array, want: number): number[] {
  const count = Math.min(want, saved.ids.length);
  if (count === 0) return [];
  const res = saved.index.search(encodeQuery(saved.meta, unit), count, 0);
  const out: number[] = [];
  for (const key of res.keys) if (Number(key) < saved.ids.length) out.push(saved.ids[Number(key)]!);
  return out;
}

export function removeIndex(catalogFile: string, modelKey: string): void {
  const paths = indexPaths(catalogFile, modelKey);
  for (const f of Object.values(paths)) rmSync(f, { force: true });
}

const tokenKey = (modelKey: string): string => `duplicates.vectorIndex:${modelKey}`;
const persistent = (catalog: Catalog): boolean => catalog.writable && catalog.path !== ':memory:' && catalog.path !== '';

/**
 * A full search's index saved for search by example. Best effort: a full disk or a read-only folder leaves the
 * search by example on its slower path, never fails the duplicate finder. No index (an exact search): any old one
 * stops being trusted.
 */
export function keepSearchIndex(catalog: Catalog, lib: LibraryEmbeddings, built: BuiltIndex | null): void {
  if (!persistent(catalog)) return;
  catalog.settings.delete(tokenKey(lib.modelKey));
  if (!built) return;
  try {
    const token = newIndexToken();
    saveIndex(catalog.path, built, { modelKey: lib.modelKey, dim: lib.matrix.dim, token }, lib.embeddingIds);
    catalog.settings.set(tokenKey(lib.modelKey), token);
  } catch {
    removeIndex(catalog.path, lib.modelKey);
  }
}

/** The catalog's saved index of a model, in memory to be extended (searched with a wider beam), or null. */
export function openIndexToExtend(catalog: Catalog, modelKey: string, expansionSearch: number): SavedIndex | null {
  if (!persistent(catalog)) return null;
  return openIndex(catalog.path, modelKey, catalog.settings.get(tokenKey(modelKey)), 'load', expansionSearch);
}

/** Writes an extended index back (dropped, so never half-trusted, when that fails). */
export function saveExtendedIndex(catalog: Catalog, saved: SavedIndex): void {
  try {
    writeExtended(catalog.path, saved);
  } catch {
    catalog.settings.delete(tokenKey(saved.meta.modelKey));
  }
}

/** The catalog's saved index of a model, memory-mapped, or null. */
export function openSearchIndex(catalog: Catalog, modelKey: string): SavedIndex | null {
  if (catalog.path === ':memory:' || catalog.path === '') return null;
  // One query by example: a wide beam costs milliseconds, and the narrow scan beam missed family members (sign codes).
  return openIndex(catalog.path, modelKey, catalog.settings.get(tokenKey(modelKey)), 'view', 512);
}
