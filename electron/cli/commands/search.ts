import path from 'node:path';
import { parseArgs } from 'node:util';
import { modelKey } from '../../engine/catalog/index.js';
import { ContentHasher } from '../../engine/scan/hash.js';
import { chooseModelKey, loadEmbeddings, loadLibraryFiles, LibraryError } from '../../engine/similarity/library.js';
import { searchByExample, type SearchQuery } from '../../engine/similarity/searchByExample.js';
import { ExitCode, UsageError, type CliCommand } from '../command.js';
import { engineParseOptions, openEngine } from '../engineOptions.js';
import { openCatalogArg, parseThreshold } from './dupes.js';

export const command: CliCommand = {
  name: 'search',
  summary: 'Find the images in the catalog that look most like one image (from the catalog or outside it)',
  usage: 'lookalike search <image> [--db FILE] [--top N] [--threshold T] [--model DIR] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...engineParseOptions, db: { type: 'string' }, top: { type: 'string' }, threshold: { type: 'string' }, 'model-key': { type: 'string' }, json: { type: 'boolean' } },
    });
    if (positionals.length !== 1) throw new UsageError('search takes exactly one image');
    const image = path.resolve(positionals[0]!);
    const top = values.top === undefined ? 10 : Number(values.top);
    if (!Number.isInteger(top) || top < 1) throw new UsageError(`--top must be a positive integer, got "${values.top}"`);
    const threshold = parseThreshold(values.threshold);
    const catalog = openCatalogArg(values.db, io);
    try {
      let key: string;
      try {
        key = chooseModelKey(catalog, values['model-key']);
      } catch (err) {
        if (err instanceof LibraryError) throw new UsageError(err.message);
        throw err;
      }
      const lib = loadEmbeddings(catalog, key);
      const files = loadLibraryFiles(catalog);
      const known = catalog.files.get(image);
      const stored = known?.contentHash ? catalog.embeddings.get(known.contentHash, key) : null;
      let query: SearchQuery;
      if (known && stored) {
        query = { vector: stored.vector, contentHash: known.contentHash, pixelHash: known.pixelHash, path: image };
      } else {
        // An outside image: embed it with the model the catalog's vectors came from, or the scores mean nothing.
        const engine = await openEngine(values, io);
        try {
          if (modelKey(engine.provenance) !== key) {
            throw new UsageError(`the catalog's vectors come from ${key}, but the model loaded is ${modelKey(engine.provenance)}: pass --model for the catalog's model`);
          }
          const prepared = await engine.prepare(image).catch((err: unknown) => {
            throw new UsageError(`cannot read ${image}: ${(err as Error).message}`);
          });
          const [vector] = await engine.runBatch([prepared.tensor]);
          const contentHash = (await (await ContentHasher.create()).hashFile(image)).contentHash;
          query = { vector: vector!, contentHash, pixelHash: prepared.pixelHash, path: null };
        } finally {
          await engine.close();
        }
      }
      const hits = searchByExample(lib.matrix, lib.rowOfHash, files, query, { top, threshold });
      if (values.json) io.stdout.write(JSON.stringify({ query: image, threshold, results: hits }) + '\n');
      else io.stdout.write(hits.map((h) => `${h.score.toFixed(1).padStart(5)}  ${(h.tier ?? '-').padEnd(14)} ${h.path}`).join('\n') + '\n');
      return ExitCode.ok;
    } finally {
      catalog.close();
    }
  },
};
