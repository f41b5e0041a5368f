// `lookalike dupes`: the library's duplicate groups, scored against each group's keeper (as the app shows them).
import { writeFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { groupsToCsv, groupsToJson, groupToJson, type GroupsResult, type Library } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand, type CliIO } from '../command.js';
import { libraryParseOptions, parseThreshold, withLibrary } from '../libraryOptions.js';

function printText(result: GroupsResult, io: CliIO): void {
  const lines: string[] = [];
  result.groups.forEach((g, i) => {
    lines.push(`Group ${i + 1} (${g.tier}, ${g.members.length} files)`);
    for (const m of g.members) {
      const mark = m.path === g.keep ? 'keep ' : m.reference ? 'ref  ' : '     ';
      lines.push(`  ${mark}${m.score.toFixed(1).padStart(5)}  ${m.match.padEnd(14)} ${m.path}`);
      if (m.reasons.length) lines.push(`         ${m.reasons.join('; ')}`);
    }
  });
  lines.push(`${result.groups.length} groups at threshold ${result.threshold}`);
  io.stdout.write(lines.join('\n') + '\n');
}

/** Groups at the given threshold, else the library's (Settings), saying how the neighbours were found. */
export function loadGroups(library: Library, threshold: number | undefined, io: CliIO, includeSimilar = true): GroupsResult {
  library.requireCatalog();
  const result = library.getGroups({ threshold: threshold ?? library.settings.get().threshold, includeSimilar });
  const loaded = library.index.load();
  if (loaded) {
    const n = loaded.neighbors;
    io.stderr.write(`lookalike: ${loaded.files.length} files, ${loaded.embeddings.matrix.rows} vectors; neighbours ${n.source === 'stored' ? 'loaded' : `searched (${n.source})`} in ${Math.round(n.ms)} ms\n`);
  }
  return result;
}

/** `{"threshold", "groups": [...]}` written as it goes, one group at a time, so a huge library never builds one string. */
async function writeJson(result: GroupsResult, io: CliIO): Promise<void> {
  const put = (text: string) => new Promise<void>((resolve) => (io.stdout.write(text) ? resolve() : io.stdout.once('drain', () => resolve())));
  await put(`{"threshold":${JSON.stringify(result.threshold)},"groups":[`);
  for (let i = 0; i < result.groups.length; i++) await put((i ? ',' : '') + JSON.stringify(groupToJson(result.groups[i]!)));
  await put(']}\n');
}

export const command: CliCommand = {
  name: 'dupes',
  summary: 'List duplicate and look-alike groups from the library, with the suggested keeper and why',
  usage: 'lookalike dupes [--data-dir DIR] [--db FILE] [--threshold 0-100] [--no-similar] [--model-key KEY] [--export FILE.csv|FILE.json] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: { ...libraryParseOptions, threshold: { type: 'string' }, 'no-similar': { type: 'boolean' }, export: { type: 'string' }, json: { type: 'boolean' } },
    });
    const threshold = parseThreshold(values.threshold);
    if (values.export !== undefined && !/\.(csv|json)$/i.test(values.export)) throw usageError('--export must name a .csv or .json file');
    return withLibrary(values, io, async (library) => {
      const result = loadGroups(library, threshold, io, !values['no-similar']);
      if (values.export !== undefined) {
        await writeFile(values.export, values.export.toLowerCase().endsWith('.csv') ? groupsToCsv(result.groups) : groupsToJson(result.threshold, result.groups));
        io.stderr.write(`lookalike: wrote ${values.export}\n`);
      }
      if (values.json) await writeJson(result, io);
      else printText(result, io);
      return ExitCode.ok;
    });
  },
};
