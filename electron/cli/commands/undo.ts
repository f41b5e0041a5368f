import { parseArgs } from 'node:util';
import { undoAction, undoLatestBatch, UndoError, type UndoOutcome } from '../../engine/resolve/undo.js';
import { ExitCode, UsageError, type CliCommand } from '../command.js';
import { openCatalogArg } from './dupes.js';

export const command: CliCommand = {
  name: 'undo',
  summary: 'Undo a journaled action by id, or the whole latest resolve run (in any later session)',
  usage: 'lookalike undo [ACTION_ID] [--db FILE] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { db: { type: 'string' }, json: { type: 'boolean' } } });
    if (positionals.length > 1) throw new UsageError('undo takes at most one ACTION_ID');
    const id = positionals[0] === undefined ? null : Number(positionals[0]);
    if (id !== null && (!Number.isInteger(id) || id < 1)) throw new UsageError(`ACTION_ID must be a positive integer, got "${positionals[0]}"`);
    const catalog = openCatalogArg(values.db, io);
    try {
      const deps = { journal: catalog.journal, notDuplicates: catalog.notDuplicates, env: io.env };
      let outcomes: UndoOutcome[];
      try {
        outcomes = id === null ? await undoLatestBatch(deps) : [await undoAction(id, deps)];
      } catch (err) {
        if (err instanceof UndoError) throw new UsageError(err.message);
        throw err;
      }
      if (values.json) io.stdout.write(JSON.stringify({ undone: outcomes }) + '\n');
      else for (const o of outcomes) io.stdout.write(`${o.id}\t${o.ok ? 'undone' : 'FAILED'}\t${o.message}\n`);
      return outcomes.every((o) => o.ok) ? ExitCode.ok : ExitCode.someFailed;
    } finally {
      catalog.close();
    }
  },
};
