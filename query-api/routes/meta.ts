// The OpenAPI document and the health probes.
import type { FastifyInstance } from 'fastify';
import { UnavailableError } from '../../core/errors.ts';
import { buildOpenApiDocument } from '../openapi.ts';
import { ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { routeOptions } from './route.ts';

/** Readiness gives up on a store that does not answer within this time. */
const READY_TIMEOUT_MS = 2000;
/** An all-zero Trace ID is invalid in W3C Trace Context, so this lookup is a cheap miss. */
const PROBE_TRACE_ID = '0'.repeat(32);

export function registerMetaRoutes(app: FastifyInstance, { store }: RouteContext): void {
  const document = buildOpenApiDocument();
  app.route({ ...routeOptions(ROUTES.openapi), handler: async () => document });
  app.route({ ...routeOptions(ROUTES.healthz), handler: async () => ({ status: 'ok' }) });
  app.route({
    ...routeOptions(ROUTES.readyz),
    handler: async () => {
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new UnavailableError(`store did not answer within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
      });
      try {
        await Promise.race([store.getTrace(PROBE_TRACE_ID), timeout]);
      } catch (error) {
        if (error instanceof UnavailableError) throw error;
        throw new UnavailableError(`store not ready: ${(error as Error).message}`);
      } finally {
        clearTimeout(timer);
      }
      return { status: 'ready' };
    },
  });
}
