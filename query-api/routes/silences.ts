// Silences: list the active ones, create, read, and expire (DELETE ends a silence now; it is kept).
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { OrdertraceError } from '../../core/errors.ts';
import type { Silence } from '../../core/alerts.ts';
import type { AlertStore } from '../../core/store/alert-store.ts';
import { actorOf } from '../alert-params.ts';
import { ROUTES } from '../schemas.ts';
import { expireSilence, newSilence, silenceView, type SilenceInput } from '../silence-input.ts';
import type { RouteContext } from './context.ts';
import { routeOptions, validatorFor } from './route.ts';

async function findSilence(alerts: AlertStore, id: string): Promise<Silence> {
  const silence = await alerts.getSilence(id);
  if (!silence) throw new OrdertraceError('OT_ERR_SILENCE_NOT_FOUND', `no silence has ID ${JSON.stringify(id)}`);
  return silence;
}

export function registerSilenceRoutes(app: FastifyInstance, { alerts, rules, now }: RouteContext): void {
  app.route({
    ...routeOptions(ROUTES.listSilences),
    handler: async () => {
      const nowMs = now();
      const active = await alerts.activeSilences(nowMs);
      return { items: active.sort((a, b) => a.endsAtMs - b.endsAtMs || a.id.localeCompare(b.id)).map((s) => silenceView(s, nowMs)) };
    },
  });
  app.route<{ Body: SilenceInput }>({
    ...routeOptions(ROUTES.createSilence),
    validatorCompiler: validatorFor(),
    handler: async (request) => {
      const nowMs = now();
      const createdBy = actorOf(request.body.createdBy, request.headers, 'createdBy');
      const silence = newSilence(request.body, createdBy, randomUUID(), nowMs, rules.current().rules.map((r) => r.id));
      await alerts.upsertSilence(silence);
      return silenceView(silence, nowMs);
    },
  });
  app.route<{ Params: { id: string } }>({
    ...routeOptions(ROUTES.getSilence),
    handler: async (request) => silenceView(await findSilence(alerts, request.params.id), now()),
  });
  app.route<{ Params: { id: string } }>({
    ...routeOptions(ROUTES.expireSilence),
    handler: async (request) => {
      const nowMs = now();
      const silence = await findSilence(alerts, request.params.id);
      const expired = expireSilence(silence, nowMs);
      if (expired !== silence) await alerts.upsertSilence(expired);
      return silenceView(expired, nowMs);
    },
  });
}
