import path from 'node:path';
import { parseArgs } from 'node:util';
import { runActions, type ActionOutcome } from '../../engine/resolve/actions.js';
import { planResolution, type ResolveMode } from '../../engine/resolve/plan.js';
import { trashWithPackage } from '../../engine/resolve/systemTrash.js';
import { ContentHasher } from '../../engine/scan/hash.js';
import { ExitCode, UsageError, type CliCommand } from '../command.js';
import { openCatalogArg, openFinder, parseThreshold } from './dupes.js';

export const command: CliCommand = {
  name: 'resolve',
  summary: 'Trash or move every duplicate except the suggested keeper (undo with `lookalike undo`)',
  usage: 'lookalike resolve [--db FILE] [--threshold T] [--dry-run] (--trash | --move-to DIR) [--json]',
  async run(argv, io) {
    const { values } = parseArgs({
      args: argv,
      options: {
        db: { type: 'string' },
        threshold: { type: 'string' },
        'dry-run': { type: 'boolean' },
        trash: { type: 'boolean' },
        'move-to': { type: 'string' },
        'model-key': { type: 'string' },
        json: { type: 'boolean' },
      },
    });
    if (Boolean(values.trash) === (values['move-to'] !== undefined)) throw new UsageError('say what to do with duplicates: --trash or --move-to DIR');
    const threshold = parseThreshold(values.threshold);
    const mode: ResolveMode = values.trash ? { kind: 'trash' } : { kind: 'move', destDir: path.resolve(values['move-to']!) };
    const catalog = openCatalogArg(values.db, io);
    try {
      const finder = openFinder(catalog, io, values['model-key']);
      const report = finder.report(threshold, { includeSimilar: false });
      const actions = planResolution(report, new Map(finder.files.map((f) => [f.path, f])), mode);
      const hasher = await ContentHasher.create();
      const outcomes: ActionOutcome[] = await runActions(
        actions,
        { journal: catalog.journal, trash: trashWithPackage, hashFile: async (p) => (await hasher.hashFile(p)).contentHash, env: io.env },
        { dryRun: values['dry-run'], signal: io.signal, onOutcome: (o) => values.json || io.stdout.write(`${o.journalId ?? '-'}\t${o.message}\n`) },
      );
      const bad = outcomes.filter((o) => o.status === 'refused' || o.status === 'failed').length;
      if (values.json) {
        io.stdout.write(JSON.stringify({
          threshold,
          dryRun: Boolean(values['dry-run']),
          actions: outcomes.map((o) => ({ id: o.journalId, kind: o.action.kind, path: o.action.file.path, keep: o.action.keeper, status: o.status, message: o.message })),
        }) + '\n');
      } else {
        const done = outcomes.filter((o) => o.status === 'done').length;
        io.stderr.write(values['dry-run'] ? `lookalike: dry run, ${outcomes.length - bad} actions would run, ${bad} refused\n` : `lookalike: ${done} done, ${bad} refused or failed; undo with \`lookalike undo\`\n`);
      }
      return bad > 0 ? ExitCode.someFailed : ExitCode.ok;
    } finally {
      catalog.close();
    }
  },
};
