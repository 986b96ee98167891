// Alerts: search, one alert with its guide and evidence, and the people's side of the lifecycle
// (acknowledge, resolve by hand — rules/alert-lifecycle.ts decides which transitions are allowed).
import type { FastifyInstance } from 'fastify';
import type { Alert, AlertQuery } from '../../core/alerts.ts';
import { OrdertraceError } from '../../core/errors.ts';
import type { AlertStore } from '../../core/store/alert-store.ts';
import { acknowledge, resolveManually, type TransitionResult } from '../../rules/alert-lifecycle.ts';
import { actorOf, parseAlertQuery } from '../alert-params.ts';
import { alertDetail } from '../alert-view.ts';
import { ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { parserCompiler, routeOptions, validatorFor } from './route.ts';

interface ActionBody {
  actor?: string;
  comment?: string;
}

type Transition = (alert: Alert, actor: string, nowMs: number) => TransitionResult;

async function findAlert(alerts: AlertStore, id: string): Promise<Alert> {
  const alert = await alerts.getAlert(id);
  if (!alert) throw new OrdertraceError('OT_ERR_ALERT_NOT_FOUND', `no alert has ID ${JSON.stringify(id)}`);
  return alert;
}

export function registerAlertRoutes(app: FastifyInstance, { alerts, store, rules, stages, now }: RouteContext): void {
  app.route<{ Querystring: AlertQuery }>({
    ...routeOptions(ROUTES.listAlerts),
    validatorCompiler: parserCompiler(parseAlertQuery),
    handler: (request) => alerts.listAlerts(request.query),
  });

  app.route<{ Params: { id: string } }>({
    ...routeOptions(ROUTES.getAlert),
    handler: async (request) => {
      const alert = await findAlert(alerts, request.params.id);
      const ruleSet = rules.current();
      const records = await store.getOrder(alert.orderId);
      const rule = ruleSet.rules.find((r) => r.id === alert.ruleId);
      return alertDetail({ alert, rule, records, stages, nowMs: now(), uiBaseUrl: ruleSet.uiBaseUrl });
    },
  });

  /** A person's transition: 409 when the lifecycle refuses it; the comment is kept in details.<commentKey>. */
  const action = (transition: Transition, commentKey: string) => async (request: { params: { id: string }; body: ActionBody; headers: Record<string, string | string[] | undefined> }) => {
    const actor = actorOf(request.body.actor, request.headers, 'actor');
    const result = transition(await findAlert(alerts, request.params.id), actor, now());
    if (!result.ok) throw new OrdertraceError('OT_ERR_INVALID_TRANSITION', result.error.message);
    const comment = request.body.comment?.trim();
    const updated = comment ? { ...result.alert, details: { ...result.alert.details, [commentKey]: comment } } : result.alert;
    await alerts.upsertAlerts([updated]);
    return updated;
  };
  app.route<{ Params: { id: string }; Body: ActionBody }>({
    ...routeOptions(ROUTES.acknowledgeAlert),
    validatorCompiler: validatorFor(),
    handler: action(acknowledge, 'acknowledgeComment'),
  });
  app.route<{ Params: { id: string }; Body: ActionBody }>({
    ...routeOptions(ROUTES.resolveAlert),
    validatorCompiler: validatorFor(),
    handler: action(resolveManually, 'resolveComment'),
  });
}
