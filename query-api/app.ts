// The query API: buildQueryApi() returns a ready-to-listen fastify instance (listen() lives in the CLI),
// so tests drive it with inject(). Every error leaves as JSON {code, message} with the code's HTTP status.
import Fastify, { LogController, type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { ErrorCodes, OrdertraceError, ProblemsError, type ErrorCode, type LocatedProblem } from '../core/errors.ts';
import { DEFAULT_KEY_ATTRIBUTES } from '../core/domain-config.ts';
import type { StageDef } from '../core/stages.ts';
import type { Store } from '../core/store/store.ts';
import { emptyRulesRuntime } from '../rules/runtime.ts';
import { registerAlertRoutes } from './routes/alerts.ts';
import type { RulesRuntime } from './routes/context.ts';
import { registerHealthRoutes } from './routes/health.ts';
import { registerMetaRoutes } from './routes/meta.ts';
import { registerOrderRoutes } from './routes/orders.ts';
import { registerReturnRoutes } from './routes/returns.ts';
import { registerRuleRoutes } from './routes/rules.ts';
import { registerSearchRoutes } from './routes/search.ts';
import { registerSilenceRoutes } from './routes/silences.ts';
import { registerTraceRoutes } from './routes/traces.ts';
import { registerWorklistRoutes } from './routes/worklists.ts';
import { COMPONENT_SCHEMAS } from './schemas.ts';
import { registerUi } from './static.ts';
import { show, validationMessage, type AjvError } from './validation-message.ts';

export interface QueryApiOptions {
  store: Store;
  stages: StageDef[];
  /** The rule set in force and backtests (rules/runtime.ts); default: no rules loaded. */
  rules?: RulesRuntime;
  /** Wall clock, ms since the epoch (journeys compare stage deadlines against it). */
  now?: () => number;
  /** fastify/pino logger options; false (default) for none. */
  logger?: boolean | object;
  /** Business-key attributes, to report which one a looked-up key matched (defaults: core/domain-config.ts). */
  keyAttributes?: readonly string[];
  /** Serve the built UI at `/` (query-api/static.ts): true for ui/dist, or the directory to serve. Off by default. */
  ui?: boolean | string;
}

interface ErrorBody {
  code: ErrorCode;
  message: string;
  errors?: LocatedProblem[];
}

function send(reply: FastifyReply, body: ErrorBody, retryAfterSeconds?: number): FastifyReply {
  if (retryAfterSeconds !== undefined) reply.header('retry-after', String(Math.max(0, Math.ceil(retryAfterSeconds))));
  return reply.code(ErrorCodes[body.code].status).type('application/json; charset=utf-8').send(body);
}

/** Client errors fastify itself raises: a malformed URL, or a request body it cannot parse. */
function frameworkCode(status: number, fastifyCode?: string): ErrorCode {
  if (status === 404) return 'OT_ERR_NOT_FOUND';
  if (status === 413) return 'OT_ERR_TOO_LARGE';
  return fastifyCode?.startsWith('FST_ERR_CTP_') ? 'OT_ERR_DECODE' : 'OT_ERR_BAD_PARAMETER';
}

function handleError(error: FastifyError | OrdertraceError | Error, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error instanceof OrdertraceError) {
    if (error.status >= 500) request.log.warn({ code: error.code, msg: error.message }, 'request failed');
    const errors = error instanceof ProblemsError ? { errors: error.errors } : {};
    return send(reply, { code: error.code, message: error.message, ...errors }, error.retryAfterSeconds);
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const part = fastifyError.validationContext;
    const input = part ? (request as unknown as Record<string, unknown>)[part] : undefined;
    return send(reply, { code: 'OT_ERR_BAD_PARAMETER', message: validationMessage(fastifyError.validation as AjvError[], part, input) });
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 415) {
    return send(reply, { code: 'OT_ERR_BAD_CONTENT_TYPE', message: `Content-Type ${show(request.headers['content-type'] ?? '')} is not accepted; send application/json` });
  }
  if (status >= 400 && status < 500) return send(reply, { code: frameworkCode(status, fastifyError.code), message: error.message });
  request.log.error({ err: error }, 'unhandled error');
  return send(reply, { code: 'OT_ERR_INTERNAL', message: `internal error (request ${request.id}); the server log has the details` });
}

export function buildQueryApi(options: QueryApiOptions): FastifyInstance {
  const app = Fastify({
    logger: (options.logger ?? false) as boolean,
    // One line per UI request is noise at the default level; failures are logged by the error handler.
    logController: new LogController({ disableRequestLogging: true }),
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

  const now = options.now ?? Date.now;
  const context = {
    store: options.store,
    alerts: options.store.alerts,
    rules: options.rules ?? emptyRulesRuntime(options.store, now),
    stages: options.stages,
    now,
    keyAttributes: options.keyAttributes ?? DEFAULT_KEY_ATTRIBUTES,
  };
  registerMetaRoutes(app, context);
  registerTraceRoutes(app, context);
  registerOrderRoutes(app, context);
  registerSearchRoutes(app, context);
  registerAlertRoutes(app, context);
  registerSilenceRoutes(app, context);
  registerRuleRoutes(app, context);
  registerWorklistRoutes(app, context);
  registerReturnRoutes(app, context);
  registerHealthRoutes(app, context);
  if (options.ui) registerUi(app, typeof options.ui === 'string' ? options.ui : undefined);
  return app as unknown as FastifyInstance;
}
