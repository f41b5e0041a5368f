import { describe, expect, it } from 'vitest';
import { approxTopK } from '../../../electron/engine/similarity/approxTopK.js';
import { matrixRow, normalizeMatrixInPlace, type EmbeddingMatrix } from '../../../electron/engine/similarity/embeddingMatrix.js';
import { exactQuery, exactTopK } from '../../../electron/engine/similarity/exactTopK.js';
import { findNeighbors } from '../../../electron/engine/similarity/findNeighbors.js';
import { neighborsOf, type NeighborGraph } from '../../../electron/engine/similarity/neighborGraph.js';
import { syntheticClusters } from '../../support/syntheticClusters.js';
import { STORED_SCORE_FLOOR, thresholdToCosine } from '../../../electron/engine/similarity/threshold.js';
import { cosineSimilarity } from '../../../electron/engine/vectors.js';

describe('exact blocked top-k', () => {
  // 197 rows: several 64-row blocks, an odd tail, and odd rows inside the 2×4 tiles.
  const { matrix } = syntheticClusters({ rows: 197, dim: 37, seed: 7, noise: 0.6 });

  it.each([1, 5, 12])('equals brute force for k=%i', (k) => {
    const g = exactTopK(matrix, { k });
    for (let i = 0; i < matrix.rows; i++) {
      const brute = [];
      for (let j = 0; j < matrix.rows; j++) {
        if (j !== i) brute.push({ id: j, sim: cosineSimilarity(matrixRow(matrix, i), matrixRow(matrix, j)) });
      }
      brute.sort((a, b) => b.sim - a.sim || a.id - b.id);
      const got = neighborsOf(g, i);
      expect(got.map((n) => n.sim)).toEqual(brute.slice(0, k).map((n) => expect.closeTo(n.sim, 5)));
      // ids agree except where two similarities tie to float precision
      got.forEach((n, t) => {
        if (n.id !== brute[t]!.id) expect(Math.abs(n.sim - brute[t]!.sim)).toBeLessThan(1e-6);
      });
    }
  });

  it('drops pairs below the floor and never lists a row as its own neighbour', () => {
    const g = exactTopK(matrix, { k: 10, floor: 0.8 });
    for (let i = 0; i < matrix.rows; i++) {
      for (const n of neighborsOf(g, i)) {
        expect(n.id).not.toBe(i);
        expect(n.sim).toBeGreaterThanOrEqual(0.8);
      }
    }
  });

  it('answers an outside query like a row of the matrix', () => {
    const top = exactQuery(matrix, matrixRow(matrix, 42), 3);
    expect(top[0]!.id).toBe(42);
    expect(top[0]!.sim).toBeCloseTo(1, 5);
  });

  it('handles tiny inputs', () => {
    expect(exactTopK(syntheticClusters({ rows: 1, dim: 4 }).matrix, { k: 5 }).counts[0]).toBe(0);
    const two = exactTopK(syntheticClusters({ rows: 2, dim: 4 }).matrix, { k: 5 });
    expect(neighborsOf(two, 0).map((n) => n.id)).toEqual([1]);
  });
});

/** Share of the exact lists' ids that the approximate lists hold. */
function recall(exact: NeighborGraph, approx: NeighborGraph): number {
  let hit = 0;
  let total = 0;
  for (let i = 0; i < exact.rows; i++) {
    const truth = new Set(neighborsOf(exact, i).map((n) => n.id));
    total += truth.size;
    for (const n of neighborsOf(approx, i)) if (truth.has(n.id)) hit++;
  }
  return hit / total;
}

/** Share of every row's cluster mates (all of them fit in k) that its list holds. */
function mateRecall(graph: NeighborGraph, labels: Int32Array): number {
  let found = 0;
  let expected = 0;
  const size = new Map<number, number>();
  for (const l of labels) size.set(l, (size.get(l) ?? 0) + 1);
  for (let i = 0; i < graph.rows; i++) {
    found += neighborsOf(graph, i).filter((n) => labels[n.id] === labels[i]).length;
    expected += size.get(labels[i]!)! - 1;
  }
  return found / expected;
}

/**
 * Clustered rows that all share one offset, like real embeddings (unrelated photos at cosine ≈ 0.6, coordinates
 * with a common sign): every coordinate moves by 1.4 of its spread, so raw signs would be mostly the same bit.
 */
function offsetClusters(rows: number, dim: number): { matrix: EmbeddingMatrix; labels: Int32Array } {
  const { matrix, labels } = syntheticClusters({ rows, dim, seed: 5 });
  const shift = 1.4 / Math.sqrt(dim);
  for (let i = 0; i < matrix.data.length; i++) matrix.data[i]! += shift;
  return { matrix: normalizeMatrixInPlace(matrix.data, dim), labels };
}

describe('usearch approximate top-k', () => {
  it.each(['f16', 'i8'] as const)('%s index recalls ≥ 0.95 of the exact neighbours on clustered data', (quantization) => {
    const { matrix } = syntheticClusters({ rows: 3000, dim: 64, seed: 3 });
    const k = 5;
    expect(recall(exactTopK(matrix, { k }), approxTopK(matrix, { k, quantization }))).toBeGreaterThanOrEqual(0.95);
  });

  it('b1 index recalls ≥ 0.95 of the exact neighbours above the stored floor', () => {
    // Sign codes cannot order the near-orthogonal rows far below the floor (nor need to): recall counts what is kept.
    const { matrix } = syntheticClusters({ rows: 2000, dim: 256, seed: 3 });
    const k = 5;
    const floor = thresholdToCosine(STORED_SCORE_FLOOR);
    const exact = exactTopK(matrix, { k, floor });
    expect(exact.counts.reduce((a, b) => a + b, 0)).toBeGreaterThan(2000);
    expect(recall(exact, approxTopK(matrix, { k, floor, quantization: 'b1' }))).toBeGreaterThanOrEqual(0.95);
  });

  it('ranks by the centred sign codes, so a shared offset does not blur the binary index', () => {
    const { matrix, labels } = offsetClusters(2000, 256);
    // Unrelated rows really are ≈ 0.6 alike here, as in real photo libraries.
    expect(cosineSimilarity(matrixRow(matrix, 0), matrixRow(matrix, 1000))).toBeGreaterThan(0.55);
    const { graph, method } = findNeighbors(matrix, { method: 'approx', k: 8 });
    expect(method).toBe('approx');
    expect(mateRecall(graph, labels)).toBeGreaterThanOrEqual(0.99);
  });

  it('finds cluster mates above the floor, with exactly rescored similarities', () => {
    const { matrix, labels } = syntheticClusters({ rows: 2000, dim: 48, seed: 11, maxClusterSize: 4 });
    // One thread: the threaded HNSW build inserts in whatever order the threads run, and on a loaded CI machine
    // that cost this recall a point (0.987; 0.993–1.0 over 30 quiet runs). One thread gives 1.0 every time.
    const graph = approxTopK(matrix, { k: 8, floor: thresholdToCosine(STORED_SCORE_FLOOR), threads: 1 });
    let found = 0;
    let expected = 0;
    for (let i = 0; i < matrix.rows; i++) {
      const mates = neighborsOf(graph, i).filter((n) => labels[n.id] === labels[i]);
      found += mates.length;
      expected += Array.from(labels).filter((l, j) => l === labels[i] && j !== i).length;
      // HNSW is approximate; the stored similarities are not.
      for (const n of neighborsOf(graph, i)) expect(n.sim).toBeCloseTo(cosineSimilarity(matrixRow(matrix, i), matrixRow(matrix, n.id)), 5);
    }
    expect(found / expected).toBeGreaterThanOrEqual(0.99);
  });
});
