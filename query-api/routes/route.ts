// Turns a route-table entry (schemas.ts) into fastify route options: validation and response schemas.
import { Ajv, type ValidateFunction } from 'ajv';
import type { FastifySchema, FastifySchemaCompiler } from 'fastify';
import { ErrorCodes } from '../../core/errors.ts';
import { badParameter } from '../params.ts';
import type { JsonSchema, RouteSpec } from '../schemas.ts';
import { validationMessage, type AjvError } from '../validation-message.ts';

export function routeOptions(spec: RouteSpec): { method: RouteSpec['method']; url: string; schema: FastifySchema } {
  const response: Record<number, JsonSchema> = { 200: spec.ok };
  for (const code of spec.errors) response[ErrorCodes[code].status] = { $ref: 'Error#' };
  const schema: FastifySchema = { response, summary: spec.summary, description: spec.description, tags: spec.tags, operationId: spec.operationId } as FastifySchema;
  if (spec.params) schema.params = spec.params;
  if (spec.querystring) schema.querystring = spec.querystring;
  if (spec.headers) schema.headers = spec.headers;
  if (spec.body) schema.body = spec.body;
  return { method: spec.method, url: spec.url, schema };
}

type Parse = (raw: Record<string, unknown>) => unknown;

/**
 * fastify's default Ajv coerces types and silently drops unknown properties; this one does neither, so
 * `{"actor": 5}` or a misspelt body field is a 400 naming it instead of being guessed at.
 */
const strictAjv = new Ajv({ allErrors: false, strict: false, useDefaults: true, coerceTypes: false, removeAdditional: false });

/**
 * A validator compiler for routes: request parts with a pure parser (params.ts) run it, for rules JSON
 * Schema cannot express (timestamps in two formats, ms → ns) — the parsed value replaces the raw one;
 * every other part is checked by the strict Ajv. An absent part (no body) counts as {}.
 */
export function validatorFor(parsers: Partial<Record<'params' | 'querystring' | 'body' | 'headers', Parse>> = {}): FastifySchemaCompiler<unknown> {
  return ({ schema, httpPart }) => {
    const part = (httpPart ?? 'body') as keyof typeof parsers;
    const parse = parsers[part];
    const check: ValidateFunction | null = parse ? null : strictAjv.compile(schema as JsonSchema);
    return (data: unknown) => {
      const raw = (data ?? {}) as Record<string, unknown>;
      try {
        if (parse) return { value: parse(raw) };
      } catch (error) {
        return { error: error as Error };
      }
      if (check!(raw)) return { value: raw };
      return { error: badParameter(validationMessage(check!.errors as AjvError[], part, raw)) };
    };
  };
}

/** Query-string parsing by a pure parser, for the search routes. */
export function parserCompiler(parse: Parse): FastifySchemaCompiler<unknown> {
  return validatorFor({ querystring: parse });
}
