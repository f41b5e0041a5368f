import { parseArgs } from 'node:util';
import { cosineSimilarity } from '../../engine/vectors.js';
import { ExitCode, UsageError, type CliCommand } from '../command.js';
import { engineParseOptions, openEngine } from '../engineOptions.js';

export const command: CliCommand = {
  name: 'compare',
  summary: 'How alike two images are (cosine of pooled embeddings)',
  usage: 'lookalike compare <a> <b> [--model DIR] [--device D] [--json]',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...engineParseOptions, json: { type: 'boolean' } },
    });
    if (positionals.length !== 2) throw new UsageError('compare takes exactly two images');
    const [a, b] = positionals as [string, string];
    const engine = await openEngine(values, io);
    try {
      const results = await Promise.allSettled([engine.embedOne(a), engine.embedOne(b)]);
      const failures = results.flatMap((r, i) =>
        r.status === 'rejected' ? [`${[a, b][i]}: ${(r.reason as Error).message}`] : [],
      );
      if (failures.length) {
        for (const f of failures) io.stderr.write(`lookalike compare: ${f}\n`);
        return ExitCode.someFailed;
      }
      const [va, vb] = results.map((r) => (r as PromiseFulfilledResult<Float32Array>).value) as [Float32Array, Float32Array];
      const similarity = cosineSimilarity(va, vb);
      if (values.json) {
        const out = { similarity, model: engine.provenance.id, device: engine.device, pooling: engine.pooling };
        io.stdout.write(JSON.stringify(out) + '\n');
      } else {
        io.stdout.write(
          `${similarity.toFixed(4)}  (cosine of ${engine.pooling}; model ${engine.provenance.id} on ${engine.device})\n`,
        );
      }
      return ExitCode.ok;
    } finally {
      await engine.close();
    }
  },
};
