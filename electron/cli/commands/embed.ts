import { parseArgs } from 'node:util';
import { expandImageInputs } from '../../engine/library/index.js';
import { ExitCode, usageError, type CliCommand } from '../command.js';
import { libraryParseOptions, withLibrary } from '../libraryOptions.js';
import { progressBar } from '../progressBar.js';

/** Writes and waits when the pipe is full, so a large unpooled run never buffers in memory. */
async function write(stream: NodeJS.WritableStream, text: string): Promise<void> {
  if (!stream.write(text)) await new Promise<void>((resolve) => stream.once('drain', resolve));
}

function rows(v: Float32Array, shape: readonly number[]): number[] | number[][] {
  if (shape.length === 1) return Array.from(v);
  const [tokens, dim] = shape as [number, number];
  const out: number[][] = [];
  for (let t = 0; t < tokens; t++) out.push(Array.from(v.subarray(t * dim, (t + 1) * dim)));
  return out;
}

export const command: CliCommand = {
  name: 'embed',
  summary: 'Feature vectors of images as JSON (pooled, or all tokens with --no-pool)',
  usage: 'lookalike embed <files or folders…> [--model DIR] [--device D] [--no-pool] --json',
  async run(argv, io) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: { ...libraryParseOptions, json: { type: 'boolean' }, 'no-pool': { type: 'boolean' } },
    });
    if (positionals.length === 0) throw usageError('embed needs at least one file or folder');
    const paths = await expandImageInputs(positionals);
    const pooled = !values['no-pool'];
    const bar = progressBar(io.stderr);
    let failed = 0;
    try {
      await withLibrary(values, io, async (library) => {
      const engine = await library.engine();
      const head = { model: engine.provenance.id, device: engine.device, pooled };
      if (values.json) await write(io.stdout, JSON.stringify(head).slice(0, -1) + ',"items":[');
      let first = true;
      for await (const item of engine.embedFiles(paths, { pooled, signal: io.signal, onProgress: (p) => bar.update(p) })) {
        if (!item.ok) failed++;
        if (values.json) {
          const obj = item.ok ? { path: item.path, embedding: rows(item.embedding, item.shape) } : { path: item.path, error: item.error };
          await write(io.stdout, (first ? '' : ',') + JSON.stringify(obj));
          first = false;
        } else if (item.ok) {
          await write(io.stdout, `${item.path}\t[${item.shape.join('×')}]\n`);
        } else {
          await write(io.stdout, `${item.path}\terror: ${item.error}\n`);
        }
      }
      if (values.json) await write(io.stdout, ']}\n');
      });
    } finally {
      bar.done();
    }
    if (io.signal.aborted) return ExitCode.someFailed;
    return failed > 0 ? ExitCode.someFailed : ExitCode.ok;
  },
};
