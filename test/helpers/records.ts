// Model records for tests, complete with every field: override what the test is about.
import { randomBytes } from 'node:crypto';
import type { LogRecord, Span } from '../../core/model.ts';

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
export const nsOf = (ms: number): string => (BigInt(Math.round(ms)) * 1_000_000n).toString();

export function spanRecord(over: Partial<Span> & { startMs?: number; durationMs?: number } = {}): Span {
  const { startMs = Date.now(), durationMs = 5, ...rest } = over;
  const service = rest.service ?? 'shop';
  return {
    traceId: hex(16), spanId: hex(8), parentSpanId: '', traceState: '', name: 'operation', kind: 1,
    startTimeUnixNano: nsOf(startMs), endTimeUnixNano: nsOf(startMs + durationMs),
    attributes: {}, droppedAttributesCount: 0, events: [], droppedEventsCount: 0, links: [], droppedLinksCount: 0,
    status: { code: 0, message: '' }, flags: 1, service,
    resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...rest,
  };
}

export function logRecord(over: Partial<LogRecord> & { atMs?: number } = {}): LogRecord {
  const { atMs = Date.now(), ...rest } = over;
  const service = rest.service ?? 'shop';
  return {
    logId: hex(16), timeUnixNano: nsOf(atMs), observedTimeUnixNano: nsOf(atMs), severityNumber: 9, severityText: 'INFO', body: 'hello',
    attributes: {}, droppedAttributesCount: 0, flags: 0, traceId: '', spanId: '', eventName: '', service,
    resource: { attributes: { 'service.name': service }, droppedAttributesCount: 0 },
    scope: { name: 'test', version: '', attributes: {}, droppedAttributesCount: 0 },
    orderId: '',
    ...rest,
  };
}
