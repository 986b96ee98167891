// The health dashboard's aggregates (docs/health.md): stage durations, throughput, alerts over time,
// the order health index and the service dependency map, over a window of the stores' records.
import type { FastifyInstance } from 'fastify';
import { anomalyStatsOf } from '../../core/stats-assemble.ts';
import type { StatsQuery } from '../../core/stats.ts';
import type { StatsStore } from '../../core/store/stats-store.ts';
import { healthWindow, parseHealthQuery, type HealthParams } from '../health-params.ts';
import { ROUTES, type RouteSpec } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { parserCompiler, routeOptions } from './route.ts';

export function registerHealthRoutes(app: FastifyInstance, { store, alerts, stages, now }: RouteContext): void {
  const queryOf = (params: HealthParams): StatsQuery => {
    const nowMs = now();
    return { ...healthWindow(params, nowMs), nowMs: Math.floor(nowMs), stages };
  };
  const route = (spec: RouteSpec, answer: (q: StatsQuery) => Promise<unknown>) =>
    app.route<{ Querystring: HealthParams }>({
      ...routeOptions(spec),
      validatorCompiler: parserCompiler(parseHealthQuery),
      handler: (request) => answer(queryOf(request.query)),
    });
  const stats = (method: keyof StatsStore) => (q: StatsQuery) => store.stats[method](q);
  route(ROUTES.healthStages, stats('stageStats'));
  route(ROUTES.healthThroughput, stats('throughput'));
  route(ROUTES.healthAnomalies, async (q) => anomalyStatsOf(q, await alerts.alertTimeline(q.fromMs, q.toMs, q.bucketMs)));
  route(ROUTES.healthIndex, stats('orderHealth'));
  route(ROUTES.healthDependencies, stats('dependencies'));
}
