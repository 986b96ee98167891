// Span and log search, and the service catalog.
import type { FastifyInstance } from 'fastify';
import type { LogQuery, SpanQuery } from '../../core/store/store.ts';
import { parseLogQuery, parseSpanQuery } from '../params.ts';
import { ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { parserCompiler, routeOptions } from './route.ts';

export function registerSearchRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.route<{ Querystring: SpanQuery }>({
    ...routeOptions(ROUTES.searchSpans),
    validatorCompiler: parserCompiler(parseSpanQuery),
    handler: (request) => store.searchSpans(request.query),
  });
  app.route<{ Querystring: LogQuery }>({
    ...routeOptions(ROUTES.searchLogs),
    validatorCompiler: parserCompiler(parseLogQuery),
    handler: (request) => store.searchLogs(request.query),
  });
  app.route({
    ...routeOptions(ROUTES.services),
    handler: async () => ({ services: await store.services() }),
  });
}
