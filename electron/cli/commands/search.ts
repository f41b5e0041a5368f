// `lookalike search <image>`: the library's photos that look most like one image (from the library or outside).
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ExitCode, usageError, type CliCommand } from '../command.js';
import { libraryParseOptions, parseThreshold, withLibrary } from '../libraryOptions.js';

export const command: CliCommand = {
  name: 'search',
  summary: 'Find the images in the library that look most like one image (from the library or outside it)',
  usage: 'lookalike search <image> [--data-dir DIR] [--db FILE] [--top N] [--threshold T] [--model DIR] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...libraryParseOptions, top: { type: 'string' }, threshold: { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw usageError('search takes exactly one image');
    const top = values.top === undefined ? 10 : Number(values.top);
    if (!Number.isInteger(top) || top < 1) throw usageError(`--top must be a positive integer, got "${values.top}"`);
    const threshold = parseThreshold(values.threshold);
    return withLibrary(values, io, async (library) => {
      library.requireCatalog();
      const result = await library.search({ path: path.resolve(positionals[0]!), top, threshold });
      const hits = result.hits.map(({ thumb: _thumb, ...h }) => h);
      if (values.json) io.stdout.write(JSON.stringify({ query: result.query, threshold: result.threshold, results: hits }) + '\n');
      else io.stdout.write(hits.map((h) => `${h.score.toFixed(1).padStart(5)}  ${(h.tier ?? '-').padEnd(14)} ${h.path}`).join('\n') + '\n');
      return ExitCode.ok;
    });
  },
};
