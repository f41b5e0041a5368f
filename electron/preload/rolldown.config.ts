// Bundles the preload into the single CommonJS file a sandboxed renderer can load (`sandbox: true` preloads get
// a `require` that knows only `electron` and a few core modules, and cannot load ESM).
import { defineConfig } from 'rolldown';

export const PRELOAD_ENTRY = 'electron/preload/preload.ts';
export const PRELOAD_OUTPUT = 'dist/electron/preload/preload.cjs';

export default defineConfig({
  input: PRELOAD_ENTRY,
  platform: 'node',
  external: ['electron'],
  output: { format: 'cjs', file: PRELOAD_OUTPUT, sourcemap: false },
});
