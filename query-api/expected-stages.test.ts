// What an order waits for by the deadline rules: the pure function behind the journey's expectedStages.
import { describe, expect, it } from 'vitest';
import type { OrderEvent } from '../core/model.ts';
import { DEFAULT_STAGES } from '../core/stages.ts';
import type { CalendarDef, DeadlineRule } from '../rules/model.ts';
import { expectedStages } from './expected-stages.ts';

const HOUR = 3_600_000;
/** Wednesday 2026-03-11 10:00 UTC (11:00 in Berlin). */
const START = Date.parse('2026-03-11T10:00:00Z');
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

function event(type: string, atMs: number, attributes: Record<string, string> = {}): OrderEvent {
  return { eventId: `${type}@${atMs}:${attributes['shipment.id'] ?? ''}`, orderId: 'A-1', type, system: 's', timeUnixNano: ns(atMs), status: '', traceId: '', spanId: '', source: 'api', attributes };
}

function deadline(init: Partial<DeadlineRule> & Pick<DeadlineRule, 'id' | 'after' | 'expect' | 'withinMs'>): DeadlineRule {
  return {
    kind: 'deadline', title: init.id, severity: 'warning', labels: {}, guide: '', notify: [], ticket: [], enabled: true,
    source: { file: 'r.yaml', line: 1 }, graceMs: 120_000, per: 'order', calendar: null, ...init,
  };
}

const stockLock = deadline({ id: 'stock-lock-2h', after: 'payment.succeeded', expect: ['inventory.locked'], withinMs: 2 * HOUR });
const delivery = deadline({ id: 'delivery-72h', after: 'carrier.picked_up', expect: ['delivery.signed'], withinMs: 72 * HOUR, per: 'shipment' });
const berlin: CalendarDef = { id: 'berlin', timeZone: 'Europe/Berlin', workingDays: [1, 2, 3, 4, 5], start: '09:00', end: '18:00', holidays: [] };

describe('expectedStages', () => {
  it('lists a deadline whose after event happened and whose expected event has not, with its due time', () => {
    const [stage, ...rest] = expectedStages([event('order.created', START - HOUR), event('payment.succeeded', START)], [stockLock], [], DEFAULT_STAGES, START + HOUR);
    expect(rest).toEqual([]);
    expect(stage).toEqual({
      ruleId: 'stock-lock-2h', title: 'stock-lock-2h', severity: 'warning', after: 'payment.succeeded', afterEventId: `payment.succeeded@${START}:`,
      afterNs: ns(START), expect: ['inventory.locked'], stageId: 'stock_lock', shipmentId: null, calendar: null, dueNs: ns(START + 2 * HOUR), overdue: false,
    });
  });

  it('is overdue from the due time on', () => {
    const events = [event('payment.succeeded', START)];
    expect(expectedStages(events, [stockLock], [], DEFAULT_STAGES, START + 2 * HOUR - 1)[0]!.overdue).toBe(false);
    expect(expectedStages(events, [stockLock], [], DEFAULT_STAGES, START + 2 * HOUR)[0]!.overdue).toBe(true);
  });

  it('counts the deadline from the earliest after event and closes it with an expected event of any time', () => {
    const late = [event('payment.succeeded', START + HOUR), event('payment.succeeded', START)];
    expect(expectedStages(late, [stockLock], [], DEFAULT_STAGES, START)[0]!.dueNs).toBe(ns(START + 2 * HOUR));
    expect(expectedStages([event('payment.succeeded', START), event('inventory.locked', START + 5 * HOUR)], [stockLock], [], DEFAULT_STAGES, START)).toEqual([]);
    expect(expectedStages([event('inventory.locked', START - HOUR), event('payment.succeeded', START)], [stockLock], [], DEFAULT_STAGES, START)).toEqual([]);
  });

  it('counts business time when the rule names a calendar', () => {
    const rule = { ...stockLock, withinMs: 8 * HOUR, calendar: 'berlin' };
    const [stage] = expectedStages([event('payment.succeeded', START)], [rule], [berlin], DEFAULT_STAGES, START);
    // 7 h left on Wednesday (11:00–18:00 Berlin), 1 h on Thursday: 10:00 Berlin = 09:00 UTC
    expect({ dueNs: stage!.dueNs, calendar: stage!.calendar }).toEqual({ dueNs: ns(Date.parse('2026-03-12T09:00:00Z')), calendar: 'berlin' });
  });

  it('waits per shipment for per-shipment rules', () => {
    const events = [
      event('carrier.picked_up', START, { 'shipment.id': 'S1' }),
      event('carrier.picked_up', START + HOUR, { 'shipment.id': 'S2' }),
      event('delivery.signed', START + 2 * HOUR, { 'shipment.id': 'S1' }),
    ];
    const stages = expectedStages(events, [delivery], [], DEFAULT_STAGES, START + 3 * HOUR);
    expect(stages.map((s) => [s.shipmentId, s.dueNs, s.stageId])).toEqual([['S2', ns(START + 73 * HOUR), 'delivery']]);
    // an expected event naming no shipment satisfies every shipment
    expect(expectedStages([...events, event('delivery.signed', START + 4 * HOUR)], [delivery], [], DEFAULT_STAGES, START)).toEqual([]);
  });

  it('expects nothing of a cancelled order, and ignores disabled and non-deadline rules', () => {
    const paid = [event('payment.succeeded', START)];
    expect(expectedStages([...paid, event('order.cancelled', START + HOUR)], [stockLock], [], DEFAULT_STAGES, START)).toEqual([]);
    expect(expectedStages(paid, [{ ...stockLock, enabled: false }], [], DEFAULT_STAGES, START)).toEqual([]);
  });

  it('orders the waits by due time', () => {
    const packing = deadline({ id: 'packing-1h', after: 'payment.succeeded', expect: ['package.packed'], withinMs: HOUR });
    const stages = expectedStages([event('payment.succeeded', START)], [stockLock, packing], [], DEFAULT_STAGES, START);
    expect(stages.map((s) => [s.ruleId, s.stageId])).toEqual([['packing-1h', 'packing'], ['stock-lock-2h', 'stock_lock']]);
  });
});
