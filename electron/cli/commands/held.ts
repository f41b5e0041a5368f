// `lookalike held`: the files resolve put in holding folders (macOS, Windows, or a Linux volume whose trash cannot
// be undone), where they are and how much space they take. Undo puts them back; Lookalike never deletes them —
// emptying a holding folder is done in the file manager, by the user.
import { parseArgs } from 'node:util';
import { formatBytes } from '../../shared/values.js';
import { listHeldFiles, type HeldReport } from '../../engine/library/index.js';
import { ExitCode, type CliCommand, type CliIO } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';

function printText(report: HeldReport, io: CliIO): void {
  if (report.files.length === 0) {
    io.stdout.write('No files are held: nothing resolve moved is waiting in a holding folder.\n');
    return;
  }
  const lines = report.files.map((f) => `${f.entry}\t${formatBytes(f.bytes).padStart(8)}  ${f.original}  →  ${f.held}`);
  lines.push('', `${report.files.length} files, ${formatBytes(report.bytes)} held in:`);
  for (const d of report.folders) lines.push(`  ${d.folder}  (${d.files} files, ${formatBytes(d.bytes)})`);
  lines.push(
    '',
    '`lookalike undo ENTRY` (or `undo --batch`) puts files back. Lookalike never deletes a photo: to free the space,',
    'delete a holding folder (or move it to your trash) yourself once you are sure.',
  );
  io.stdout.write(lines.join('\n') + '\n');
}

export const command: CliCommand = {
  name: 'held',
  summary: 'List the duplicates resolve put in holding folders (where, how much), for undo or for you to empty',
  usage: 'lookalike held [--data-dir DIR] [--db FILE] [--json]',
  async run(argv, io) {
    const { values } = parseArgs({ args: argv, options: { ...libraryParseOptions, json: { type: 'boolean' } } });
    return withLibrary(values, io, async (library) => {
      const report = await listHeldFiles(library.requireCatalog());
      io.stdout.write(values.json ? `${JSON.stringify(report)}\n` : '');
      if (!values.json) printText(report, io);
      return ExitCode.ok;
    });
  },
};
