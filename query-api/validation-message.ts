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

/** `traceId must be 32 hexadecimal characters, got "xyz"`; `part` is 'params', 'querystring', … */
export function validationMessage(errors: AjvError[], part: string | undefined, input: unknown): string {
  const error = errors[0];
  if (!error) return `invalid ${part ?? 'request'}`;
  const where = part === 'params' ? 'path parameter' : part === 'querystring' ? 'query parameter' : (part ?? 'request');
  if (error.keyword === 'additionalProperties') return `unknown ${where} "${error.params.additionalProperty as string}"`;
  if (error.keyword === 'required') return `${where} ${error.params.missingProperty as string} is required`;
  const name = error.instancePath.replace(/^\//, '').replaceAll('/', '.') || where;
  const value = error.instancePath && input !== null && typeof input === 'object' ? (input as Record<string, unknown>)[error.instancePath.slice(1).split('/')[0]!] : undefined;
  return `${name} ${requirement(error)}${value === undefined ? '' : `, got ${show(value)}`}`;
}
