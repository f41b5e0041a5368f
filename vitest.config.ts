import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: onnxruntime and sharp already use threads, so run test files two at a time.
    maxWorkers: 2,
    pool: 'forks',
    projects: [
      // Engine, CLI, main-process wiring and end-to-end tests, under plain Node.
      { extends: true, test: { name: 'node', include: ['test/**/*.test.ts'], exclude: ['test/renderer/**'] } },
      // Svelte state classes and components, compiled as the renderer build does, in happy-dom.
      'renderer/vite.config.ts',
    ],
  },
});
