// The ingester's small HTTP server: /metrics (Prometheus), /healthz (alive), /readyz (bus and store answer).
import Fastify, { type FastifyInstance } from 'fastify';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';

export interface StatusHttpOptions {
  metrics: () => Promise<string>;
  ready: () => Promise<boolean>;
  logger?: boolean | object;
}

export function buildStatusHttp(options: StatusHttpOptions): FastifyInstance {
  const app = Fastify({ logger: options.logger ?? false });
  app.get('/healthz', async () => ({ status: 'ok' }));
  app.get('/readyz', async (_request, reply) => {
    const ready = await options.ready();
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'not ready' });
  });
  app.get('/metrics', async (_request, reply) => reply.type(PROMETHEUS_CONTENT_TYPE).send(await options.metrics()));
  return app;
}
