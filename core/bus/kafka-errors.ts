// kafkajs errors → what the bus tells its callers. Every failure to reach or write to Kafka becomes an
// UnavailableError (HTTP 503 with Retry-After at the collector); only a programming error (bad
// arguments) is thrown as is. kafkajs is CommonJS and its error classes are not reliably importable as
// named ES exports, so errors are classified by their `name` and protocol `type`, never by instanceof.
import { UnavailableError } from '../errors.ts';

interface KafkaJsErrorShape {
  name?: unknown;
  message?: unknown;
  type?: unknown;
  retriable?: unknown;
  cause?: unknown;
  originalError?: unknown;
  errors?: unknown;
}

function shape(error: unknown): KafkaJsErrorShape {
  return typeof error === 'object' && error !== null ? (error as KafkaJsErrorShape) : {};
}

/** The protocol error type (e.g. 'NOT_ENOUGH_REPLICAS') of a kafkajs error or of the error it wraps. */
export function kafkaErrorType(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 5; depth += 1) {
    const { type, originalError, cause } = shape(current);
    if (typeof type === 'string') return type;
    current = originalError ?? cause;
  }
  return undefined;
}

/** One line for logs and error messages: the error's name, protocol type and message, following wrapped causes. */
export function describeKafkaError(error: unknown): string {
  const parts: string[] = [];
  const seen = new Set<unknown>();
  let lastText = '';
  for (let current: unknown = error, depth = 0; current !== undefined && current !== null && depth < 4; depth += 1) {
    if (typeof current !== 'object') {
      parts.push(String(current));
      break;
    }
    if (seen.has(current)) break;
    seen.add(current);
    const { name, message, type, originalError, cause, errors } = shape(current);
    const label = `${typeof name === 'string' ? name : 'Error'}${typeof type === 'string' ? `[${type}]` : ''}`;
    const text = typeof message === 'string' ? message : '';
    // Wrappers (KafkaJSNumberOfRetriesExceeded, …) repeat the message of the error they wrap.
    parts.push(text && text !== lastText ? `${label}: ${text}` : label);
    lastText = text;
    if (Array.isArray(errors) && errors.length > 0) {
      parts.push(`(${errors.map((e) => describeKafkaError(e)).join('; ')})`);
      break;
    }
    current = originalError ?? cause;
  }
  return parts.join(' <- ');
}

/**
 * Errors that mean "this member's view of the group is out of date": kafkajs rejoins the group when
 * one of them escapes eachBatch (it checks the same types, plus UNKNOWN_MEMBER_ID separately).
 */
export function isRebalanceError(error: unknown): boolean {
  const type = shape(error).type;
  return (
    type === 'REBALANCE_IN_PROGRESS' ||
    type === 'ILLEGAL_GENERATION' ||
    type === 'UNKNOWN_MEMBER_ID' ||
    type === 'NOT_COORDINATOR_FOR_GROUP' ||
    type === 'FENCED_INSTANCE_ID'
  );
}

/** A bus failure the caller may retry later (503 + Retry-After). Keeps the original error as `cause`. */
export function toUnavailable(error: unknown, context: string, retryAfterSeconds = 5): UnavailableError {
  if (error instanceof UnavailableError) return error;
  const unavailable = new UnavailableError(`${context}: ${describeKafkaError(error)}`, retryAfterSeconds);
  unavailable.cause = error;
  return unavailable;
}
