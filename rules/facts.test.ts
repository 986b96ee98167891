import { describe, expect, it } from 'vitest';
import { decodeLogsJson } from '../core/otlp/json-logs.ts';
import { decodeTracesJson } from '../core/otlp/json-traces.ts';
import { deriveOrderEvents } from '../core/otlp/order-events.ts';
import { extractFacts, nsToMs, spanRef } from './facts.ts';
import type { SignalFact } from './model.ts';
import { T0 } from './test-kit.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';
const ns = (ms: number) => `${ms}000000`;
const str = (key: string, value: string) => ({ key, value: { stringValue: value } });

// OTLP/JSON as a subsystem sends it, mapped by the collector's decoders: facts come from the real model.
const traces = JSON.stringify({
  resourceSpans: [
    {
      resource: { attributes: [str('service.name', 'inventory')] },
      scopeSpans: [
        {
          spans: [
            {
              traceId: TRACE, spanId: 'eee19b7ec3c1b174', name: 'reserve stock', kind: 1,
              startTimeUnixNano: ns(T0), endTimeUnixNano: ns(T0 + 250),
              attributes: [str('order.id', 'ORD-1'), str('order.event', 'inventory.locked'), str('order.status', 'RESERVED')],
              status: { code: 2, message: 'deduction failed' },
              events: [
                { name: 'exception', timeUnixNano: ns(T0 + 10), attributes: [str('exception.message', 'row locked by tx 42')] },
                { name: 'retry', timeUnixNano: ns(T0 + 20), attributes: [str('exception.message', 'not an exception event')] },
              ],
            },
            {
              traceId: TRACE, spanId: '0000000000000002', name: 'orders.fulfil publish', kind: 4,
              startTimeUnixNano: ns(T0 + 300), endTimeUnixNano: ns(T0 + 310),
              attributes: [str('order.id', 'ORD-1'), str('messaging.message.id', 'msg-7'), str('messaging.destination.name', 'orders.fulfil')],
            },
            {
              traceId: TRACE, spanId: '0000000000000003', parentSpanId: '0000000000000002', name: 'orders.fulfil process', kind: 5,
              startTimeUnixNano: ns(T0 + 900), endTimeUnixNano: ns(T0 + 950),
              links: [{ traceId: 'ab'.repeat(16), spanId: '1111111111111111' }],
            },
            { traceId: TRACE, spanId: '0000000000000004', name: 'no order', kind: 1, startTimeUnixNano: ns(T0), endTimeUnixNano: ns(T0 + 1) },
          ],
        },
      ],
    },
  ],
});

const logs = JSON.stringify({
  resourceLogs: [
    {
      resource: { attributes: [str('service.name', 'wms'), str('order.id', 'ORD-1')] },
      scopeLogs: [
        {
          logRecords: [
            { timeUnixNano: ns(T0 + 5), severityNumber: 17, body: { stringValue: 'pick list failed' } },
            { timeUnixNano: '0', observedTimeUnixNano: ns(T0 + 7), severityNumber: 9, body: { kvlistValue: { values: [str('msg', 'ok')] } } },
          ],
        },
      ],
    },
  ],
});

describe('extractFacts', () => {
  const spans = decodeTracesJson(traces, T0).items;
  const logRecords = decodeLogsJson(logs, T0).items;
  const events = deriveOrderEvents(spans, logRecords, { spanNameEvents: [], keyAttributes: [] });
  const facts = extractFacts(events, spans, logRecords);

  it('maps order events with times in ms', () => {
    expect(facts.filter((f) => f.type === 'event')).toEqual([
      {
        type: 'event', eventId: events[0]!.eventId, orderId: 'ORD-1', event: 'inventory.locked', system: 'inventory',
        timeMs: T0 + 250, status: 'RESERVED', traceId: TRACE, spanId: 'eee19b7ec3c1b174', attributes: { 'order.status': 'RESERVED' },
      },
    ]);
  });

  it('maps spans: error status, searchable text with exception messages, messaging fields', () => {
    const spanFacts = facts.filter((f): f is SignalFact => f.type === 'span');
    expect(spanFacts.map((f) => f.id)).toEqual([spanRef(TRACE, 'eee19b7ec3c1b174'), spanRef(TRACE, '0000000000000002'), spanRef(TRACE, '0000000000000003')]);
    expect(spanFacts[0]).toMatchObject({ orderId: 'ORD-1', service: 'inventory', timeMs: T0, isError: true, text: 'reserve stock deduction failed row locked by tx 42', kind: 1 });
    expect(spanFacts[1]).toMatchObject({ kind: 4, messageId: 'msg-7', destination: 'orders.fulfil', isError: false });
    expect(spanFacts[1]).not.toHaveProperty('producerRefs');
    // The consumer has no order: kept for its message links (link first, then its parent).
    expect(spanFacts[2]).toMatchObject({ orderId: '', kind: 5, producerRefs: [spanRef('ab'.repeat(16), '1111111111111111'), spanRef(TRACE, '0000000000000002')] });
  });

  it('maps logs: error from severity ≥ 17, body as text, observed time when the time is unset', () => {
    const logFacts = facts.filter((f): f is SignalFact => f.type === 'log');
    expect(logFacts.map((f) => [f.isError, f.text, f.timeMs, f.service, f.id])).toEqual([
      [true, 'pick list failed', T0 + 5, 'wms', logRecords[0]!.logId],
      [false, '{"msg":"ok"}', T0 + 7, 'wms', logRecords[1]!.logId],
    ]);
  });

  it('nsToMs keeps 19-digit timestamps exact', () => {
    expect(nsToMs('1772445600123999999')).toBe(1772445600123);
    expect(nsToMs('999')).toBe(0);
  });
});
