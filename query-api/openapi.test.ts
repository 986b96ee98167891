// The OpenAPI document describes exactly the routes fastify serves, is structurally valid OpenAPI 3.1,
// and documents every OT_ERR code the query API can answer with.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '../core/errors.ts';
import { buildOpenApiDocument, queryApiErrorCodes, type OpenApiDocument } from './openapi.ts';
import { ROUTES } from './schemas.ts';
import { openTestApi, type TestApi } from './test-store.ts';

let api: TestApi;
let doc: OpenApiDocument;
beforeAll(async () => {
  api = await openTestApi({ write: false });
  const response = await api.app.inject('/api/openapi.json');
  expect(response.statusCode).toBe(200);
  doc = response.json();
});
afterAll(async () => {
  await api?.close();
});

type Operation = { operationId: string; summary: string; tags: string[]; parameters: Array<Record<string, unknown>>; responses: Record<string, Record<string, unknown>> };
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

function operations(): Array<{ path: string; method: string; op: Operation }> {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    Object.entries(item).filter(([m]) => HTTP_METHODS.includes(m)).map(([method, op]) => ({ path, method, op: op as unknown as Operation })),
  );
}

/** Every (METHOD, url) fastify has registered, read from its route tree (a child line extends its parent's path). */
function registeredRoutes(): Array<{ method: string; url: string }> {
  const routes: Array<{ method: string; url: string }> = [];
  const parents: string[] = [];
  for (const line of api.app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^(.*?)[├└]── (\/\S*)(?: \(([A-Z, ]+)\))?$/.exec(line);
    if (!match) continue;
    const depth = [...match[1]!].length / 4;
    const url = (parents[depth - 1] ?? '') + match[2]!;
    parents[depth] = url;
    for (const method of (match[3] ?? '').split(',').map((m) => m.trim()).filter(Boolean)) routes.push({ method, url });
  }
  return routes;
}

function collectRefs(value: unknown, refs: string[] = []): string[] {
  if (Array.isArray(value)) value.forEach((v) => collectRefs(v, refs));
  else if (value !== null && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === '$ref' && typeof v === 'string') refs.push(v);
      else collectRefs(v, refs);
    }
  }
  return refs;
}

describe('GET /api/openapi.json', () => {
  it('serves the document built from the route table', () => {
    expect(doc).toEqual(JSON.parse(JSON.stringify(buildOpenApiDocument())));
  });

  it('describes every route fastify registered, and nothing else', () => {
    const registered = registeredRoutes();
    expect(registered.length).toBe(Object.keys(ROUTES).length);
    for (const { method, url } of registered) {
      const path = url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
      expect(doc.paths[path]?.[method.toLowerCase()], `${method} ${url} is not in the OpenAPI document`).toBeDefined();
    }
    for (const { path, method } of operations()) {
      const url = path.replace(/\{([^}]+)\}/g, ':$1');
      expect(api.app.hasRoute({ method: method.toUpperCase() as 'GET', url }), `${method} ${path} is documented but not served`).toBe(true);
    }
  });

  it('is structurally valid OpenAPI 3.1', () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    const info = doc.info as Record<string, unknown>;
    expect(typeof info.title).toBe('string');
    expect(typeof info.version).toBe('string');
    const schemas = doc.components.schemas;
    expect(schemas.Error).toMatchObject({ type: 'object', required: ['code', 'message'], properties: { code: { type: 'string' }, message: { type: 'string' } } });

    const operationIds = new Set<string>();
    for (const { path, method, op } of operations()) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(path, where).toMatch(/^\//);
      expect(operationIds.has(op.operationId), `${where}: duplicate operationId`).toBe(false);
      operationIds.add(op.operationId);
      expect(op.summary, where).toBeTruthy();

      // Path template variables ↔ required path parameters.
      const templated = [...path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]).sort();
      const inPath = op.parameters.filter((p) => p.in === 'path');
      expect(inPath.map((p) => p.name).sort(), where).toEqual(templated);
      for (const p of inPath) expect(p.required, `${where}: path parameter ${String(p.name)}`).toBe(true);
      for (const p of op.parameters) {
        expect(['path', 'query', 'header', 'cookie'], where).toContain(p.in);
        expect(typeof p.name, where).toBe('string');
        expect(p.schema, `${where}: parameter ${String(p.name)} has no schema`).toBeTypeOf('object');
      }
      const names = op.parameters.map((p) => `${String(p.in)}:${String(p.name)}`);
      expect(new Set(names).size, `${where}: duplicate parameters`).toBe(names.length);

      // Responses: a 200 with a JSON schema, every error answered with the Error schema.
      expect(op.responses['200']?.content, where).toMatchObject({ 'application/json': { schema: expect.any(Object) } });
      for (const [status, response] of Object.entries(op.responses)) {
        expect(status, where).toMatch(/^[1-5]\d\d$/);
        expect(typeof response.description, `${where} ${status}`).toBe('string');
        if (status !== '200') expect(response.content, `${where} ${status}`).toEqual({ 'application/json': { schema: { $ref: '#/components/schemas/Error' } } });
      }
      if (op.responses['503']) expect(op.responses['503'].headers, `${where} 503`).toHaveProperty('Retry-After');
    }

    // Every reference resolves to a component; no fastify-style `Name#` references leak.
    for (const target of collectRefs(doc)) {
      expect(target).toMatch(/^#\/components\/schemas\/[A-Za-z]+$/);
      expect(schemas[target.split('/').pop()!], `${target} does not resolve`).toBeDefined();
    }
    expect(JSON.stringify(doc)).not.toContain('"$id"');

    // Every tag an operation uses is declared (with a description) for the document's readers.
    const declared = new Set((doc.tags as Array<{ name: string; description: string }>).map((t) => t.name));
    for (const { path, method, op } of operations()) {
      for (const tag of op.tags) expect(declared, `${method.toUpperCase()} ${path}: tag ${tag}`).toContain(tag);
    }
  });

  it('documents parameters, formats and limits', () => {
    const spans = doc.paths['/api/v1/spans']!.get as unknown as Operation;
    const param = (name: string) => spans.parameters.find((p) => p.name === name)!;
    expect(param('from').description).toMatch(/RFC 3339.*milliseconds since the Unix epoch/);
    expect(param('limit').schema).toEqual({ type: 'integer', minimum: 1, maximum: 1000, default: 50 });
    expect(param('status').schema).toEqual({ type: 'string', enum: ['unset', 'ok', 'error'] });
    expect(param('minDurationMs').description).toMatch(/milliseconds/);
    expect(param('attributeFilters')).toMatchObject({ in: 'query', style: 'form', explode: true });
    const trace = doc.paths['/api/v1/traces/{traceId}']!.get as unknown as Operation;
    expect(trace.parameters[0]).toMatchObject({ name: 'traceId', in: 'path', schema: { pattern: '^[0-9a-fA-F]{32}$' } });
  });
});

describe('alert, silence, rule and worklist routes', () => {
  const op = (path: string, method: string) => doc.paths[path]?.[method] as unknown as Operation & { requestBody?: { required: boolean; content: Record<string, { schema: Record<string, unknown> }> } };

  it('documents every new path and method', () => {
    const expected: Array<[string, string[]]> = [
      ['/api/v1/alerts', ['get']],
      ['/api/v1/alerts/{id}', ['get']],
      ['/api/v1/alerts/{id}/ack', ['post']],
      ['/api/v1/alerts/{id}/resolve', ['post']],
      ['/api/v1/silences', ['get', 'post']],
      ['/api/v1/silences/{id}', ['get', 'delete']],
      ['/api/v1/rules', ['get']],
      ['/api/v1/rules/test', ['post']],
      ['/api/v1/orders', ['get']],
      ['/api/v1/returns/queues', ['get']],
    ];
    for (const [path, methods] of expected) expect(Object.keys(doc.paths[path] ?? {}).sort(), path).toEqual([...methods].sort());
  });

  it('documents request bodies, the actor header, the CSV export and the new error statuses', () => {
    const ack = op('/api/v1/alerts/{id}/ack', 'post');
    expect(ack.requestBody).toMatchObject({ required: false, content: { 'application/json': { schema: { type: 'object', properties: { actor: { type: 'string' }, comment: { type: 'string' } } } } } });
    expect(ack.parameters).toContainEqual(expect.objectContaining({ name: 'x-ordertrace-actor', in: 'header', required: false }));
    expect(ack.responses['409']!.description).toContain('OT_ERR_INVALID_TRANSITION');
    expect(ack.responses['404']!.description).toContain('OT_ERR_ALERT_NOT_FOUND');
    expect(ack.responses['415']!.description).toContain('OT_ERR_BAD_CONTENT_TYPE');

    const test = op('/api/v1/rules/test', 'post');
    expect(test.requestBody!.required).toBe(true);
    expect(test.requestBody!.content['application/json']!.schema.required).toEqual(['yaml']);
    expect(test.responses['422']!.description).toContain('OT_ERR_RULE_INVALID');
    expect(doc.components.schemas.Error!.properties).toHaveProperty('errors', { type: 'array', items: { $ref: '#/components/schemas/RuleFileError' }, description: expect.any(String) });

    const worklist = op('/api/v1/orders', 'get');
    expect(Object.keys(worklist.responses['200']!.content as object)).toEqual(['application/json', 'text/csv']);
    expect(worklist.parameters.map((p) => p.name)).toEqual(['rule', 'state', 'format', 'limit', 'cursor']);
    expect(op('/api/v1/alerts', 'get').parameters.map((p) => p.name)).toEqual(['rule', 'order', 'state', 'severity', 'from', 'to', 'limit', 'cursor']);
    expect(op('/api/v1/silences/{id}', 'delete').responses['404']!.description).toContain('OT_ERR_SILENCE_NOT_FOUND');
    const journey = doc.components.schemas.OrderJourney!.properties as Record<string, unknown>;
    expect(journey.alerts).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/Alert' } });
    expect(journey.expectedStages).toMatchObject({ type: 'array', items: { $ref: '#/components/schemas/ExpectedStage' } });
  });
});

describe('error codes', () => {
  const sourceCodes = (() => {
    const dir = import.meta.dirname;
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.ts') && !f.endsWith('.test.ts') && !f.startsWith('test-'));
    const codes = new Set<string>();
    for (const file of files) for (const m of readFileSync(join(dir, file), 'utf8').matchAll(/OT_ERR_[A-Z_]+/g)) codes.add(m[0]);
    return [...codes].sort();
  })();

  it('every code the query API uses is defined in core/errors.ts and documented', () => {
    expect(sourceCodes.length).toBeGreaterThan(3);
    const documented = (doc.components.schemas.Error!.properties as Record<string, { enum: string[] }>).code!.enum;
    for (const code of sourceCodes) {
      expect(ErrorCodes, `${code} is not defined in core/errors.ts`).toHaveProperty(code);
      expect(documented, `${code} is not in the OpenAPI document`).toContain(code);
    }
    for (const code of documented) expect(ErrorCodes).toHaveProperty(code);
    expect(documented).toEqual(queryApiErrorCodes());
  });

  it("each route documents its codes under their HTTP status, with the code's meaning", () => {
    for (const route of Object.values(ROUTES)) {
      const op = doc.paths[route.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}')]![route.method.toLowerCase()] as unknown as Operation;
      for (const code of route.errors) {
        const response = op.responses[String(ErrorCodes[code].status)];
        expect(response?.description, `${route.url}: ${code}`).toContain(`${code}: ${ErrorCodes[code].meaning}`);
      }
    }
    expect((doc.info as { description: string }).description).toContain('OT_ERR_NOT_FOUND');
  });
});
