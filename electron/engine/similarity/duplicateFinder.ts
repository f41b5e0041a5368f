// The duplicate finder over a catalog: load once (files, vectors, stored or fresh neighbour lists), then
// report at any threshold in milliseconds. Front ends (CLI dupes/resolve, the app) go through here.
import type { Catalog } from '../catalog/index.js';
import { createGrouper, type Grouper } from './grouping.js';
import type { KeepPolicy } from './keepBest.js';
import {
  chooseModelKey,
  loadEmbeddings,
  loadExclusions,
  loadKeepPolicy,
  loadLibraryFiles,
  type LibraryEmbeddings,
  type LibraryFile,
} from './library.js';
import { loadOrFindNeighbors, type NeighborLoad } from './neighborCache.js';
import { buildReport, type DuplicateReport } from './report.js';
import { assertThreshold } from './threshold.js';

export interface DuplicateFinder {
  files: readonly LibraryFile[];
  embeddings: LibraryEmbeddings;
  neighbors: NeighborLoad;
  policy: KeepPolicy;
  isExcluded: (path: string) => boolean;
  grouper: Grouper<LibraryFile>;
  report(threshold: number, opts?: { includeSimilar?: boolean }): DuplicateReport;
}

export function openDuplicateFinder(
  catalog: Catalog,
  opts: { modelKey?: string; signal?: AbortSignal; readOnly?: boolean } = {},
): DuplicateFinder {
  const files = loadLibraryFiles(catalog);
  const embeddings = loadEmbeddings(catalog, chooseModelKey(catalog, opts.modelKey));
  const neighbors = loadOrFindNeighbors(catalog, embeddings, { signal: opts.signal, readOnly: opts.readOnly });
  const notDuplicate = [...catalog.notDuplicates.allPairs()].map((key) => key.split('|') as [string, string]);
  const policy = loadKeepPolicy(catalog);
  const isExcluded = loadExclusions(catalog);
  const grouper = createGrouper({
    files,
    rowOfHash: embeddings.rowOfHash,
    graph: neighbors.graph,
    notDuplicate,
    // Representatives: the biggest picture, so scores read as "how close to the best copy".
    quality: (f) => (f.width ?? 0) * (f.height ?? 0),
  });
  return {
    files,
    embeddings,
    neighbors,
    policy,
    isExcluded,
    grouper,
    report(threshold, { includeSimilar = true } = {}) {
      assertThreshold(threshold);
      return buildReport(grouper.group({ threshold, includeSimilar }), threshold, policy, isExcluded);
    },
  };
}
