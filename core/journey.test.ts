import { describe, expect, it } from 'vitest';
import { computeJourney } from './journey.ts';
import type { OrderEvent } from './model.ts';
import { DEFAULT_STAGES } from './stages.ts';

const T0 = Date.parse('2026-11-20T10:00:00Z');
const MIN = 60_000;
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

function event(type: string, atMin: number, extra: Partial<OrderEvent> = {}): OrderEvent {
  return {
    eventId: `${type}@${atMin}${extra.attributes?.['shipment.id'] ?? ''}`,
    orderId: 'ORD-1', type, system: 'shop', timeUnixNano: ns(T0 + atMin * MIN), status: '', traceId: '', spanId: '', source: 'span', attributes: {},
    ...extra,
  };
}

const journey = (events: OrderEvent[], nowMin: number) =>
  computeJourney({ orderId: 'ORD-1', traceIds: [], events, spans: [], logs: [] }, DEFAULT_STAGES, T0 + nowMin * MIN);
const stage = (j: ReturnType<typeof journey>, id: string, shipmentId: string | null = null) => j.stages.find((s) => s.stageId === id && s.shipmentId === shipmentId)!;

describe('computeJourney', () => {
  it('marks a stage overdue once its expected duration passed without the end event', () => {
    const j = journey([event('order.created', 0), event('payment.succeeded', 5)], 5 + 121);
    expect(stage(j, 'payment').state).toBe('done');
    expect(stage(j, 'payment').durationMs).toBe(5 * MIN);
    const lock = stage(j, 'stock_lock');
    expect(lock.state).toBe('overdue');
    expect(lock.dueNs).toBe(ns(T0 + (5 + 120) * MIN));
    expect(stage(j, 'packing').state).toBe('pending');
    expect(j.stages.some((s) => s.stageId.startsWith('return'))).toBe(false);
  });

  it('is in progress before the deadline and late when it ended after it', () => {
    expect(stage(journey([event('payment.succeeded', 0)], 30), 'stock_lock').state).toBe('in_progress');
    expect(stage(journey([event('payment.succeeded', 0), event('inventory.locked', 150)], 200), 'stock_lock').state).toBe('late');
  });

  it('shows a stage whose events never came, but a later one did, as missing', () => {
    const j = journey([event('order.created', 0), event('payment.succeeded', 1), event('package.packed', 60)], 70);
    expect(stage(j, 'stock_lock').state).toBe('missing');
    expect(stage(j, 'pickup').state).toBe('in_progress');
  });

  it('runs per-shipment stages once per shipment of a split order', () => {
    const j = journey([
      event('inventory.locked', 0),
      event('package.packed', 60, { attributes: { 'shipment.id': 'S1' } }),
      event('package.packed', 90, { attributes: { 'shipment.id': 'S2' } }),
      event('carrier.picked_up', 120, { attributes: { 'shipment.id': 'S1' } }),
    ], 150);
    expect(stage(j, 'packing', 'S1').endNs).toBe(ns(T0 + 60 * MIN));
    expect(stage(j, 'packing', 'S2').endNs).toBe(ns(T0 + 90 * MIN));
    expect(stage(j, 'pickup', 'S1').state).toBe('done');
    expect(stage(j, 'pickup', 'S2').state).toBe('in_progress');
  });

  it('stops expecting stages after a cancellation', () => {
    const j = journey([event('order.created', 0), event('payment.succeeded', 1), event('order.cancelled', 10)], 500);
    expect(j.cancelled).toBe(true);
    expect(stage(j, 'stock_lock').state).toBe('cancelled');
    expect(stage(j, 'delivery').state).toBe('cancelled');
  });

  it('reports failure events and the latest status of each system', () => {
    const j = journey([
      event('order.created', 0, { system: 'shop', status: 'pending_payment' }),
      event('payment.failed', 2, { system: 'payment', status: 'declined' }),
    ], 10);
    expect(stage(j, 'payment').state).toBe('failed');
    expect(j.statuses).toEqual([
      { system: 'payment', status: 'declined', timeNs: ns(T0 + 2 * MIN), eventType: 'payment.failed' },
      { system: 'shop', status: 'pending_payment', timeNs: ns(T0), eventType: 'order.created' },
    ]);
  });

  it('adds the return flow when the order has return events, and orders events by time', () => {
    const j = journey([event('return.approved', 30), event('delivery.signed', 10), event('return.requested', 20)], 40);
    expect(j.events.map((e) => e.type)).toEqual(['delivery.signed', 'return.requested', 'return.approved']);
    expect(stage(j, 'return_approval').state).toBe('done');
    expect(stage(j, 'return_transit').state).toBe('in_progress');
    expect(j.furthestStageId).toBe('return_transit');
  });
});
