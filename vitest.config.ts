import { defineConfig } from 'vitest/config';

// Files named *.serial.test.ts stop and restart shared services (Kafka, ClickHouse): they run
// afterwards, one at a time, through vitest.serial.config.ts.
export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**', 'ui/**', '.deploy-run/**', '**/*.serial.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
