// `lookalike undo`: the latest resolve run (or `--batch ID`, an action id the app shows), or one journal entry.
import { parseArgs } from 'node:util';
import { ExitCode, usageError, type CliCommand } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';

export const command: CliCommand = {
  name: 'undo',
  summary: 'Undo the latest resolve run, a batch by id, or one journaled action (in any later session)',
  usage: 'lookalike undo [ENTRY_ID | --batch [BATCH_ID]] [--data-dir DIR] [--db FILE] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...libraryParseOptions, batch: { type: 'string' }, json: { type: 'boolean' } },
    });
    // `--batch` alone (parseArgs needs a value) is spelled `--batch latest` or left out: both mean the latest run.
    if (positionals.length > 1) throw usageError('undo takes at most one ENTRY_ID');
    if (positionals.length > 0 && values.batch !== undefined) throw usageError('give an ENTRY_ID or --batch, not both');
    const entry = positionals[0] === undefined ? undefined : Number(positionals[0]);
    if (entry !== undefined && (!Number.isInteger(entry) || entry < 1)) throw usageError(`ENTRY_ID must be a positive integer, got "${positionals[0]}"`);
    const actionId = values.batch === undefined || values.batch === 'latest' ? null : values.batch;
    return withLibrary(values, io, async (library) => {
      library.requireCatalog();
      const result = await library.resolution.undo(entry !== undefined ? { entry } : { actionId });
      if (values.json) io.stdout.write(JSON.stringify({ actionId: result.actionId, undone: result.outcomes, restored: result.restored, failed: result.failed }) + '\n');
      else for (const o of result.outcomes) io.stdout.write(`${o.id}\t${o.ok ? 'undone' : 'FAILED'}\t${o.message}\n`);
      return result.outcomes.every((o) => o.ok) ? ExitCode.ok : ExitCode.someFailed;
    });
  },
};
