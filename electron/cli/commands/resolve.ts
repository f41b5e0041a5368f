// `lookalike resolve`: trash or move every duplicate except its keeper, as one undoable batch (Library.resolveAll,
// the same planning and journaling the app's "Resolve all" uses).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { rawJpegRules, type RawJpegRule } from '../../shared/values.js';
import { ExitCode, usageError, type CliCommand } from '../command.js';
import { libraryParseOptions, parseThreshold, withLibrary } from '../libraryOptions.js';

export const command: CliCommand = {
  name: 'resolve',
  summary: 'Trash or move every duplicate except the suggested keeper (undo with `lookalike undo`)',
  usage: 'lookalike resolve [--data-dir DIR] [--db FILE] [--threshold T] [--prefer-folder DIR]… [--pairs keep-both|keep-raw|keep-jpeg] [--dry-run] (--trash | --move-to DIR) [--json]',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        ...libraryParseOptions,
        threshold: { type: 'string' },
        'prefer-folder': { type: 'string', multiple: true },
        pairs: { type: 'string' },
        'dry-run': { type: 'boolean' },
        trash: { type: 'boolean' },
        'move-to': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (Boolean(values.trash) === (values['move-to'] !== undefined)) throw usageError('say what to do with duplicates: --trash or --move-to DIR');
    const threshold = parseThreshold(values.threshold);
    const dryRun = Boolean(values['dry-run']);
    const pairs = values.pairs;
    if (pairs !== undefined && !(rawJpegRules as readonly string[]).includes(pairs)) throw usageError(`--pairs must be one of ${rawJpegRules.join(', ')}`);
    return withLibrary(values, io, async (library) => {
      library.requireCatalog();
      const prefer = values['prefer-folder']?.map((f) => path.resolve(f));
      // Preferred folders given here apply to this run only; Settings keeps the app's own list.
      if (prefer) library.settings.override({ preferFolders: prefer });
      // RAW+JPEG pairs are left alone unless this run (or Settings) opts in to drop one side of each.
      if (pairs !== undefined) library.settings.override({ rawJpegPairs: pairs as RawJpegRule });
      const summary = await library.resolution.resolveAll({
        threshold: threshold ?? library.settings.get().threshold,
        action: values.trash ? 'trash' : 'move',
        dest: values['move-to'] === undefined ? undefined : path.resolve(values['move-to']),
        dryRun,
        signal: io.signal,
      });
      const bad = summary.actions.filter((a) => a.status === 'refused' || a.status === 'failed').length;
      if (values.json) {
        io.stdout.write(JSON.stringify({ threshold: threshold ?? library.settings.get().threshold, dryRun, actionId: summary.actionId, actions: summary.actions }) + '\n');
      } else {
        for (const a of summary.actions) io.stdout.write(`${a.id ?? '-'}\t${a.message}\n`);
        const done = summary.actions.filter((a) => a.status === 'done').length;
        io.stderr.write(dryRun ? `lookalike: dry run, ${summary.actions.length - bad} actions would run, ${bad} refused\n` : `lookalike: ${done} done, ${bad} refused or failed; undo with \`lookalike undo\`\n`);
      }
      if (io.signal.aborted) {
        io.stderr.write('lookalike resolve: interrupted; what was done is journaled and can be undone with `lookalike undo`\n');
        return ExitCode.someFailed;
      }
      return bad > 0 ? ExitCode.someFailed : ExitCode.ok;
    });
  },
};
