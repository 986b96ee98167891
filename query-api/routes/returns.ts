// GET /api/v1/returns/queues — return approval queues from the open return-SLA alerts.
import type { FastifyInstance } from 'fastify';
import type { Alert } from '../../core/alerts.ts';
import { allPages } from '../../core/paging.ts';
import type { ReturnSlaRule, Rule } from '../../rules/model.ts';
import { returnQueues } from '../return-queues.ts';
import { MAX_LIMIT, ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { routeOptions } from './route.ts';

/** Open returns one queue view holds at most. */
const MAX_OPEN_RETURNS = 100_000;
const OPEN_STATES: Alert['state'][] = ['firing', 'acknowledged'];

const isReturnSla = (rule: Rule): rule is ReturnSlaRule => rule.kind === 'return_sla';

export function registerReturnRoutes(app: FastifyInstance, { alerts, rules, now }: RouteContext): void {
  app.route({
    ...routeOptions(ROUTES.returnQueues),
    handler: async () => {
      const nowMs = now();
      const slaRules = rules.current().rules.filter(isReturnSla);
      const open: Alert[] = [];
      for (const rule of slaRules) {
        for (const state of OPEN_STATES) {
          open.push(...(await allPages((cursor) => alerts.listAlerts({ ruleId: rule.id, state, limit: MAX_LIMIT, cursor }), MAX_OPEN_RETURNS, 'open returns')));
        }
      }
      return { nowMs, queues: returnQueues(open, slaRules, nowMs) };
    },
  });
}
