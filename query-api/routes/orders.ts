// GET /api/v1/orders/:key — resolve any key to an order, then compute its journey with its alerts.
import type { FastifyInstance } from 'fastify';
import { OrdertraceError } from '../../core/errors.ts';
import { orderView } from '../order-view.ts';
import { allPages } from '../../core/paging.ts';
import { normalizeTraceId } from '../params.ts';
import { MAX_LIMIT, ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { routeOptions } from './route.ts';

/** More alerts than one order can plausibly have (rules × shipments); a guard, not a page size. */
const MAX_ORDER_ALERTS = 10_000;

export function registerOrderRoutes(app: FastifyInstance, { store, alerts, rules, stages, now, keyAttributes }: RouteContext): void {
  app.route<{ Params: { key: string } }>({
    ...routeOptions(ROUTES.getOrder),
    handler: async (request) => {
      const { key } = request.params;
      const alertsOf = (orderId: string) =>
        allPages((cursor) => alerts.listAlerts({ orderId, limit: MAX_LIMIT, cursor }), MAX_ORDER_ALERTS, 'alerts for one order');
      // Most lookups are by order ID: try the key as one first, fetching its alerts at the same time,
      // which saves two round trips (getOrder(key) finds records exactly when resolveOrderKey(key)
      // would answer key itself).
      let [records, orderAlerts] = await Promise.all([store.getOrder(key), alertsOf(key)]);
      if (!records) {
        let orderId = await store.resolveOrderKey(key);
        // Trace IDs are stored lowercase; accept one pasted in uppercase.
        const traceId = normalizeTraceId(key);
        if (orderId === null && traceId !== null && traceId !== key) orderId = await store.resolveOrderKey(traceId);
        if (orderId !== null) [records, orderAlerts] = await Promise.all([store.getOrder(orderId), alertsOf(orderId)]);
      }
      if (!records) throw new OrdertraceError('OT_ERR_ORDER_NOT_FOUND', `no order matches ${JSON.stringify(key)} (tried order ID, business keys and Trace ID)`);
      return orderView(key, records, stages, now(), keyAttributes, { alerts: orderAlerts, ruleSet: rules.current() });
    },
  });
}
