// GET /api/v1/traces/:traceId
import type { FastifyInstance } from 'fastify';
import { OrdertraceError } from '../../core/errors.ts';
import { ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { routeOptions } from './route.ts';

export function registerTraceRoutes(app: FastifyInstance, { store }: RouteContext): void {
  app.route<{ Params: { traceId: string } }>({
    ...routeOptions(ROUTES.getTrace),
    handler: async (request) => {
      const traceId = request.params.traceId.toLowerCase();
      const trace = await store.getTrace(traceId);
      if (!trace || (trace.spans.length === 0 && trace.logs.length === 0)) {
        throw new OrdertraceError('OT_ERR_TRACE_NOT_FOUND', `no spans or logs stored for trace ${traceId}`);
      }
      return trace;
    },
  });
}
