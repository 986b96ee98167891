// Turns a route-table entry (schemas.ts) into fastify route options: validation and response schemas.
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { ErrorCodes } from '../../core/errors.ts';
import type { JsonSchema, RouteSpec } from '../schemas.ts';

export function routeOptions(spec: RouteSpec): { method: RouteSpec['method']; url: string; schema: FastifySchema } {
  const response: Record<number, JsonSchema> = { 200: spec.ok };
  for (const code of spec.errors) response[ErrorCodes[code].status] = { $ref: 'Error#' };
  const schema: FastifySchema = { response, summary: spec.summary, description: spec.description, tags: spec.tags, operationId: spec.operationId } as FastifySchema;
  if (spec.params) schema.params = spec.params;
  if (spec.querystring) schema.querystring = spec.querystring;
  return { method: spec.method, url: spec.url, schema };
}

/**
 * A validator compiler that runs a pure parser (params.ts) instead of Ajv: for parameters whose rules
 * JSON Schema cannot express (timestamps in two formats, ms → ns). The parsed value replaces the raw one.
 */
export function parserCompiler(parse: (raw: Record<string, unknown>) => unknown): FastifySchemaCompiler<unknown> {
  return () => (data: unknown) => {
    try {
      return { value: parse((data ?? {}) as Record<string, unknown>) };
    } catch (error) {
      return { error: error as Error };
    }
  };
}
