// Search by example and compare, as the library offers them: a catalog photo searches with its stored vector, an
// outside one is embedded with the model the library's vectors came from (or the scores would mean nothing).
import type { Catalog } from '../catalog/index.js';
import { modelKey } from '../catalog/index.js';
import type { Engine } from '../engine.js';
import { LookalikeError } from '../errors.js';
import { searchByExample, type SearchQuery } from '../similarity/searchByExample.js';
import { cosineToScore, tierCutoffs, type ScoreScale } from '../similarity/threshold.js';
import { cosineSimilarity } from '../vectors.js';
import type { Tier } from '../../shared/values.js';
import type { GroupIndex } from './groupIndex.js';
import { patchHeatmap } from './patchHeatmap.js';
import type { CompareResult, SearchResult } from './types.js';

export interface SearchRequest {
  path: string;
  top: number;
  threshold: number;
}

const errorText = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function outsideQuery(engine: Engine, image: string, libraryKey: string, hashFile: (p: string) => Promise<string>): Promise<SearchQuery> {
  if (modelKey(engine.provenance) !== libraryKey) {
    throw new LookalikeError('unavailable', `the library's vectors come from ${libraryKey}, but the model in use is ${modelKey(engine.provenance)}: scan again with it (or pass --model for the library's model) to search`);
  }
  const prepared = await engine.prepare(image).catch((err: unknown) => {
    throw new LookalikeError('invalid-request', `cannot read ${image}: ${errorText(err)}`);
  });
  const [vector] = await engine.runBatch([prepared.tensor]);
  return { vector: vector!, contentHash: await hashFile(image), pixelHash: prepared.pixelHash, path: null };
}

export async function searchLibrary(
  deps: { catalog: Catalog; index: GroupIndex; engine: () => Promise<Engine>; hashFile: (p: string) => Promise<string>; thumb: (p: string) => string },
  req: SearchRequest,
): Promise<SearchResult> {
  const loaded = deps.index.load();
  if (!loaded) throw new LookalikeError('unavailable', 'the library has no photos yet: add a folder and scan it first');
  const key = loaded.embeddings.modelKey;
  const known = deps.catalog.files.get(req.path);
  const stored = known?.status === 'ok' && known.contentHash ? deps.catalog.embeddings.get(known.contentHash, key) : null;
  const query: SearchQuery =
    known?.contentHash && stored
      ? { vector: stored.vector, contentHash: known.contentHash, pixelHash: known.pixelHash, path: req.path }
      : await outsideQuery(await deps.engine(), req.path, key, deps.hashFile);
  const hits = searchByExample(loaded.embeddings.matrix, loaded.embeddings.rowOfHash, deps.index.filesInLibrary(), query, { top: req.top, threshold: req.threshold, scale: loaded.scale });
  return { query: req.path, threshold: req.threshold, hits: hits.map((h) => ({ ...h, thumb: deps.thumb(h.path) })) };
}

function tierOf(cosine: number, threshold: number, scale?: ScoreScale): Tier | null {
  const { near, similar } = tierCutoffs(threshold, scale);
  if (cosine >= near) return 'near-duplicate';
  return cosine >= similar ? 'similar' : null;
}

/** Two photos: the score, the tier at the threshold, and where they agree (the patch heatmap) when asked. */
export async function comparePhotos(engine: Engine, a: string, b: string, opts: { threshold: number; heatmap: boolean; scale?: ScoreScale }): Promise<Omit<CompareResult, 'thumbA' | 'thumbB'>> {
  const prepare = (p: string) => engine.prepare(p).catch((err: unknown) => {
    throw new LookalikeError('invalid-request', `cannot read ${p}: ${errorText(err)}`);
  });
  const [pa, pb] = await Promise.all([prepare(a), prepare(b)]);
  const [va, vb] = await engine.runBatch([pa.tensor, pb.tensor], { pooled: true });
  const cosine = cosineSimilarity(va!, vb!);
  let heatmap = null;
  if (opts.heatmap && engine.tokens > 1) {
    const [ta, tb] = await engine.runBatch([pa.tensor, pb.tensor], { pooled: false });
    heatmap = patchHeatmap(ta!, tb!, engine.tokens, engine.tokenDim);
  }
  const samePixels = pa.pixelHash === pb.pixelHash;
  return {
    score: samePixels ? 100 : cosineToScore(cosine, opts.scale),
    cosine,
    tier: samePixels ? 'same-pixels' : tierOf(cosine, opts.threshold, opts.scale),
    model: engine.provenance.id,
    device: engine.device,
    pooling: engine.pooling,
    heatmap,
  };
}
