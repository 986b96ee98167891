// Builds the UI into ui/dist, which the query API serves at `/` (query-api/static.ts).
// `npm run build:ui` = `vite build --config ui/vite.config.ts`. For development, `vite --config
// ui/vite.config.ts` serves the sources with hot reload and proxies the API to a running all-in-one
// (ORDERTRACE_API, default http://127.0.0.1:8080); see docs/ui.md.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.ORDERTRACE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  // Relative asset URLs: the UI works wherever the query API mounts it.
  base: './',
  plugins: [svelte({ configFile: false })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
    reportCompressedSize: false,
    chunkSizeWarningLimit: 1200,
  },
  server: {
    proxy: { '/api': api, '/healthz': api, '/readyz': api },
  },
});
