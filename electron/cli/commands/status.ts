// `lookalike status`: what the catalog holds: file counts, roots, the model in use, the last and any
// interrupted scan.
import { parseArgs } from 'node:util';
import type { CatalogStatus } from '../../engine/library/index.js';
import { ExitCode, type CliCommand } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';

export type StatusJson = CatalogStatus;

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
  usage: 'lookalike status [--data-dir DIR] [--db FILE] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { ...libraryParseOptions, json: { type: 'boolean' } } });
    return withLibrary(values, io, async (library) => {
      const status = library.catalogStatus();
      io.stdout.write(values.json ? `${JSON.stringify(status)}\n` : statusText(status));
      return ExitCode.ok;
    });
  },
};
