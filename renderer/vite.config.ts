// Builds the renderer (root: this folder) into dist/renderer/, and runs its unit tests (test/renderer/) in
// happy-dom. One config for both so the tests compile .svelte and .svelte.ts files exactly as the build does.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vitest/config';

const rendererRoot = fileURLToPath(new URL('.', import.meta.url));
const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export default defineConfig({
  root: rendererRoot,
  // Relative asset URLs: the shell may load index.html from a file or from its own app protocol.
  base: './',
  plugins: [svelte({ configFile: false })],
  // Svelte's package exports a server build by default; component tests need the browser one.
  resolve: process.env.VITEST ? { conditions: ['browser'] } : undefined,
  build: {
    outDir: fileURLToPath(new URL('../dist/renderer/', import.meta.url)),
    emptyOutDir: true,
    target: 'chrome130',
    sourcemap: true,
  },
  test: {
    name: 'renderer',
    root: repoRoot,
    include: ['test/renderer/**/*.test.ts'],
    environment: 'happy-dom',
  },
});
