// Turns Ajv validation errors (fastify's error.validation) into one sentence naming the parameter,
// what it must be, and the value received.
import { PATTERN_MEANINGS } from './schemas.ts';

export interface AjvError {
  keyword: string;
  instancePath: string;
  params: Record<string, unknown>;
  message?: string;
}

/** JSON form of a client value, cut short so a huge input does not flood the response. */
export function show(value: unknown, max = 120): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

function requirement(error: AjvError): string {
  const p = error.params;
  switch (error.keyword) {
    case 'pattern':
      return `must be ${PATTERN_MEANINGS[p.pattern as string] ?? `a match for ${p.pattern as string}`}`;
    case 'minLength':
      return p.limit === 1 ? 'must not be empty' : `must be at least ${p.limit as number} characters`;
    case 'maxLength':
      return `must be at most ${p.limit as number} characters`;
    case 'type':
      return `must be ${p.type as string}`;
    case 'enum':
      return `must be one of ${(p.allowedValues as unknown[]).join(', ')}`;
    default:
      return error.message ?? 'is invalid';
  }
}

const PART_NAMES: Record<string, string> = { params: 'path parameter', querystring: 'query parameter', body: 'body field', headers: 'header' };

/** The value at an Ajv instancePath (`/matchers/team`) of the input. */
function valueAt(input: unknown, instancePath: string): unknown {
  let value = input;
  for (const segment of instancePath.split('/').slice(1)) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[segment.replaceAll('~1', '/').replaceAll('~0', '~')];
  }
  return value;
}

/** `traceId must be 32 hexadecimal characters, got "xyz"`; `part` is 'params', 'querystring', 'body', … */
export function validationMessage(errors: AjvError[], part: string | undefined, input: unknown): string {
  const error = errors[0];
  if (!error) return `invalid ${part ?? 'request'}`;
  const where = PART_NAMES[part ?? ''] ?? part ?? 'request';
  const parent = error.instancePath.replace(/^\//, '').replaceAll('/', '.');
  const prefix = parent ? `${parent}.` : '';
  if (error.keyword === 'additionalProperties') return `unknown ${where} "${prefix}${error.params.additionalProperty as string}"`;
  if (error.keyword === 'required') return `${where} ${prefix}${error.params.missingProperty as string} is required`;
  const name = parent || (part === 'body' ? 'the body' : where);
  const value = error.instancePath ? valueAt(input, error.instancePath) : part === 'body' ? input : undefined;
  return `${name} ${requirement(error)}${value === undefined ? '' : `, got ${show(value)}`}`;
}
