import { describe, expect, it } from 'vitest';
import { SpanKind } from '../../core/model.ts';
import { event, Harness, MIN, ruleSet, span, stalledRule, T0 } from '../test-kit.ts';

const rule = stalledRule(); // 5 min, no grace
const produced = (orderId: string, timeMs: number, messageId = 'msg-1') =>
  span(orderId, timeMs, { kind: SpanKind.PRODUCER, messageId, destination: 'orders.fulfil', service: 'oms', text: 'orders.fulfil publish' });

describe('stalled_queue rule', () => {
  it('a produced message never consumed raises an alert scoped to the message, with its destination', () => {
    const h = new Harness(ruleSet([rule]));
    const p = produced('ORD-1', T0);
    h.ingest([p], T0);
    h.advance(T0 + 5 * MIN);
    const alert = h.only('ORD-1');
    expect(alert).toMatchObject({ scope: 'msg-1', dueMs: T0 + 5 * MIN, state: 'firing', details: { destination: 'orders.fulfil', messageId: 'msg-1' } });
    expect(alert.summary).toBe('Message msg-1 to orders.fulfil not consumed within 5m');
    expect(alert.evidence[0]).toMatchObject({ kind: 'span', spanId: p.spanId });
  });

  it('a consumer with the same message ID closes it; a late consumer resolves the alert', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([produced('ORD-1', T0), produced('ORD-2', T0, 'msg-2')], T0);
    h.ingest([span('ORD-1', T0 + MIN, { kind: SpanKind.CONSUMER, messageId: 'msg-1', producerRefs: [] })], T0 + MIN);
    h.advance(T0 + 6 * MIN);
    expect(h.alertsOf('ORD-1')).toEqual([]);
    h.ingest([span('ORD-2', T0 + 7 * MIN, { kind: SpanKind.CONSUMER, messageId: 'msg-2', producerRefs: [] })], T0 + 7 * MIN);
    expect(h.only('ORD-2')).toMatchObject({ state: 'resolved', resolution: 'closed', details: { consumedAt: new Date(T0 + 7 * MIN).toISOString() } });
  });

  it('a consumer without order ID or message ID is matched by its link to the producer span', () => {
    const h = new Harness(ruleSet([rule]));
    const p = produced('ORD-1', T0);
    h.ingest([p], T0);
    h.ingest([span('', T0 + 2 * MIN, { kind: SpanKind.CONSUMER, producerRefs: [p.id] })], T0 + 2 * MIN);
    h.advance(T0 + 10 * MIN);
    expect(h.alerts.size).toBe(0);
    expect(h.engine.pendingTimers()).toBe(0);
  });

  it('a consumption that arrives before its production closes the deadline at once', () => {
    const h = new Harness(ruleSet([rule]));
    h.ingest([span('ORD-1', T0 + MIN, { kind: SpanKind.CONSUMER, messageId: 'msg-1', producerRefs: [] })], T0 + MIN);
    h.ingest([produced('ORD-1', T0)], T0 + 2 * MIN);
    h.advance(T0 + 10 * MIN);
    expect(h.alerts.size).toBe(0);
  });

  it('producedEvent / consumedEvent stand in for systems without messaging spans', () => {
    const h = new Harness(ruleSet([stalledRule({ producedEvent: 'fulfilment.requested', consumedEvent: 'fulfilment.accepted' })]));
    const attrs = { attributes: { 'messaging.message.id': 'm-9', 'messaging.destination.name': 'wms-in' } };
    h.ingest([event('ORD-1', 'fulfilment.requested', T0, attrs)], T0);
    h.advance(T0 + 5 * MIN);
    expect(h.only('ORD-1')).toMatchObject({ scope: 'm-9', details: { destination: 'wms-in' }, state: 'firing' });
    h.ingest([event('ORD-1', 'fulfilment.accepted', T0 + 4 * MIN, { attributes: { 'messaging.message.id': 'm-9' } })], T0 + 8 * MIN);
    expect(h.only('ORD-1')).toMatchObject({ state: 'resolved', resolution: 'reported_late' });
  });
});
