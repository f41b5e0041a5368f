// The grouping pass at scale (issue 12: a regroup after a threshold change ≤ 500 ms at 1M photos), on a real
// catalog with stored neighbour lists. Two modes:
//   direct DATA_DIR [OTHER_GROUPING_JS …]: loads what the library loads (files, vectors, stored lists; read-only),
//     then times createGrouper and group() at 93, 90, 95, 88 for this build's grouper and for each other build's
//     grouping.js given (e.g. a copy of dist from before a change), side by side in one process, with a checksum of
//     every group's output per threshold, so two implementations are proven to agree;
//   app DATA_DIR: the app's path (openLibrary + createEngineApi, as bench/scaleApp.ts): getGroups at the same
//     thresholds, each call's wall and CPU ms (and, with REGROUP_APP_SUM=1, a checksum over each full report).
//     Once the library has kept a grouping (groupSnapshot.ts), pages come from it and group() is not called.
// Never resolves or undoes anything: the seeded catalogs' paths point at other people's photos.
//   node dist/bench/regroup.js direct /work/scale100k-h2 /tmp/dist-baseline/electron/engine/similarity/grouping.js
import { createHash } from 'node:crypto';
import path from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { Catalog } from '../electron/engine/catalog/index.js';
import { chooseModelKey, loadEmbeddings, loadLibraryFiles, type LibraryFile } from '../electron/engine/library/catalogView.js';
import { calibrationOf, scaleOf } from '../electron/engine/library/calibration.js';
import { openLibrary } from '../electron/engine/library/index.js';
import { createEngineApi } from '../electron/engineProcess/api.js';
import { dotRows } from '../electron/engine/similarity/embeddingMatrix.js';
import * as current from '../electron/engine/similarity/grouping.js';
import { loadOrFindNeighbors } from '../electron/engine/similarity/neighborCache.js';
import { listedSimilarity } from '../electron/engine/similarity/neighborGraph.js';
import { DEFAULT_PERCEPTUAL_DISTANCE } from '../electron/engine/similarity/perceptualHash.js';
import { LINEAR_SCALE, STORED_SCORE_FLOOR, thresholdToCosine } from '../electron/engine/similarity/threshold.js';

const THRESHOLDS = (process.env['REGROUP_THRESHOLDS'] ?? '93,90,95,88').split(',').map(Number);
const ROUNDS = Number(process.env['REGROUP_ROUNDS'] ?? 2);

type GroupingModule = Pick<typeof current, 'createGrouper'>;

let gcMs = 0;
new PerformanceObserver((list) => {
  for (const e of list.getEntries()) gcMs += e.duration;
}).observe({ entryTypes: ['gc'] });

/** Wall, CPU (user + system) and GC ms of one synchronous call (GC entries arrive after a turn of the loop). */
async function timed<T>(run: () => T): Promise<{ value: T; wallMs: number; cpuMs: number; gcMs: number }> {
  await new Promise((resolve) => setTimeout(resolve, 0));
  const gc0 = gcMs;
  const cpu = process.cpuUsage();
  const t0 = performance.now();
  const value = run();
  const wallMs = Math.round(performance.now() - t0);
  const used = process.cpuUsage(cpu);
  await new Promise((resolve) => setTimeout(resolve, 0));
  return { value, wallMs, cpuMs: Math.round((used.user + used.system) / 1000), gcMs: Math.round(gcMs - gc0) };
}

/** sha1 over every group's tier and its members' path, tier, match, cosine, score and Hamming distance, in order. */
function checksum(groups: readonly { tier: string; members: readonly { tier: string; match?: string; cosine?: number; score: number; hamming: number | null; file?: { path: string }; path?: string }[] }[]): string {
  const h = createHash('sha1');
  for (const g of groups) {
    h.update(`G${g.tier}\n`);
    for (const m of g.members) h.update(`${m.file?.path ?? m.path}\t${m.tier}\t${m.match}\t${m.cosine}\t${m.score}\t${m.hamming}\n`);
  }
  return `${groups.length} groups ${h.digest('hex').slice(0, 12)}`;
}

/** The grouper's input as the library builds it (groupIndex.ts #createGrouper), from a read-only catalog. */
function loadInput(dataDir: string): { input: current.GrouperInput<LibraryFile>; scale: ReturnType<typeof scaleOf> } {
  const catalog = Catalog.open(path.join(dataDir, 'catalog.db'), { readOnly: true });
  const key = chooseModelKey(catalog, null, null);
  const all = loadLibraryFiles(catalog);
  const embeddings = loadEmbeddings(catalog, key, new Set(all.map((f) => f.contentHash)));
  const scale = scaleOf(catalog, key) ?? LINEAR_SCALE;
  const floor = scale === LINEAR_SCALE ? {} : { floor: thresholdToCosine(STORED_SCORE_FLOOR, scale) };
  const neighbors = loadOrFindNeighbors(catalog, embeddings, { readOnly: true, ...floor });
  const roots = catalog.roots.list().map((r) => path.resolve(r.path));
  const files = all.filter((f) => roots.some((root) => f.path === root || f.path.startsWith(root.endsWith(path.sep) ? root : root + path.sep)));
  const notDuplicate = [...catalog.notDuplicates.allPairs()].map((k) => k.split('|') as [string, string]);
  const graph = neighbors.graph;
  const input: current.GrouperInput<LibraryFile> = {
    files,
    rowOfHash: embeddings.rowOfHash,
    graph,
    notDuplicate,
    quality: (f) => (f.width ?? 0) * (f.height ?? 0),
    rowCosine: (a, b) => (embeddings.hasMatrix() ? dotRows(embeddings.matrix, a, b) : (listedSimilarity(graph, a, b) ?? embeddings.rowCosine(a, b))),
    perceptualDistance: calibrationOf(catalog, key)?.perceptual?.distance ?? DEFAULT_PERCEPTUAL_DISTANCE,
  };
  return { input, scale };
}

async function direct(dataDir: string, others: readonly string[]): Promise<void> {
  const t0 = performance.now();
  const { input, scale } = loadInput(dataDir);
  console.log(JSON.stringify({ loadMs: Math.round(performance.now() - t0), files: input.files.length, graphRows: input.graph?.rows ?? 0 }));
  const impls: [string, GroupingModule][] = [['current', current]];
  for (const file of others) impls.push([path.resolve(file), (await import(path.resolve(file))) as GroupingModule]);
  const sums = new Map<string, string>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const [name, mod] of impls) {
      const made = await timed(() => mod.createGrouper(input));
      const row: Record<string, string | number> = { round, impl: name, createMs: made.wallMs, createCpuMs: made.cpuMs };
      for (const threshold of THRESHOLDS) {
        const run = await timed(() => made.value.group({ threshold, scale }));
        row[`t${threshold}`] = `${run.wallMs} ms wall, ${run.cpuMs} cpu, ${run.gcMs} gc`;
        const sum = checksum(run.value);
        const seen = sums.get(`${threshold}`);
        if (seen === undefined) sums.set(`${threshold}`, sum);
        else if (seen !== sum) row[`t${threshold}Mismatch`] = `${sum} vs ${seen}`;
        if (round === 0) row[`t${threshold}Sum`] = sum;
      }
      console.log(JSON.stringify(row));
    }
  }
}

async function app(dataDir: string): Promise<void> {
  const library = await openLibrary({ dataDir, appVersion: 'bench' });
  const api = createEngineApi(library);
  for (const threshold of THRESHOLDS) {
    // The API is async, but its work is done in the call (Library.getGroups is synchronous): timed() sees it all.
    const page = await timed(() => api.getGroups({ threshold, offset: 0, limit: 50 }));
    const cpu = page.cpuMs;
    // The whole report's checksum is opt-in: from a kept snapshot every member's view asks the catalog (a minute at 100k).
    const sum = process.env['REGROUP_APP_SUM'] === '1' ? checksum((await api.getGroups({ threshold })).groups as never) : 'not asked';
    console.log(JSON.stringify({ threshold, pageMs: page.wallMs, cpuMs: cpu, totals: (await page.value).totals.groups, sum }));
  }
  await library.close();
}

const [mode, dataDir, ...rest] = process.argv.slice(2);
if (!dataDir || (mode !== 'direct' && mode !== 'app')) throw new Error('usage: regroup.js direct|app DATA_DIR [OTHER_GROUPING_JS …]');
console.log(JSON.stringify({ load: (await import('node:os')).loadavg().map((l) => l.toFixed(2)).join(' ') }));
await (mode === 'direct' ? direct(dataDir, rest) : app(dataDir));
