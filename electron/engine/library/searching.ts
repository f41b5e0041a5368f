// Search by example and compare, as the library offers them: a catalog photo searches with its stored vector, an
// outside one is embedded with the model the library's vectors came from (or the scores would mean nothing).
import type { Catalog } from '../catalog/index.js';
import { modelKey } from '../catalog/index.js';
import type { Engine } from '../engine.js';
import { LookalikeError } from '../errors.js';
import { dotQuery } from '../similarity/embeddingMatrix.js';
import { isUnder } from '../similarity/keepBest.js';
import { rankedHits, searchByExample, type SearchHit, type SearchQuery } from '../similarity/searchByExample.js';
import { secondHopIds } from '../similarity/secondHop.js';
import { openSearchIndex, searchIndex } from '../similarity/vectorIndexFile.js';
import { cosineToScore, tierCutoffs, type ScoreScale } from '../similarity/threshold.js';
import { cosineSimilarity, normalized } from '../vectors.js';
import type { Tier } from '../../shared/values.js';
import { toLibraryFile, type LibraryFile } from './catalogView.js';
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

type SearchDeps = { catalog: Catalog; index: GroupIndex; engine: () => Promise<Engine>; hashFile: (p: string) => Promise<string>; thumb: (p: string) => string };

/** Rows written after the saved index beyond which scanning them exactly costs more than loading the library. */
const INDEX_TAIL_MAX = 50_000;
/** Sign-code candidates rescored exactly: 64 missed family members now and then at 20k; 1,024 rows cost ~10 ms. */
const INDEX_CANDIDATES = 1024;

/**
 * The search through the index the last full neighbour search saved (vectorIndexFile.ts): its candidates and
 * the vectors written since, rescored exactly from the catalog, with their files read one content at a time. A
 * million-photo library answers without loading its vectors or its file list. Null when there is no saved index.
 */
function indexedSearch(deps: SearchDeps, key: string, scale: ScoreScale, query: SearchQuery, req: SearchRequest): SearchHit[] | null {
  const { catalog } = deps;
  const saved = openSearchIndex(catalog, key);
  if (!saved || saved.meta.dim !== query.vector.length) return null;
  let indexedUpTo = 0;
  for (const id of saved.ids) if (id > indexedUpTo) indexedUpTo = id;
  const tail = catalog.embeddings.idsAfter(key, indexedUpTo);
  if (tail.length > INDEX_TAIL_MAX) return null;
  const unit = normalized(query.vector);
  const dim = saved.meta.dim;
  const ranked: { id: number; sim: number }[] = [];
  const rescore = (ids: Iterable<number>) => {
    for (const id of ids) {
      const bits = catalog.embeddings.halves.row(id, dim);
      if (bits) ranked.push({ id, sim: dotQuery({ bits, rows: 1, dim }, unit, 0) });
    }
    ranked.sort((a, b) => b.sim - a.sim);
  };
  const candidates = new Set([...searchIndex(saved, unit, Math.max(INDEX_CANDIDATES, 4 * (req.top + 8))), ...tail]);
  rescore(candidates);
  // The index can stop short of a tight family (secondHop.ts): the best hits' stored lists complete it.
  const listOf = (id: number) => {
    const hash = catalog.embeddings.hashOf(id);
    return hash ? (catalog.neighbors.get(hash, key)?.ids ?? null) : null;
  };
  rescore(secondHopIds(ranked.map((r) => r.id), listOf, candidates));
  const roots = catalog.roots.list().map((r) => r.path);
  const filesOf = (id: number): LibraryFile[] => {
    const hash = catalog.embeddings.hashOf(id);
    if (!hash) return [];
    return catalog.files.byContentHash(hash).map((f) => toLibraryFile(f)).filter((f): f is LibraryFile => f !== null && roots.some((root) => isUnder(f.path, root)));
  };
  return rankedHits(ranked, filesOf, query, { top: req.top, threshold: req.threshold, scale });
}

export async function searchLibrary(deps: SearchDeps, req: SearchRequest): Promise<SearchResult> {
  const model = deps.index.model();
  if (!model) throw new LookalikeError('unavailable', 'the library has no photos yet: add a folder and scan it first');
  const { key, scale } = model;
  const known = deps.catalog.files.get(req.path);
  const stored = known?.status === 'ok' && known.contentHash ? deps.catalog.embeddings.get(known.contentHash, key) : null;
  const query: SearchQuery =
    known?.contentHash && stored
      ? { vector: stored.vector, contentHash: known.contentHash, pixelHash: known.pixelHash, path: req.path }
      : await outsideQuery(await deps.engine(), req.path, key, deps.hashFile);
  // Vectors already in memory are the quickest (and exact); else the saved index; else load the library.
  const inMemory = deps.index.loadedWithVectors();
  const indexed = inMemory ? null : indexedSearch(deps, key, scale, query, req);
  const loaded = indexed ? null : (inMemory ?? deps.index.load());
  const hits = indexed ?? (loaded ? searchByExample(loaded.embeddings.matrix, loaded.embeddings.rowOfHash, deps.index.filesInLibrary(), query, { top: req.top, threshold: req.threshold, scale }) : []);
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
