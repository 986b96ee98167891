import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.serial.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'ui/**', '.deploy-run/**'],
    fileParallelism: false,
    testTimeout: 120_000,
    hookTimeout: 120_000,
  },
});
