// Builds the OpenAPI 3.1 document from the route table and shared schemas in schemas.ts — the same
// objects fastify validates and serializes with, so the document cannot drift from the routes.
import { ErrorCodes, type ErrorCode } from '../core/errors.ts';
import { COMPONENT_SCHEMAS, ROUTES, type JsonSchema, type RouteSpec } from './schemas.ts';

export type OpenApiDocument = Record<string, unknown> & {
  openapi: string;
  paths: Record<string, Record<string, Record<string, unknown>>>;
  components: { schemas: Record<string, JsonSchema> };
};

/** Error codes not tied to one route. */
const GLOBAL_ERRORS: ErrorCode[] = ['OT_ERR_NOT_FOUND'];

/** Every OT_ERR code the query API can answer with. */
export function queryApiErrorCodes(routes: RouteSpec[] = Object.values(ROUTES)): ErrorCode[] {
  return [...new Set([...routes.flatMap((r) => r.errors), ...GLOBAL_ERRORS])].sort();
}

/** Deep copy with fastify's `Name#` references rewritten to `#/components/schemas/Name` and `$id` dropped. */
function toOpenApi(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toOpenApi);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (key === '$id') continue;
    out[key] = key === '$ref' && typeof v === 'string' ? `#/components/schemas/${v.replace(/#$/, '')}` : toOpenApi(v);
  }
  return out;
}

function parameters(route: RouteSpec): Record<string, unknown>[] {
  const list: Record<string, unknown>[] = [];
  const add = (where: 'path' | 'query' | 'header', schema: JsonSchema | undefined) => {
    if (!schema) return;
    const required = new Set((schema.required as string[] | undefined) ?? []);
    for (const [name, prop] of Object.entries((schema.properties ?? {}) as Record<string, JsonSchema>)) {
      const { description, ...rest } = prop;
      list.push({ name, in: where, required: where === 'path' || required.has(name), description, schema: toOpenApi(rest) });
    }
    const patterns = schema.patternProperties as Record<string, JsonSchema> | undefined;
    if (patterns) {
      // Free-form parameters (attr.<key>=<value>): an exploded form-style object, one query parameter per property.
      const descriptions = Object.values(patterns).map((p) => p.description).filter(Boolean).join(' ');
      list.push({
        name: 'attributeFilters',
        in: 'query',
        required: false,
        style: 'form',
        explode: true,
        description: `${descriptions} Repeat with different keys to AND several filters.`,
        schema: { type: 'object', patternProperties: toOpenApi(patterns), additionalProperties: false },
      });
    }
  };
  add('path', route.params);
  add('query', route.querystring);
  add('header', route.headers);
  return list;
}

function responses(route: RouteSpec): Record<string, unknown> {
  const out: Record<string, unknown> = {
    200: { description: 'OK', content: { 'application/json': { schema: toOpenApi(route.ok) } } },
  };
  if (route.csv) {
    (out[200] as { content: Record<string, unknown> }).content['text/csv'] = { schema: { type: 'string', description: route.csv } };
  }
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of route.errors) byStatus.set(ErrorCodes[code].status, [...(byStatus.get(ErrorCodes[code].status) ?? []), code]);
  for (const [status, codes] of [...byStatus].sort(([a], [b]) => a - b)) {
    const response: Record<string, unknown> = {
      description: codes.map((c) => `${c}: ${ErrorCodes[c].meaning}`).join(' '),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } },
    };
    if (status === 503 || status === 429) {
      response.headers = { 'Retry-After': { description: 'Seconds to wait before retrying.', schema: { type: 'integer', minimum: 0 } } };
    }
    out[status] = response;
  }
  return out;
}

export function buildOpenApiDocument(routes: RouteSpec[] = Object.values(ROUTES)): OpenApiDocument {
  const paths: OpenApiDocument['paths'] = {};
  for (const route of routes) {
    const path = route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = {
      operationId: route.operationId,
      summary: route.summary,
      description: route.description,
      tags: route.tags,
      parameters: parameters(route),
      ...(route.body ? { requestBody: { required: ((route.body.required as string[] | undefined) ?? []).length > 0, content: { 'application/json': { schema: toOpenApi(route.body) } } } } : {}),
      responses: responses(route),
    };
  }
  const schemas: Record<string, JsonSchema> = {};
  for (const schema of COMPONENT_SCHEMAS) schemas[schema.$id as string] = toOpenApi(schema) as JsonSchema;
  const codes = queryApiErrorCodes(routes);
  const error = schemas.Error!;
  const props = error.properties as Record<string, JsonSchema>;
  props.code = { ...props.code, enum: codes };
  return {
    openapi: '3.1.0',
    info: {
      title: 'ordertrace query API',
      version: '1.0.0',
      description:
        'Look up orders and traces, search spans and logs, work alerts, silences and rules. Span, log and journey times are nanoseconds ' +
        'since the Unix epoch as exact decimal strings; alert, silence and rule times (fields ending in Ms) are milliseconds since the epoch. ' +
        'Every error is JSON {code, message} with a stable OT_ERR_* code: ' +
        codes.map((c) => `${c} (${ErrorCodes[c].status}) ${ErrorCodes[c].meaning}`).join(' ') +
        ' Unknown routes answer 404 OT_ERR_NOT_FOUND.',
    },
    tags: [
      { name: 'orders', description: 'Order journeys' },
      { name: 'traces', description: 'Traces' },
      { name: 'search', description: 'Span and log search' },
      { name: 'alerts', description: 'Alerts raised by the rules, and their lifecycle' },
      { name: 'silences', description: 'Silences: mute notifications of matching alerts until a time' },
      { name: 'rules', description: 'The rule set in force, and backtests of rule files' },
      { name: 'worklists', description: 'Orders to work on: by alert, and return approval queues' },
      { name: 'health', description: "The health dashboard's aggregates: stage durations, throughput, anomalies, the order health index, service dependencies" },
      { name: 'meta', description: 'Health and this document' },
    ],
    paths,
    components: { schemas },
  };
}
