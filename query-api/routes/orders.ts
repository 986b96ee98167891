// GET /api/v1/orders/:key — resolve any key to an order, then compute its journey.
import type { FastifyInstance } from 'fastify';
import { OrdertraceError } from '../../core/errors.ts';
import { orderView } from '../order-view.ts';
import { normalizeTraceId } from '../params.ts';
import { ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { routeOptions } from './route.ts';

export function registerOrderRoutes(app: FastifyInstance, { store, stages, now, keyAttributes }: RouteContext): void {
  app.route<{ Params: { key: string } }>({
    ...routeOptions(ROUTES.getOrder),
    handler: async (request) => {
      const { key } = request.params;
      let orderId = await store.resolveOrderKey(key);
      // Trace IDs are stored lowercase; accept one pasted in uppercase.
      const traceId = normalizeTraceId(key);
      if (orderId === null && traceId !== null && traceId !== key) orderId = await store.resolveOrderKey(traceId);
      const records = orderId === null ? null : await store.getOrder(orderId);
      if (!records) throw new OrdertraceError('OT_ERR_ORDER_NOT_FOUND', `no order matches ${JSON.stringify(key)} (tried order ID, business keys and Trace ID)`);
      return orderView(key, records, stages, now(), keyAttributes);
    },
  });
}
