// Search hits are labelled by the same tiers as groups: bytes, pixels, then the cosine bands; a neighbour below
// the similar band gets no tier at all (it is only the nearest thing there is).
import { describe, expect, it } from 'vitest';
import { packEmbeddings } from '../../../electron/engine/similarity/embeddingMatrix.js';
import { searchByExample } from '../../../electron/engine/similarity/searchByExample.js';
import { thresholdToCosine } from '../../../electron/engine/similarity/threshold.js';

/** A unit vector at exactly cosine `c` to e0. */
const at = (c: number) => Float32Array.from([c, Math.sqrt(1 - c * c), 0]);

describe('searchByExample tiers', () => {
  const threshold = 90;
  const near = thresholdToCosine(threshold);
  const similarFloor = thresholdToCosine(threshold - 10);
  const vectors = [at(1), at(1), at(near + 0.001), at((near + similarFloor) / 2), at(similarFloor - 0.05)];
  const files = [
    { path: '/p/query.jpg', contentHash: 'h0', pixelHash: 'p0' },
    { path: '/p/copy.png', contentHash: 'h1', pixelHash: 'p0' },
    { path: '/p/near.jpg', contentHash: 'h2', pixelHash: 'p2' },
    { path: '/p/similar.jpg', contentHash: 'h3', pixelHash: 'p3' },
    { path: '/p/far.jpg', contentHash: 'h4', pixelHash: 'p4' },
  ];
  const rowOfHash = new Map(files.map((f, i) => [f.contentHash, i]));
  const hits = searchByExample(packEmbeddings(vectors), rowOfHash, files, {
    vector: at(1),
    contentHash: 'h0',
    pixelHash: 'p0',
    path: '/p/query.jpg',
  }, { top: 10, threshold });
  const tierOf = (p: string) => hits.find((h) => h.path === p)?.tier;

  it('leaves the query out and ranks by similarity', () => {
    expect(hits.map((h) => h.path)).toEqual(['/p/copy.png', '/p/near.jpg', '/p/similar.jpg', '/p/far.jpg']);
  });

  it.each([
    ['/p/copy.png', 'same-pixels'],
    ['/p/near.jpg', 'near-duplicate'],
    ['/p/similar.jpg', 'similar'],
    ['/p/far.jpg', null],
  ] as const)('%s → %s', (p, tier) => {
    expect(tierOf(p)).toBe(tier);
  });
});
