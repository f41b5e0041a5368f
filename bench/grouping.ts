// Duplicate grouping at scale on synthetic clustered 768-d embeddings (photo families of 1–5 near-copies):
//  1. exact blocked top-k vs usearch HNSW (b1 default, i8) at growing n: where the crossover lies;
//  2. 100k vectors: neighbour search + first grouping (target ≤ 60 s, ≤ 1.5 GB RSS), regroup after a threshold
//     change (target ≤ 200 ms), approximate recall against brute force on sampled rows, group purity.
//  3. optional (LOOKALIKE_BENCH_VARIANTS=name,…): other index settings on the same 100k rows, side by side, so a
//     loaded machine's noise hits all of them alike. Peak RSS is per process: run a variant alone to attribute it.
import { approxTopK, type ApproxOptions } from '../electron/engine/similarity/approxTopK.js';
import { matrixRow } from '../electron/engine/similarity/embeddingMatrix.js';
import { exactQuery, exactTopK } from '../electron/engine/similarity/exactTopK.js';
import { EXACT_MAX_ROWS } from '../electron/engine/similarity/findNeighbors.js';
import { createGrouper } from '../electron/engine/similarity/grouping.js';
import type { HashedFile } from '../electron/engine/similarity/hashClasses.js';
import { neighborsOf, type NeighborGraph } from '../electron/engine/similarity/neighborGraph.js';
import { syntheticClusters } from '../test/support/syntheticClusters.js';
import { DEFAULT_THRESHOLD, STORED_SCORE_FLOOR, thresholdToCosine } from '../electron/engine/similarity/threshold.js';

const DIM = 768;
const K = 16;
const FLOOR = thresholdToCosine(STORED_SCORE_FLOOR);
/** Rows whose brute-force top-k checks the recall; 100 left ±0.03 of run-to-run spread. */
const RECALL_SAMPLES = 200;

const ms = (t0: number): number => Math.round(performance.now() - t0);
const rssMb = (): number => Math.round(process.memoryUsage().rss / 2 ** 20);
/** Peak RSS of the process so far (ru_maxrss is in KiB on Linux). */
const peakRssMb = (): number => Math.round(process.resourceUsage().maxRSS / 1024);

function crossover(sizes: readonly number[]): { rows: Record<string, unknown>[]; crossoverRows: number | null } {
  const rows: Record<string, unknown>[] = [];
  let crossoverRows: number | null = null;
  // Warm the JIT and the native module first, or the smallest size pays for compilation and reads as slow.
  const warm = syntheticClusters({ rows: 300, dim: DIM, seed: 1 }).matrix;
  exactTopK(warm, { k: K, floor: FLOOR });
  approxTopK(warm, { k: K, floor: FLOOR });
  for (const n of sizes) {
    const { matrix } = syntheticClusters({ rows: n, dim: DIM, seed: n });
    let t0 = performance.now();
    exactTopK(matrix, { k: K, floor: FLOOR });
    const exactMs = ms(t0);
    const row: Record<string, unknown> = { rows: n, exactMs };
    for (const q of ['b1', 'i8'] as const) {
      t0 = performance.now();
      approxTopK(matrix, { k: K, floor: FLOOR, quantization: q });
      row[`usearch_${q}_ms`] = ms(t0);
    }
    if (crossoverRows === null && (row.usearch_b1_ms as number) < exactMs) crossoverRows = n;
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  return { rows, crossoverRows };
}

type Truth = { row: number; ids: number[] }[];

/** Brute-force top-k (above the floor) of `samples` evenly spaced rows. */
function sampledTruth(matrix: ReturnType<typeof syntheticClusters>['matrix'], samples: number): Truth {
  const step = Math.floor(matrix.rows / samples);
  return Array.from({ length: samples }, (_, s) => {
    const row = s * step;
    const ids = exactQuery(matrix, matrixRow(matrix, row), K + 1)
      .filter((t) => t.id !== row && t.sim >= FLOOR)
      .slice(0, K)
      .map((t) => t.id);
    return { row, ids };
  });
}

/** Share of the true top-k that the approximate lists contain. */
function recallAgainst(graph: NeighborGraph, truth: Truth): number {
  let hit = 0;
  let total = 0;
  for (const { row, ids } of truth) {
    const got = new Set(neighborsOf(graph, row).map((n) => n.id));
    total += ids.length;
    for (const id of ids) if (got.has(id)) hit++;
  }
  return total === 0 ? 1 : hit / total;
}

/** Named index settings for side-by-side runs; `default` is what findNeighbors uses. */
const VARIANTS: Record<string, Partial<ApproxOptions>> = {
  default: {},
  // The defaults before the 1M first-run work (approxTopK.ts lists what each cost on bench/scale.ts's library).
  'b1-c16-ea64-es32': { quantization: 'b1', connectivity: 16, expansionAdd: 64, expansionSearch: 32 },
  'b1-c16-ea32-es24': { quantization: 'b1', connectivity: 16, expansionAdd: 32, expansionSearch: 24 },
  'b1-c8-ea64-es32': { quantization: 'b1', connectivity: 8, expansionAdd: 64, expansionSearch: 32 },
  'i8-ea64': { quantization: 'i8', expansionAdd: 64, expansionSearch: 64 },
  'f16-ea64': { quantization: 'f16', expansionAdd: 64, expansionSearch: 64 },
  'b1-ea64': { quantization: 'b1', expansionAdd: 64 },
  'b1-ea80': { quantization: 'b1', expansionAdd: 80 },
  'b1-ea64-es96': { quantization: 'b1', expansionAdd: 64, expansionSearch: 96 },
  'b1-c24-ea64': { quantization: 'b1', connectivity: 24, expansionAdd: 64 },
  'b1-cand17': { quantization: 'b1', candidates: K + 1 },
  'b1-1thread': { quantization: 'b1', threads: 1 },
};

/** Recall and time of other settings on the same rows (see the header). */
function compareVariants(matrix: ReturnType<typeof syntheticClusters>['matrix'], truth: Truth, names: readonly string[]): void {
  for (const name of names) {
    const variant = VARIANTS[name];
    if (!variant) {
      console.log(`unknown variant ${name}; known: ${Object.keys(VARIANTS).join(', ')}`);
      continue;
    }
    const t0 = performance.now();
    const graph = approxTopK(matrix, { k: K, floor: FLOOR, ...variant });
    const seconds = Math.round(ms(t0) / 100) / 10;
    const recall = Math.round(recallAgainst(graph, truth) * 1000) / 1000;
    console.log(JSON.stringify({ variant: name, rows: matrix.rows, neighbourSearchS: seconds, approxRecallAtK: recall, rssNowMb: rssMb() }));
  }
}

async function atScale(n: number, variants: readonly string[]): Promise<Record<string, unknown>> {
  const t0 = performance.now();
  const { matrix, labels } = syntheticClusters({ rows: n, dim: DIM, seed: 42 });
  const generateMs = ms(t0);
  const t1 = performance.now();
  const graph = approxTopK(matrix, { k: K, floor: FLOOR });
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
  // Purity: member pairs (with the representative) from the same synthetic family. The synthetic families sit at
  // cosine ≈ 0.94, below the default near cut (0.965), so they are near-duplicates only at a lower threshold (85).
  const purity = (tiers: readonly string[], of: typeof groups): number | null => {
    let pairs = 0;
    let pure = 0;
    for (const g of of) {
      if (!tiers.includes(g.tier)) continue;
      const rep = labels[Number(g.members[0]!.file.contentHash.slice(1))];
      for (const m of g.members.slice(1)) {
        pairs++;
        if (labels[Number(m.file.contentHash.slice(1))] === rep) pure++;
      }
    }
    return pairs ? Math.round((pure / pairs) * 1000) / 1000 : null;
  };
  const defaultPurity = purity(['near-duplicate', 'similar'], groups);
  const nearAt85Purity = purity(['near-duplicate'], grouper.group({ threshold: 85, includeSimilar: false }));
  const truth = sampledTruth(matrix, RECALL_SAMPLES);
  const recall = recallAgainst(graph, truth);
  const result = {
    rows: n,
    dim: DIM,
    k: K,
    index: 'default',
    generateMs,
    neighbourSearchMs: searchMs,
    firstGroupingMs: firstGroupMs,
    searchPlusGroupingS: Math.round((searchMs + firstGroupMs) / 100) / 10,
    regroupMedianMs: Math.round(regroupTimes[2]! * 10) / 10,
    regroupMaxMs: Math.round(regroupTimes[4]! * 10) / 10,
    groups: groups.length,
    nearDuplicatePairPurityAt85: nearAt85Purity,
    embeddingGroupPairPurityAtDefault: defaultPurity,
    approxRecallAtK: Math.round(recall * 1000) / 1000,
    rssNowMb: rssMb(),
    peakRssMb: peakRssMb(),
  };
  console.log(JSON.stringify(result));
  compareVariants(matrix, truth, variants);
  return result;
}

export async function benchGrouping(): Promise<Record<string, unknown>> {
  const sizes = (process.env.LOOKALIKE_BENCH_CROSSOVER ?? '250,500,1000,2000,4000').split(',').map(Number);
  const scale = Number(process.env.LOOKALIKE_BENCH_ROWS ?? 100_000);
  console.log(`crossover (k=${K}, dim=${DIM}); EXACT_MAX_ROWS=${EXACT_MAX_ROWS}`);
  const cross = crossover(sizes);
  console.log(`usearch b1 first faster at ${cross.crossoverRows ?? 'none of the sizes'} rows`);
  const variants = (process.env.LOOKALIKE_BENCH_VARIANTS ?? '').split(',').filter(Boolean);
  const scaleResult = await atScale(scale, variants);
  return { crossover: cross.rows, crossoverRows: cross.crossoverRows, exactMaxRows: EXACT_MAX_ROWS, scale: scaleResult };
}
