// The catalog as a feature provider for the export: its files (all, or under a root) with the pooled vector it
// stored for this exact model (weights, dtype, preprocessing: modelKey), so only what is missing is embedded.
import { stat } from 'node:fs/promises';
import path from 'node:path';
import type { Catalog } from '../catalog/index.js';
import { modelKey } from '../catalog/index.js';
import type { ModelProvenance } from '../types.js';
import type { CatalogFeatureReader, FeatureLookup } from './sources.js';

type CatalogStores = Pick<Catalog, 'files' | 'embeddings'>;

function storedVector(catalog: CatalogStores, key: string, contentHash: string | null, pooled: boolean): Float32Array | null {
  // The catalog keeps pooled vectors only; token features are always computed.
  if (!pooled || contentHash === null) return null;
  return catalog.embeddings.get(contentHash, key)?.vector ?? null;
}

export function catalogFeatureReader(catalog: CatalogStores, model: ModelProvenance): CatalogFeatureReader {
  const key = modelKey(model);
  return {
    async *entries({ root, pooled }) {
      if (root === null) {
        for (const f of catalog.files.withStatus('ok')) {
          yield { path: f.path, hash: f.contentHash ?? '', vector: storedVector(catalog, key, f.contentHash, pooled) };
        }
        return;
      }
      for (const row of catalog.files.underRoot(path.resolve(root), path.sep)) {
        if (row.status !== 'ok') continue;
        const hash = catalog.files.get(row.path)?.contentHash ?? null;
        yield { path: row.path, hash: hash ?? '', vector: storedVector(catalog, key, hash, pooled) };
      }
    },
  };
}

/** For files given by path: the catalog's vector when the file is unchanged since it was scanned (size, mtime). */
export function catalogFeatureLookup(catalog: CatalogStores, model: ModelProvenance): FeatureLookup {
  const key = modelKey(model);
  return async (file) => {
    const known = catalog.files.lookup(file, key);
    if (!known || known.status !== 'ok' || !known.hasEmbedding || known.contentHash === null) return null;
    const now = await stat(file).catch(() => null);
    if (!now || now.size !== known.size || now.mtimeMs !== known.mtimeMs) return null;
    const vector = catalog.embeddings.get(known.contentHash, key)?.vector;
    return vector ? { hash: known.contentHash, vector } : null;
  };
}
