// `lookalike compare a b`: how alike two images are (Library.compare, the app's Compare view).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, usageError, type CliCommand } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';

export const command: CliCommand = {
  name: 'compare',
  summary: 'How alike two images are (cosine of pooled embeddings)',
  usage: 'lookalike compare <a> <b> [--model DIR] [--device D] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: { ...libraryParseOptions, json: { type: 'boolean' } } });
    if (positionals.length !== 2) throw usageError('compare takes exactly two images');
    const [a, b] = positionals.map((p) => path.resolve(p)) as [string, string];
    return withLibrary(values, io, async (library) => {
      let result;
      try {
        result = await library.compare({ a, b, heatmap: false });
      } catch (err) {
        // An unreadable photo is a failed file (exit 1), not a usage error.
        if ((err as { code?: string }).code !== 'invalid-request') throw err;
        io.stderr.write(`lookalike compare: ${(err as Error).message}\n`);
        return ExitCode.someFailed;
      }
      if (values.json) {
        io.stdout.write(JSON.stringify({ similarity: result.cosine, model: result.model, device: result.device, pooling: result.pooling }) + '\n');
      } else {
        io.stdout.write(`${result.cosine.toFixed(4)}  (cosine of ${result.pooling}; model ${result.model} on ${result.device})\n`);
      }
      return ExitCode.ok;
    });
  },
};
