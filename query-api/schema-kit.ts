// Building blocks for the query API's JSON Schemas (schemas.ts, alert-schemas.ts): fastify-style
// `Name#` references and closed objects whose listed properties are all required.

export type JsonSchema = Record<string, unknown>;

/** Page size: default and upper bound. */
export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 1000;

export const ref = (id: string): JsonSchema => ({ $ref: `${id}#` });
export const arrayOf = (id: string): JsonSchema => ({ type: 'array', items: ref(id) });
export const NS = { type: 'string', pattern: '^[0-9]+$', description: 'Nanoseconds since the Unix epoch, as an exact decimal string.' };
export const NS_OR_NULL = { type: ['string', 'null'], pattern: '^[0-9]+$', description: 'Nanoseconds since the Unix epoch (decimal string), or null.' };
export const MS = { type: 'number', description: 'Milliseconds since the Unix epoch.' };
export const MS_OR_NULL = { type: ['number', 'null'], description: 'Milliseconds since the Unix epoch, or null.' };
export const INT = { type: 'integer' };
export const STR = { type: 'string' };
export const STR_OR_NULL = { type: ['string', 'null'] };
export const STRING_MAP = { type: 'object', additionalProperties: { type: 'string' } };
export const NEXT_CURSOR = { type: ['string', 'null'], description: 'Pass back as `cursor` for the next page; null on the last page.' };

/** A closed object: every listed property required, no others. */
export function object(properties: Record<string, JsonSchema>, extra: JsonSchema = {}): JsonSchema {
  return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false, ...extra };
}
