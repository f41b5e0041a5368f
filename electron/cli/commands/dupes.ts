// `lookalike dupes`: the library's duplicate groups, scored against each group's keeper (as the app shows them).
import { parseArgs } from 'node:util';
import { groupsToCsv, groupsToJson, groupToJson, writeResultsFile, type DuplicateGroup, type GroupsResult, type Library } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand, type CliIO } from '../command.js';
import { libraryParseOptions, parseThreshold, withForceHint, withLibrary } from '../libraryOptions.js';

type Put = (text: string) => Promise<void>;

/** Writes and waits for the pipe to drain, so a slow reader holds back the writer instead of filling memory. */
const writer = (io: CliIO): Put => (text) => new Promise<void>((resolve) => (io.stdout.write(text) ? resolve() : io.stdout.once('drain', () => resolve())));

function groupText(g: DuplicateGroup, i: number): string {
  const lines = [`Group ${i + 1} (${g.tier}, ${g.members.length} files)`];
  for (const m of g.members) {
    const mark = m.path === g.keep ? 'keep ' : m.reference ? 'ref  ' : '     ';
    // A fingerprint match shows its distance: the score is the embedding's, which may say less.
    const match = m.match === 'near-identical' && typeof m.hamming === 'number' ? `${m.match} (Hamming ${m.hamming}/128)` : m.match;
    lines.push(`  ${mark}${m.score.toFixed(1).padStart(5)}  ${match.padEnd(14)} ${m.path}`);
    if (m.reasons.length) lines.push(`         ${m.reasons.join('; ')}`);
    if (m.pair) lines.push(`         RAW+JPEG pair with ${m.pair.partner}${m.pair.protected ? ' (left alone)' : ''}`);
  }
  return lines.join('\n') + '\n';
}

/** Says how the neighbours were found (loaded, searched, or updated for the photos that are new). */
function reportNeighbours(library: Library, io: CliIO): void {
  const loaded = library.index.load();
  if (!loaded) return;
  const n = loaded.neighbors;
  const how = n.source === 'stored' ? 'loaded' : n.source === 'incremental' ? `updated for ${n.searched} new` : `searched (${n.source})`;
  const phases = Object.entries(n.phases).map(([step, ms]) => `${step.replace(/Ms$/, '')} ${ms}`).join(', ');
  io.stderr.write(`lookalike: ${loaded.files.length} files, ${loaded.embeddings.rows} vectors; neighbours ${how} in ${Math.round(n.ms)} ms (${phases})\n`);
}

/** Groups at the given threshold, else the library's (Settings), saying how the neighbours were found. */
export function loadGroups(library: Library, threshold: number | undefined, io: CliIO, includeSimilar = true): GroupsResult {
  library.requireCatalog();
  const result = library.getGroups({ threshold: threshold ?? library.settings.get().threshold, includeSimilar });
  reportNeighbours(library, io);
  return result;
}

/**
 * Every group written as it is made (`{"threshold", "groups": [...]}`, one group a line), so a million-photo
 * library never holds every group's view or JSON at once.
 */
async function writeGroups(library: Library, threshold: number, includeSimilar: boolean, json: boolean, io: CliIO): Promise<void> {
  const put = writer(io);
  const views = library.groupViews({ threshold, includeSimilar });
  reportNeighbours(library, io);
  let n = 0;
  if (json) await put(`{"threshold":${JSON.stringify(threshold)},"groups":[`);
  for (const g of views) {
    await put(json ? `${n ? ',' : ''}\n${JSON.stringify(groupToJson(g))}` : groupText(g, n));
    n++;
  }
  await put(json ? '\n]}\n' : `${n} groups at threshold ${threshold}\n`);
}

export const command: CliCommand = {
  name: 'dupes',
  summary: 'List duplicate and look-alike groups from the library, with the suggested keeper and why',
  usage: 'lookalike dupes [--data-dir DIR] [--db FILE] [--threshold 0-100] [--no-similar] [--model-key KEY] [--export FILE.csv|FILE.json [--force]] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { ...libraryParseOptions, threshold: { type: 'string' }, 'no-similar': { type: 'boolean' }, export: { type: 'string' }, force: { type: 'boolean' }, json: { type: 'boolean' } },
    });
    const threshold = parseThreshold(values.threshold);
    if (values.export !== undefined && !/\.(csv|json)$/i.test(values.export)) throw usageError('--export must name a .csv or .json file');
    return withLibrary(values, io, async (library) => {
      const includeSimilar = !values['no-similar'];
      if (values.export !== undefined) {
        const result = loadGroups(library, threshold, io, includeSimilar);
        const text = values.export.toLowerCase().endsWith('.csv') ? groupsToCsv(result.groups) : groupsToJson(result.threshold, result.groups);
        // Never over an existing file unless --force (then atomically: a reader sees the old file or the new one).
        await withForceHint(writeResultsFile(values.export, text, values.force ?? false));
        io.stderr.write(`lookalike: wrote ${values.export}\n`);
      }
      library.requireCatalog();
      await writeGroups(library, threshold ?? library.settings.get().threshold, includeSimilar, values.json ?? false, io);
      return ExitCode.ok;
    });
  },
};
