// What the library's catalog holds, for `lookalike status`: file counts, folders, the model in use, the last
// and any interrupted scan. Reads only; a library that does not exist yet says so instead of being created.
import { existsSync } from 'node:fs';
import { Catalog, type ScanRecord } from '../catalog/index.js';
import type { StoredScanCounts, StoredScanParams } from '../scan/index.js';
import type { ModelProvenance } from '../types.js';

export interface ScanView {
  id: number;
  state: string;
  startedAt: string;
  finishedAt: string | null;
  roots: string[];
  counts: Partial<StoredScanCounts>;
}

export interface CatalogStatus {
  catalog: string;
  dataDir: string;
  exists: boolean;
  files: { ok: number; failed: number; missing: number };
  embeddings: { modelKey: string; count: number }[];
  roots: { path: string; isReference: boolean }[];
  model: (ModelProvenance & { key: string; dim: number }) | null;
  lastScan: ScanView | null;
  interruptedScan: ScanView | null;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());
const view = (s: ScanRecord<StoredScanParams, StoredScanCounts> | null): ScanView | null =>
  s && { id: s.id, state: s.state, startedAt: iso(s.startedAt)!, finishedAt: iso(s.finishedAt), roots: s.params.roots ?? [], counts: s.counts };

export function readCatalogStatus(file: string, dataDir: string, open: () => Catalog): CatalogStatus {
  const empty: CatalogStatus = {
    catalog: file, dataDir, exists: false, files: { ok: 0, failed: 0, missing: 0 }, embeddings: [], roots: [], model: null,
    lastScan: null, interruptedScan: null,
  };
  if (!existsSync(file)) return empty;
  const catalog = open();
  const last = catalog.scans.latest<StoredScanParams, StoredScanCounts>();
  const interrupted = catalog.scans.interrupted<StoredScanParams, StoredScanCounts>();
  // The model in use is the one the latest scan embedded with (else the newest one registered).
  const modelRecord = (last && catalog.embeddings.model(last.params.modelKey)) ?? catalog.embeddings.models().at(-1) ?? null;
  return {
    ...empty,
    exists: true,
    files: catalog.files.counts(),
    embeddings: catalog.embeddings.countsByModel(),
    roots: catalog.roots.list().map((r) => ({ path: r.path, isReference: r.isReference })),
    model: modelRecord && { key: modelRecord.key, dim: modelRecord.dim, ...modelRecord.provenance },
    lastScan: view(last),
    interruptedScan: view(interrupted),
  };
}
