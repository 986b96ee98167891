// POST /v1/events: plain-JSON order events from systems without OpenTelemetry.
// Parsing and validation are pure; a request is accepted whole or rejected whole (400 listing
// every invalid event), so a client never has to guess which of its events were kept.
import { createHash } from 'node:crypto';
import { Ajv } from 'ajv';
import { OrdertraceError } from '../core/errors.ts';
import type { OrderEvent } from '../core/model.ts';

export const orderEventInputSchema = {
  $id: 'OrderEventInput',
  type: 'object',
  required: ['orderId', 'type', 'time'],
  additionalProperties: false,
  properties: {
    eventId: { type: 'string', minLength: 1, maxLength: 256, description: 'Idempotency key: the same eventId is stored once.' },
    orderId: { type: 'string', minLength: 1, maxLength: 256 },
    type: { type: 'string', minLength: 1, maxLength: 256, description: 'Milestone, e.g. payment.succeeded.' },
    system: { type: 'string', minLength: 1, maxLength: 256, description: "Emitting system; defaults to 'unknown'." },
    time: {
      description: 'RFC 3339 timestamp (fractional seconds up to nanoseconds) or milliseconds since the epoch.',
      oneOf: [{ type: 'string', minLength: 1 }, { type: 'number' }],
    },
    traceId: { type: 'string', pattern: '^[0-9a-fA-F]{32}$' },
    spanId: { type: 'string', pattern: '^[0-9a-fA-F]{16}$' },
    status: { type: 'string', maxLength: 256, description: 'order.status as this system sees it.' },
    attributes: {
      type: 'object',
      description: 'Business keys and other attributes (return.id, shipment.id, …); values are kept as strings.',
      additionalProperties: { type: ['string', 'number', 'boolean'] },
    },
  },
} as const;

const validate = new Ajv({ allErrors: true, strict: false }).compile(orderEventInputSchema);

const MAX_FUTURE_MS = 24 * 3600 * 1000;
const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/i;

/** Converts an RFC 3339 string or epoch milliseconds to exact epoch nanoseconds, or null. */
export function toUnixNano(time: string | number): string | null {
  if (typeof time === 'number') {
    if (!Number.isFinite(time) || time <= 0) return null;
    return (BigInt(Math.round(time * 1000)) * 1000n).toString();
  }
  const match = RFC3339.exec(time.trim());
  if (!match) return null;
  const seconds = Date.parse(`${match[1]}${match[3]}`);
  if (Number.isNaN(seconds)) return null;
  const fraction = BigInt((match[2] ?? '').padEnd(9, '0'));
  return (BigInt(seconds) * 1_000_000n + fraction).toString();
}

/** Splits a body into event objects: a JSON array, a single object, or NDJSON (one per line). */
export function parseEventsBody(text: string, ndjson: boolean): unknown[] {
  if (ndjson) {
    return text.split('\n').flatMap((line, i) => {
      if (line.trim() === '') return [];
      try {
        return [JSON.parse(line)];
      } catch (error) {
        throw new OrdertraceError('OT_ERR_DECODE', `line ${i + 1} is not valid JSON: ${(error as Error).message}`);
      }
    });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OrdertraceError('OT_ERR_DECODE', `body is not valid JSON: ${(error as Error).message}`);
  }
  return Array.isArray(parsed) ? parsed : [parsed];
}

type Input = {
  eventId?: string; orderId: string; type: string; system?: string; time: string | number;
  traceId?: string; spanId?: string; status?: string; attributes?: Record<string, string | number | boolean>;
};

function contentId(e: Input, timeNs: string): string {
  return 'api:' + createHash('sha256').update(JSON.stringify([e.orderId, e.type, e.system ?? '', timeNs, e.status ?? ''])).digest('hex').slice(0, 32);
}

/** Validates every event and maps them to OrderEvents; throws OT_ERR_INVALID_EVENT listing all problems. */
export function toOrderEvents(inputs: unknown[], nowMs: number): OrderEvent[] {
  if (inputs.length === 0) throw new OrdertraceError('OT_ERR_INVALID_EVENT', 'no events in the body');
  const problems: string[] = [];
  const events: OrderEvent[] = [];
  inputs.forEach((raw, i) => {
    if (!validate(raw)) {
      for (const err of validate.errors ?? []) problems.push(`event ${i}${err.instancePath.replaceAll('/', '.')}: ${err.message}`);
      return;
    }
    const input = raw as Input;
    const timeNs = toUnixNano(input.time);
    if (timeNs === null) {
      problems.push(`event ${i}.time: must be an RFC 3339 timestamp or positive epoch milliseconds, got ${JSON.stringify(input.time)}`);
      return;
    }
    if (BigInt(timeNs) > BigInt(nowMs + MAX_FUTURE_MS) * 1_000_000n) {
      problems.push(`event ${i}.time: more than 24 h in the future`);
      return;
    }
    const attributes: Record<string, string> = {};
    for (const [k, v] of Object.entries(input.attributes ?? {})) attributes[k] = String(v);
    events.push({
      eventId: input.eventId ?? contentId(input, timeNs),
      orderId: input.orderId,
      type: input.type,
      system: input.system ?? 'unknown',
      timeUnixNano: timeNs,
      status: input.status ?? '',
      traceId: input.traceId?.toLowerCase() ?? '',
      spanId: input.spanId?.toLowerCase() ?? '',
      source: 'api',
      attributes,
    });
  });
  if (problems.length > 0) {
    const shown = problems.slice(0, 20);
    const more = problems.length > shown.length ? `; and ${problems.length - shown.length} more` : '';
    throw new OrdertraceError('OT_ERR_INVALID_EVENT', `${problems.length} problem(s), nothing stored: ${shown.join('; ')}${more}`);
  }
  return events;
}
