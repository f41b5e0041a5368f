// Duplicate grouping at scale on synthetic clustered 768-d embeddings (photo families of 1–5 near-copies):
//  1. exact blocked top-k vs usearch HNSW (f16, i8) at growing n: where the crossover lies;
//  2. 100k vectors: neighbour search + first grouping (target ≤ 60 s, ≤ 1.5 GB RSS), regroup after a threshold
//     change (target ≤ 200 ms), approximate recall against brute force on sampled rows, group purity.
import { approxTopK, type Quantization } from '../electron/engine/similarity/approxTopK.js';
import { matrixRow } from '../electron/engine/similarity/embeddingMatrix.js';
import { exactQuery, exactTopK } from '../electron/engine/similarity/exactTopK.js';
import { EXACT_MAX_ROWS } from '../electron/engine/similarity/findNeighbors.js';
import { createGrouper } from '../electron/engine/similarity/grouping.js';
import type { HashedFile } from '../electron/engine/similarity/hashClasses.js';
import { neighborsOf, type NeighborGraph } from '../electron/engine/similarity/neighborGraph.js';
import { syntheticClusters } from '../electron/engine/similarity/syntheticClusters.js';
import { DEFAULT_THRESHOLD, STORED_SCORE_FLOOR, thresholdToCosine } from '../electron/engine/similarity/threshold.js';

const DIM = 768;
const K = 16;
const FLOOR = thresholdToCosine(STORED_SCORE_FLOOR);

const ms = (t0: number): number => Math.round(performance.now() - t0);
const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);
/** Peak RSS of the process so far (ru_maxrss is in KiB on Linux). */
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function crossover(sizes: readonly number[]): { rows: Record<string, unknown>[]; crossoverRows: number | null } {
  const rows: Record<string, unknown>[] = [];
  let crossoverRows: number | null = null;
  for (const n of sizes) {
    const { matrix } = syntheticClusters({ rows: n, dim: DIM, seed: n });
    let t0 = performance.now();
    exactTopK(matrix, { k: K, floor: FLOOR });
    const exactMs = ms(t0);
    const row: Record<string, unknown> = { rows: n, exactMs };
    for (const q of ['f16', 'i8'] as const) {
      t0 = performance.now();
      approxTopK(matrix, { k: K, floor: FLOOR, quantization: q });
      row[`usearch_${q}_ms`] = ms(t0);
    }
    if (crossoverRows === null && (row.usearch_i8_ms as number) < exactMs) crossoverRows = n;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  return { rows, crossoverRows };
}

/** Share of the true top-k (brute force on `samples` rows) that the approximate lists contain. */
function sampledRecall(graph: NeighborGraph, matrix: ReturnType<typeof syntheticClusters>['matrix'], samples: number): number {
  let hit = 0;
  let total = 0;
  const step = Math.floor(matrix.rows / samples);
  for (let s = 0; s < samples; s++) {
    const row = s * step;
    const truth = exactQuery(matrix, matrixRow(matrix, row), K + 1)
      .filter((t) => t.id !== row && t.sim >= FLOOR)
      .slice(0, K);
    const got = new Set(neighborsOf(graph, row).map((n) => n.id));
    total += truth.length;
    for (const t of truth) if (got.has(t.id)) hit++;
  }
  return total === 0 ? 1 : hit / total;
}

async function atScale(n: number, quantization: Quantization): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const { matrix, labels } = syntheticClusters({ rows: n, dim: DIM, seed: 42 });
  const generateMs = ms(t0);
  const t1 = performance.now();
  const graph = approxTopK(matrix, { k: K, floor: FLOOR, quantization });
  const searchMs = ms(t1);
  const files: HashedFile[] = Array.from({ length: n }, (_, i) => ({ path: `/lib/${i}.jpg`, contentHash: `c${i}`, pixelHash: `p${i}` }));
  const rowOfHash = new Map(files.map((f, i) => [f.contentHash, i]));
  const t2 = performance.now();
  const grouper = createGrouper({ files, rowOfHash, graph });
  let groups = grouper.group({ threshold: DEFAULT_THRESHOLD });
  const firstGroupMs = ms(t2);
  // Regroup timings: the median of a few threshold changes (the UI slider).
  const regroupTimes: number[] = [];
  for (const t of [85, 95, 80, 92, DEFAULT_THRESHOLD]) {
    const t3 = performance.now();
    groups = grouper.group({ threshold: t });
    regroupTimes.push(performance.now() - t3);
  }
  regroupTimes.sort((a, b) => a - b);
  // Purity: member pairs (with the representative) from the same synthetic family.
  let pairs = 0;
  let pure = 0;
  for (const g of groups) {
    if (g.tier !== 'near-duplicate') continue;
    const rep = labels[Number(g.members[0]!.file.contentHash.slice(1))];
    for (const m of g.members.slice(1)) {
      pairs++;
      if (labels[Number(m.file.contentHash.slice(1))] === rep) pure++;
    }
  }
  const recall = sampledRecall(graph, matrix, 100);
  const result = {
    rows: n,
    dim: DIM,
    k: K,
    quantization,
    generateMs,
    neighbourSearchMs: searchMs,
    firstGroupingMs: firstGroupMs,
    searchPlusGroupingS: Math.round((searchMs + firstGroupMs) / 100) / 10,
    regroupMedianMs: Math.round(regroupTimes[2]! * 10) / 10,
    regroupMaxMs: Math.round(regroupTimes[4]! * 10) / 10,
    groups: groups.length,
    nearDuplicatePairPurity: pairs ? Math.round((pure / pairs) * 1000) / 1000 : null,
    approxRecallAtK: Math.round(recall * 1000) / 1000,
    rssNowMb: rssMb(),
    peakRssMb: peakRssMb(),
  };
  console.log(JSON.stringify(result));
  return result;
}

export async function benchGrouping(): Promise<Record<string, unknown>> {
  const sizes = (process.env.LOOKALIKE_BENCH_CROSSOVER ?? '500,1000,2000,4000').split(',').map(Number);
  const scale = Number(process.env.LOOKALIKE_BENCH_ROWS ?? 100_000);
  console.log(`crossover (k=${K}, dim=${DIM}); EXACT_MAX_ROWS=${EXACT_MAX_ROWS}`);
  const cross = crossover(sizes);
  console.log(`usearch i8 first faster at ${cross.crossoverRows ?? 'none of the sizes'} rows`);
  const scaleResult = await atScale(scale, 'i8');
  return { crossover: cross.rows, crossoverRows: cross.crossoverRows, exactMaxRows: EXACT_MAX_ROWS, scale: scaleResult };
}
