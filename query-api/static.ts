// Serves the built UI (ui/dist, `npm run build:ui`) at `/` on the query API's origin. Explicit routes
// (/api/*, /healthz, /readyz) win over the static wildcard, and a path that is no file falls through
// to the API's JSON 404. Without a build, `/` says how to make one instead of a bare 404.
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';

export const UI_NOT_BUILT_MESSAGE =
  'The ordertrace UI is not built. Run `npm run build:ui` (vite build --config ui/vite.config.ts), then reload this page. ' +
  'The query API itself is running: see /api/openapi.json.';

/**
 * Scripts only from this origin (API data is never executed); inline styles are allowed because
 * Svelte style directives and ECharts tooltips set them.
 */
export const UI_CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

/** Where ui/dist is: next to the sources (query-api/static.ts) or to the compiled package (dist/query-api/static.js). */
export function locateUiDir(): string | null {
  const here = fileURLToPath(new URL('.', import.meta.url));
  for (const candidate of [join(here, '..', 'ui', 'dist'), join(here, '..', '..', 'ui', 'dist')]) {
    if (existsSync(join(candidate, 'index.html'))) return candidate;
  }
  return null;
}

function securityHeaders(reply: FastifyReply): void {
  reply.header('content-security-policy', UI_CSP);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('referrer-policy', 'no-referrer');
}

/** Registers the UI on `app`: the files of `dir`, or (dir null) a `/` that explains how to build them. */
export function registerUi(app: FastifyInstance, dir: string | null = locateUiDir()): void {
  if (dir === null || !existsSync(join(dir, 'index.html'))) {
    app.get('/', async (_request, reply) => {
      securityHeaders(reply);
      return reply.code(503).type('text/plain; charset=utf-8').send(`${UI_NOT_BUILT_MESSAGE}\n`);
    });
    return;
  }
  void app.register(fastifyStatic, {
    root: dir,
    prefix: '/',
    index: ['index.html'],
    dotfiles: 'ignore',
    cacheControl: false,
    setHeaders(reply, path) {
      // Vite puts a content hash in every asset's name, so assets never change; index.html does.
      reply.header('cache-control', path.split(sep).includes('assets') ? 'public, max-age=31536000, immutable' : 'no-cache');
      securityHeaders(reply);
    },
  });
}
