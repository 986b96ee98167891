// Builds the UI into ui/dist, which the query API serves at `/` (query-api/static.ts).
// `npm run build:ui` = `vite build --config ui/vite.config.ts`. For development, `vite --config
// ui/vite.config.ts` serves the sources with hot reload and proxies the API to a running all-in-one
// (ORDERTRACE_API, default http://127.0.0.1:8080); see docs/ui.md.
import { fileURLToPath } from 'node:url';
import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig, type HtmlTagDescriptor, type Plugin } from 'vite';

/**
 * main.ts imports the app and ECharts at once but dynamically, so that the deep link's API requests
 * start before either is compiled. Preload links in the HTML start their download (and compilation)
 * next to main.ts's instead of after it has run: the order page paints sooner.
 */
function preloadStartupChunks(): Plugin {
  return {
    name: 'ordertrace:preload-startup-chunks',
    apply: 'build',
    transformIndexHtml(_html, { chunk, bundle }) {
      if (!chunk || !bundle) return [];
      // The dynamically imported chunks and what they import in turn (Vite preloads the entry's own imports).
      const files = new Set<string>();
      const add = (file: string): void => {
        const imported = bundle[file];
        if (files.has(file) || file === chunk.fileName || chunk.imports.includes(file) || imported?.type !== 'chunk') return;
        files.add(file);
        imported.imports.forEach(add);
      };
      chunk.dynamicImports.forEach(add);
      const tags: HtmlTagDescriptor[] = [];
      for (const file of files) {
        tags.push({ tag: 'link', attrs: { rel: 'modulepreload', crossorigin: true, href: `./${file}` }, injectTo: 'head' });
        const imported = bundle[file];
        for (const css of imported?.type === 'chunk' ? (imported.viteMetadata?.importedCss ?? []) : []) {
          tags.push({ tag: 'link', attrs: { rel: 'preload', as: 'style', href: `./${css}` }, injectTo: 'head' });
        }
      }
      return tags;
    },
  };
}

const root = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.ORDERTRACE_API ?? 'http://127.0.0.1:8080';

export default defineConfig({
  root,
  // Relative asset URLs: the UI works wherever the query API mounts it.
  base: './',
  plugins: [svelte({ configFile: false }), preloadStartupChunks()],
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
