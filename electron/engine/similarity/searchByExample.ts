// Top-k look-alikes of one image (a catalog file or an outside one) over the catalog's vectors. Exact search:
// one pass over n × dim floats takes tens of milliseconds even at 100k images, so no index is needed.
import { normalized } from '../vectors.js';
import type { VectorMatrix } from './embeddingMatrix.js';
import { exactQuery } from './exactTopK.js';
import type { Tier } from './grouping.js';
import type { HashedFile } from './hashClasses.js';
import { cosineToScore, tierCutoffs, type ScoreScale } from './threshold.js';

export interface SearchQuery {
  vector: Float32Array;
  contentHash: string | null;
  pixelHash: string | null;
  /** Left out of the results (searching a catalog file should not return itself). */
  path: string | null;
}

export interface SearchHit {
  path: string;
  cosine: number;
  score: number;
  /** null below the `similar` band: a nearest neighbour, but not alike enough to call similar. */
  tier: Tier | null;
}

export function searchByExample<F extends HashedFile>(
  matrix: VectorMatrix,
  rowOfHash: ReadonlyMap<string, number>,
  files: readonly F[],
  query: SearchQuery,
  opts: { top: number; threshold: number; scale?: ScoreScale },
): SearchHit[] {
  if (matrix.rows === 0) return [];
  // Ask for extra rows: several files may share one vector and the query itself is dropped.
  const nearest = exactQuery(matrix, normalized(query.vector), opts.top + 8);
  // Only the files of those rows are looked up: a million-file library is walked once, not indexed.
  const wanted = new Set(nearest.map((n) => n.id));
  const filesOfRow = new Map<number, F[]>();
  for (const f of files) {
    const row = rowOfHash.get(f.contentHash);
    if (row !== undefined && wanted.has(row)) filesOfRow.set(row, [...(filesOfRow.get(row) ?? []), f]);
  }
  return rankedHits(nearest, (row) => filesOfRow.get(row) ?? [], query, opts);
}

/** Hits from vectors ranked best first (`id` is whatever `filesOf` takes): each vector's files, tiered. */
export function rankedHits<K, F extends HashedFile>(
  ranked: readonly { id: K; sim: number }[],
  filesOf: (id: K) => readonly F[],
  query: SearchQuery,
  opts: { top: number; threshold: number; scale?: ScoreScale },
): SearchHit[] {
  const cut = tierCutoffs(opts.threshold, opts.scale);
  const hits: SearchHit[] = [];
  for (const { id, sim } of ranked) {
    for (const f of filesOf(id)) {
      if (f.path === query.path) continue;
      const tier: Tier | null =
        f.contentHash === query.contentHash ? 'exact'
        : query.pixelHash !== null && f.pixelHash === query.pixelHash ? 'same-pixels'
        : sim >= cut.near ? 'near-duplicate'
        : sim >= cut.similar ? 'similar'
        : null;
      hits.push({ path: f.path, cosine: sim, score: tier === 'exact' || tier === 'same-pixels' ? 100 : cosineToScore(sim, opts.scale), tier });
    }
    if (hits.length >= opts.top) break;
  }
  return hits.slice(0, opts.top);
}
