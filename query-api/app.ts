// The query API: buildQueryApi() returns a ready-to-listen fastify instance (listen() lives in the CLI),
// so tests drive it with inject(). Every error leaves as JSON {code, message} with the code's HTTP status.
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCodes, OrdertraceError, type ErrorCode } from '../core/errors.ts';
import { DEFAULT_KEY_ATTRIBUTES } from '../core/domain-config.ts';
import type { StageDef } from '../core/stages.ts';
import type { Store } from '../core/store/store.ts';
import { registerMetaRoutes } from './routes/meta.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { registerTraceRoutes } from './routes/traces.ts';
import { COMPONENT_SCHEMAS } from './schemas.ts';
import { show, validationMessage, type AjvError } from './validation-message.ts';

export interface QueryApiOptions {
  store: Store;
  stages: StageDef[];
  /** Wall clock, ms since the epoch (journeys compare stage deadlines against it). */
  now?: () => number;
  /** fastify/pino logger options; false (default) for none. */
  logger?: boolean | object;
  /** Business-key attributes, to report which one a looked-up key matched (defaults: core/domain-config.ts). */
  keyAttributes?: readonly string[];
}

interface ErrorBody {
  code: ErrorCode;
  message: string;
}

function send(reply: FastifyReply, body: ErrorBody, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(0, Math.ceil(retryAfterSeconds))));
  return reply.code(ErrorCodes[body.code].status).type('application/json; charset=utf-8').send(body);
}

/** Client errors fastify itself raises (a malformed URL, …). Every route is a GET, whose body fastify ignores. */
function frameworkCode(status: number): ErrorCode {
  return status === 404 ? 'OT_ERR_NOT_FOUND' : 'OT_ERR_BAD_PARAMETER';
}

function handleError(error: FastifyError | OrdertraceError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof OrdertraceError) {
    if (error.status >= 500) request.log.warn({ code: error.code, msg: error.message }, 'request failed');
    return send(reply, { code: error.code, message: error.message }, error.retryAfterSeconds);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const part = fastifyError.validationContext;
    const input = part ? (request as unknown as Record<string, unknown>)[part] : undefined;
    return send(reply, { code: 'OT_ERR_BAD_PARAMETER', message: validationMessage(fastifyError.validation as AjvError[], part, input) });
  }
  const status = fastifyError.statusCode ?? 500;
  if (status >= 400 && status < 500) return send(reply, { code: frameworkCode(status), message: error.message });
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, { code: 'OT_ERR_INTERNAL', message: `internal error (request ${request.id}); the server log has the details` });
}

export function buildQueryApi(options: QueryApiOptions): FastifyInstance {
  const app = Fastify({
    logger: (options.logger ?? false) as boolean,
    // Every route is documented; implicit HEAD routes would not be.
    exposeHeadRoutes: false,
    // Long business keys reach the schema (and its readable 400) instead of missing the route.
    routerOptions: { maxParamLength: 16_384 },
    frameworkErrors: (error, request, reply) => {
      const message = error.code === 'FST_ERR_BAD_URL' ? `the URL is not valid percent-encoding: ${show(request.url)}` : error.message;
      send(reply, { code: frameworkCode(error.statusCode ?? 400), message });
    },
  });
  for (const schema of COMPONENT_SCHEMAS) app.addSchema(schema);
  app.setErrorHandler(handleError);
  app.setNotFoundHandler((request, reply) => {
    send(reply, { code: 'OT_ERR_NOT_FOUND', message: `no route ${request.method} ${show(request.url.split('?')[0])}; see /api/openapi.json` });
  });

  const context = {
    store: options.store,
    stages: options.stages,
    now: options.now ?? Date.now,
    keyAttributes: options.keyAttributes ?? DEFAULT_KEY_ATTRIBUTES,
  };
  registerMetaRoutes(app, context);
  registerTraceRoutes(app, context);
  registerOrderRoutes(app, context);
  registerSearchRoutes(app, context);
  return app as unknown as FastifyInstance;
}
