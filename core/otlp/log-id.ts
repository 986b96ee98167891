// LogRecord.logId: a content hash, so the same record sent twice (an exporter retry, a replay)
// gets the same ID and the store can de-duplicate it.

import { hash } from 'node:crypto';
import type { AnyValue, Attributes, LogRecord } from '../model.ts';

/**
 * A canonical, unambiguous text form of a value: a type letter, then length-prefixed content
 * (no escaping needed), with map keys sorted so attribute order does not matter.
 *   string s<len>:<text>   double d<number>;   bool T|F   empty N   int i<decimal>;
 *   bytes b<len>:<base64>  array a<n>[…]       kvlist k<attributes>
 *   attributes m<n>{<key as string><value>…} (keys sorted)
 */
export function canonicalValue(v: AnyValue): string {
  switch (typeof v) {
    case 'string':
      return 's' + v.length + ':' + v;
    case 'number':
      return 'd' + v + ';';
    case 'boolean':
      return v ? 'T' : 'F';
  }
  if (v === null) return 'N';
  if (Array.isArray(v)) {
    let s = 'a' + v.length + '[';
    for (const item of v) s += canonicalValue(item);
    return s + ']';
  }
  if ('int' in v) return 'i' + v.int + ';';
  if ('bytes' in v) return 'b' + v.bytes.length + ':' + v.bytes;
  return 'k' + canonicalAttributes(v.kv);
}

export function canonicalAttributes(attrs: Attributes): string {
  const keys = Object.keys(attrs);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      keys.sort();
      break;
    }
  }
  let s = 'm' + keys.length + '{';
  for (const k of keys) s += 's' + k.length + ':' + k + canonicalValue(attrs[k]!);
  return s + '}';
}

/**
 * sha256 (hex, first 32 characters) over time, observed time, trace/span ID, severity, event name,
 * service, body and attributes.
 */
export function computeLogId(log: Omit<LogRecord, 'logId'>): string {
  const text =
    canonicalValue(log.timeUnixNano) +
    canonicalValue(log.observedTimeUnixNano) +
    canonicalValue(log.traceId) +
    canonicalValue(log.spanId) +
    canonicalValue(log.severityNumber) +
    canonicalValue(log.severityText) +
    canonicalValue(log.eventName) +
    canonicalValue(log.service) +
    canonicalValue(log.body) +
    canonicalAttributes(log.attributes);
  return hash('sha256', text, 'hex').slice(0, 32);
}
