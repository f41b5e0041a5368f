// Lets a plain `node` child process run the TypeScript sources: NodeNext imports name `./x.js`, the file on disk is
// `./x.ts`. Used with --experimental-transform-types (the sources use parameter properties, which strip-only
// mode rejects), so the memory test measures a real process of its own, not a vitest worker.
import { existsSync } from 'node:fs';
import { registerHooks } from 'node:module';
import { fileURLToPath } from 'node:url';

registerHooks({
  resolve(specifier, context, next) {
    const relative = specifier.startsWith('./') || specifier.startsWith('../');
    if (relative && specifier.endsWith('.js') && context.parentURL?.startsWith('file:')) {
      const url = new URL(`${specifier.slice(0, -3)}.ts`, context.parentURL);
      if (existsSync(fileURLToPath(url))) return next(url.href, context);
    }
    return next(specifier, context);
  },
});
