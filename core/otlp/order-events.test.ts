import { describe, expect, it } from 'vitest';
import type { LogRecord, Span } from '../model.ts';
import { decodeLogsJson, decodeTracesJson, deriveOrderEvents, type SpanNameEventRule } from './index.ts';
import { NOW_MS } from './test/helpers.ts';

const TRACE = '5b8efff798038103d269b633813fc60c';

type Attr = [string, Record<string, unknown>];
const s = (v: string): Record<string, unknown> => ({ stringValue: v });

function spans(list: Array<{ spanId: string; name: string; attrs: Attr[]; service?: string; resAttrs?: Attr[] }>): Span[] {
  const text = JSON.stringify({
    resourceSpans: list.map((x) => ({
      resource: {
        attributes: [...(x.service ? [{ key: 'service.name', value: s(x.service) }] : []), ...(x.resAttrs ?? []).map(([key, value]) => ({ key, value }))],
      },
      scopeSpans: [
        {
          spans: [
            {
              traceId: TRACE,
              spanId: x.spanId,
              name: x.name,
              startTimeUnixNano: '1700000000000000000',
              endTimeUnixNano: '1700000000500000000',
              attributes: x.attrs.map(([key, value]) => ({ key, value })),
            },
          ],
        },
      ],
    })),
  });
  const r = decodeTracesJson(text, NOW_MS);
  expect(r.errors).toEqual([]);
  return r.items;
}

function logs(attrs: Attr[], resAttrs: Attr[] = []): LogRecord[] {
  const text = JSON.stringify({
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: s('wms') }, ...resAttrs.map(([key, value]) => ({ key, value }))] },
        scopeLogs: [{ logRecords: [{ timeUnixNano: '1700000000700000000', traceId: TRACE, spanId: '1111111111111111', attributes: attrs.map(([key, value]) => ({ key, value })) }] }],
      },
    ],
  });
  return decodeLogsJson(text, NOW_MS).items;
}

const noRules = { spanNameEvents: [], keyAttributes: [] };

describe('deriveOrderEvents', () => {
  it('derives an event from a span with order.event, at the span end time', () => {
    const sp = spans([
      {
        spanId: 'aaaaaaaaaaaaaaaa',
        name: 'charge',
        service: 'payment-gw',
        attrs: [
          ['order.id', s('ORD-1')],
          ['order.event', s('payment.succeeded')],
          ['order.status', s('PAID')],
          ['payment.reference', s('PAY-9')],
          ['payment.amount', { doubleValue: 12.5 }],
          ['return.count', { intValue: '2' }],
          ['shipment.ok', { boolValue: true }],
          ['customer.tier', s('gold')],
          ['http.method', s('POST')],
        ],
      },
    ]);
    expect(deriveOrderEvents(sp, [], { spanNameEvents: [], keyAttributes: ['customer.tier'] })).toEqual([
      {
        eventId: `span:${TRACE}:aaaaaaaaaaaaaaaa:payment.succeeded`,
        orderId: 'ORD-1',
        type: 'payment.succeeded',
        system: 'payment-gw',
        timeUnixNano: '1700000000500000000',
        status: 'PAID',
        traceId: TRACE,
        spanId: 'aaaaaaaaaaaaaaaa',
        source: 'span',
        attributes: {
          'order.status': 'PAID',
          'payment.reference': 'PAY-9',
          'payment.amount': '12.5',
          'return.count': '2',
          'shipment.ok': 'true',
          'customer.tier': 'gold',
        },
      },
    ]);
  });

  it('uses order.system over the service, and the resource order.id', () => {
    const sp = spans([
      { spanId: 'aaaaaaaaaaaaaaaa', name: 'x', service: 'svc', resAttrs: [['order.id', s('ORD-R')]], attrs: [['order.event', s('package.packed')], ['order.system', s('WMS')]] },
    ]);
    const [e] = deriveOrderEvents(sp, [], noRules);
    expect(e).toMatchObject({ orderId: 'ORD-R', system: 'WMS', status: '', type: 'package.packed' });
  });

  it('ignores spans without an order ID, without an event, or with order.event only on the resource', () => {
    const sp = spans([
      { spanId: 'aaaaaaaaaaaaaaaa', name: 'a', attrs: [['order.event', s('order.created')]] },
      { spanId: 'bbbbbbbbbbbbbbbb', name: 'b', attrs: [['order.id', s('ORD-1')]] },
      { spanId: 'cccccccccccccccc', name: 'c', resAttrs: [['order.event', s('order.created')]], attrs: [['order.id', s('ORD-1')]] },
      { spanId: 'dddddddddddddddd', name: 'd', attrs: [['order.id', s('ORD-1')], ['order.event', { intValue: '3' }]] },
    ]);
    expect(deriveOrderEvents(sp, [], noRules)).toEqual([]);
  });

  it('maps span names to events by rule (optionally per service), order.event taking precedence', () => {
    const rules: SpanNameEventRule[] = [
      { spanName: 'tms.pickup', event: 'carrier.picked_up' },
      { spanName: 'wms.pack', service: 'wms', event: 'package.packed' },
    ];
    const sp = spans([
      { spanId: 'aaaaaaaaaaaaaaaa', name: 'tms.pickup', service: 'tms', attrs: [['order.id', s('ORD-1')]] },
      { spanId: 'bbbbbbbbbbbbbbbb', name: 'wms.pack', service: 'wms', attrs: [['order.id', s('ORD-1')]] },
      { spanId: 'cccccccccccccccc', name: 'wms.pack', service: 'other', attrs: [['order.id', s('ORD-1')]] },
      { spanId: 'dddddddddddddddd', name: 'tms.pickup', attrs: [] },
      { spanId: 'eeeeeeeeeeeeeeee', name: 'tms.pickup', attrs: [['order.id', s('ORD-2')], ['order.event', s('delivery.signed')]] },
    ]);
    expect(deriveOrderEvents(sp, [], { spanNameEvents: rules, keyAttributes: [] }).map((e) => [e.spanId, e.type, e.system])).toEqual([
      ['aaaaaaaaaaaaaaaa', 'carrier.picked_up', 'tms'],
      ['bbbbbbbbbbbbbbbb', 'package.packed', 'wms'],
      ['eeeeeeeeeeeeeeee', 'delivery.signed', 'unknown_service'],
    ]);
  });

  it('derives an event from a log record with order.event, at the log time, with a stable ID', () => {
    const lg = logs([['order.event', s('return.received')], ['return.id', s('RET-1')], ['order.status', s('RETURNING')]], [['order.id', s('ORD-5')]]);
    const events = deriveOrderEvents([], lg, noRules);
    expect(events).toEqual([
      {
        eventId: `log:${lg[0]!.logId}`,
        orderId: 'ORD-5',
        type: 'return.received',
        system: 'wms',
        timeUnixNano: '1700000000700000000',
        status: 'RETURNING',
        traceId: TRACE,
        spanId: '1111111111111111',
        source: 'log',
        attributes: { 'return.id': 'RET-1', 'order.status': 'RETURNING' },
      },
    ]);
    expect(deriveOrderEvents([], logs([['order.event', s('return.received')], ['return.id', s('RET-1')], ['order.status', s('RETURNING')]], [['order.id', s('ORD-5')]]), noRules)[0]!.eventId).toBe(
      events[0]!.eventId,
    );
  });

  it('ignores logs without order.id or order.event', () => {
    expect(deriveOrderEvents([], [...logs([['order.event', s('x')]]), ...logs([['order.id', s('ORD-1')]])], noRules)).toEqual([]);
  });

  it('stringifies structured attribute values', () => {
    const sp = spans([
      {
        spanId: 'aaaaaaaaaaaaaaaa',
        name: 'x',
        attrs: [
          ['order.id', s('ORD-1')],
          ['order.event', s('e')],
          ['shipment.ids', { arrayValue: { values: [s('S1'), s('S2')] } }],
          ['shipment.meta', { kvlistValue: { values: [{ key: 'k', value: s('v') }] } }],
          ['shipment.blob', { bytesValue: 'AQI=' }],
          ['shipment.none', {}],
        ],
      },
    ]);
    expect(deriveOrderEvents(sp, [], noRules)[0]!.attributes).toEqual({
      'shipment.ids': '["S1","S2"]',
      'shipment.meta': '{"k":"v"}',
      'shipment.blob': 'AQI=',
      'shipment.none': '',
    });
  });
});
