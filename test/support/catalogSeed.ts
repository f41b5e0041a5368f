// A synthetic library written through the catalog's own API, for query-plan tests and the catalog bench: content
// in the shapes a real library has (single files, copies, files gone missing, failures, stale vectors of another
// model, orphaned vectors), in proportions that give SQLite realistic statistics after ANALYZE.
import type { Catalog, ContentMetadata, FileWrite } from '../../electron/engine/catalog/index.js';
import type { ModelProvenance } from '../../electron/engine/types.js';

export const seedProvenance: ModelProvenance = {
  id: 'generated/seed',
  revision: null,
  dtype: 'fp32',
  fileSha256: 'cd'.repeat(32),
  preprocessVersion: 1,
  processorSha256: '12'.repeat(32),
};

export interface SeedOptions {
  /** Distinct contents; files are about 1.1× this (some contents have a copy). */
  contents: number;
  /** Vector length. Default 8 (plans and result sets do not depend on it). */
  dim?: number;
  /** Folder the files live in. Default '/photos'. */
  root?: string;
}

export interface SeededLibrary {
  modelKey: string;
  /** A second model with vectors for a quarter of the contents: never part of the first model's results. */
  otherModelKey: string;
  /** Content hashes live() must return for `modelKey`: an embedding, and at least one file with status ok. */
  live: Set<string>;
  files: number;
}

/** The content hash of content i. */
export const seedHash = (i: number): string => `xxh128:${i.toString(16).padStart(32, '0')}`;

/** The vector stored for content i (for `modelKey`). */
export function seedVector(i: number, dim: number): Float32Array {
  const v = new Float32Array(dim);
  for (let d = 0; d < dim; d++) v[d] = Math.sin(i * 0.7 + d);
  return v;
}

function metaFor(i: number, hash: string): ContentMetadata {
  // A few upright sizes, some with a different Orientation tag: rotated-copy candidates exist but are rare.
  const sizes = [[4032, 3024], [3024, 4032], [1920, 1080], [640, 480]] as const;
  const [width, height] = sizes[i % sizes.length]!;
  return {
    contentHash: hash,
    width,
    height,
    format: i % 7 === 0 ? 'png' : 'jpeg',
    takenAt: null,
    cameraMake: null,
    cameraModel: null,
    orientation: i % 50 === 0 ? 6 : 1,
    pixelHash: `px-${i}`,
    pixelThumb: i % 3 === 0 ? null : new Uint8Array(8).fill(i & 0xff),
  };
}

/** Files for content i: what kind of content it is decides whether live() should see it. */
function filesFor(i: number, root: string): { writes: FileWrite[]; missing: string[]; live: boolean } {
  const hash = seedHash(i);
  const folder = `${root}/${String(Math.floor(i / 500)).padStart(3, '0')}`;
  const ok = (name: string): FileWrite => ({ path: `${folder}/${name}`, size: 1000 + i, mtimeMs: i, status: 'ok', meta: metaFor(i, hash) });
  switch (i % 20) {
    case 17: // an original and a copy
      return { writes: [ok(`${i}.jpg`), ok(`${i} (copy).jpg`)], missing: [], live: true };
    case 18: // a copy gone missing, the original still there
      return { writes: [ok(`${i}.jpg`), ok(`${i}-old.jpg`)], missing: [`${folder}/${i}-old.jpg`], live: true };
    case 19: // every file with these bytes gone missing: the vector is kept, but not searched
      return { writes: [ok(`${i}.jpg`)], missing: [`${folder}/${i}.jpg`], live: false };
    case 13: // hashed, then failed to decode: the row carries the hash, the content is not searchable
      return { writes: [{ path: `${folder}/${i}.jpg`, size: 10, mtimeMs: i, status: 'failed', error: 'truncated', contentHash: hash }], missing: [], live: false };
    default:
      return { writes: [ok(`${i}.jpg`)], missing: [], live: true };
  }
}

export function seedLibrary(catalog: Catalog, opts: SeedOptions): SeededLibrary {
  const dim = opts.dim ?? 8;
  const root = opts.root ?? '/photos';
  const modelKey = catalog.embeddings.registerModel(seedProvenance, dim);
  const otherModelKey = catalog.embeddings.registerModel({ ...seedProvenance, dtype: 'fp16' }, dim);
  const live = new Set<string>();
  let files = 0;
  catalog.transaction(() => {
    catalog.roots.add(root);
    const ids: number[] = [];
    for (let i = 0; i < opts.contents; i++) {
      const hash = seedHash(i);
      const { writes, missing, live: isLive } = filesFor(i, root);
      const rowIds = writes.map((w) => catalog.files.upsert(w));
      files += rowIds.length;
      catalog.files.markMissing(rowIds.filter((_, k) => missing.includes(writes[k]!.path)));
      ids.push(catalog.embeddings.put(hash, modelKey, seedVector(i, dim)));
      if (i % 4 === 0) catalog.embeddings.put(hash, otherModelKey, seedVector(i + 1, dim));
      if (isLive) live.add(hash);
      if (i % 2 === 0 && i > 0) {
        catalog.neighbors.put(hash, modelKey, { ids: Uint32Array.of(ids[i - 1]!), scores: Float32Array.of(0.9) });
      }
      if (i % 100 === 1) catalog.notDuplicates.add(hash, seedHash(i - 1));
    }
    // Vectors whose files were deleted from the catalog entirely (what deleteOrphans removes).
    for (let i = opts.contents; i < opts.contents + Math.ceil(opts.contents / 50); i++) {
      catalog.embeddings.put(seedHash(i), modelKey, seedVector(i, dim));
    }
  });
  return { modelKey, otherModelKey, live, files };
}
