// `lookalike status`: what the catalog holds: file counts, roots, the model in use, the last and any
// interrupted scan.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Catalog, defaultCatalogPath, type ScanRecord } from '../../engine/catalog/index.js';
import type { StoredScanCounts, StoredScanParams } from '../../engine/scan/index.js';
import type { ModelProvenance } from '../../engine/types.js';
import { ExitCode, type CliCommand } from '../command.js';

interface ScanView {
  id: number;
  state: string;
  startedAt: string;
  finishedAt: string | null;
  roots: string[];
  counts: Partial<StoredScanCounts>;
}

export interface StatusJson {
  catalog: string;
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

function readStatus(db: string): StatusJson {
  const empty: StatusJson = {
    catalog: db, exists: false, files: { ok: 0, failed: 0, missing: 0 }, embeddings: [], roots: [], model: null,
    lastScan: null, interruptedScan: null,
  };
  if (!existsSync(db)) return empty;
  const catalog = Catalog.open(db);
  try {
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
  } finally {
    catalog.close();
  }
}

function statusText(s: StatusJson): string {
  if (!s.exists) return `No catalog at ${s.catalog} yet: run \`lookalike scan <folders…>\`.\n`;
  const total = s.files.ok + s.files.failed + s.files.missing;
  const lines = [
    `catalog: ${s.catalog}`,
    `files: ${total} (${s.files.ok} ok, ${s.files.failed} failed, ${s.files.missing} missing)`,
    `model: ${s.model ? `${s.model.id} (${s.model.dtype}, dim ${s.model.dim}, sha256 ${s.model.fileSha256.slice(0, 12)}…)` : 'none yet'}`,
    ...s.embeddings.map((e) => `vectors: ${e.count} for ${e.modelKey}`),
    `roots:${s.roots.length === 0 ? ' none' : ''}`,
    ...s.roots.map((r) => `  ${r.path}${r.isReference ? ' (reference)' : ''}`),
  ];
  if (s.lastScan) lines.push(`last scan: #${s.lastScan.id} ${s.lastScan.state}, started ${s.lastScan.startedAt}`);
  if (s.interruptedScan) {
    const c = s.interruptedScan.counts;
    lines.push(`interrupted scan: #${s.interruptedScan.id} of ${s.interruptedScan.roots.join(', ')} ` +
      `(${c.embedded ?? 0} embedded before it stopped); run \`lookalike scan\` to resume`);
  }
  return lines.join('\n') + '\n';
}

export const command: CliCommand = {
  name: 'status',
  summary: 'What the catalog holds: counts, roots, the model in use, any interrupted scan',
  usage: 'lookalike status [--db FILE] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
    const status = readStatus(path.resolve(values.db ?? defaultCatalogPath(io.env)));
    io.stdout.write(values.json ? `${JSON.stringify(status)}\n` : statusText(status));
    return ExitCode.ok;
  },
};
