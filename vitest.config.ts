import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Two cores here: onnxruntime and sharp already use threads, so run test files two at a time.
    maxWorkers: 2,
    pool: 'forks',
  },
});
