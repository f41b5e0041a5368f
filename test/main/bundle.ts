// Compiles one of our TypeScript entries into a single JavaScript file under .cache/test-build/, for code that
// must run outside vitest's transform: the engine process (a worker thread loads plain JS) and the preload (run
// in a vm context). npm packages stay external and resolve from the repository's node_modules.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const repo = fileURLToPath(new URL('../../', import.meta.url));
export const TEST_BUILD_DIR = path.join(repo, '.cache', 'test-build');

export async function bundleEntry(entry: string, outName: string, format: 'esm' | 'cjs'): Promise<string> {
  const file = path.join(TEST_BUILD_DIR, `${outName}-${process.pid}.${format === 'esm' ? 'mjs' : 'cjs'}`);
  await build({
    input: path.join(repo, entry),
    platform: 'node',
    // Bare specifiers (npm packages, node: builtins, electron) stay imports; our relative modules are inlined.
    external: (id) => !id.startsWith('.') && !path.isAbsolute(id),
    // One file: the engine's lazy `import('../engine.js')` (onnxruntime loads on first use) is inlined, not split.
    output: { format, file, codeSplitting: false },
    logLevel: 'silent',
  });
  return file;
}
