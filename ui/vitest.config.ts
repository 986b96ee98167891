// UI unit and component tests: `vitest run --config ui/vitest.config.ts` (the root config excludes
// ui/**). Pure functions and *.svelte.ts state classes run in Node; component tests opt into jsdom
// with a `// @vitest-environment jsdom` comment. svelteTesting() resolves Svelte's browser build and
// cleans the DOM up after each test.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { svelteTesting } from '@testing-library/svelte/vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  root: fileURLToPath(new URL('..', import.meta.url)),
  plugins: [svelte({ configFile: false }), svelteTesting()],
  test: {
    include: ['ui/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
