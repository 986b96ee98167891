import { describe, expect, it } from 'vitest';
import { computeJourney } from './journey.ts';
import type { OrderEvent } from './model.ts';
import { DEFAULT_STAGES, type StageDef } from './stages.ts';
import { completionOf, isBreached, orderStageHealth, stageInstances, stagePointRows } from './stats-stages.ts';

const MIN = 60_000;
const ms = (n: number) => BigInt(n) * 1_000_000n;
let seq = 0;
function ev(type: string, atMs: number, shipment?: string): OrderEvent {
  return {
    eventId: `e${seq++}`, orderId: 'O', type, system: 's', timeUnixNano: ms(atMs).toString(), status: '', traceId: '', spanId: '', source: 'api',
    attributes: shipment ? { 'shipment.id': shipment } : {},
  };
}

const PAY = DEFAULT_STAGES[0]!; // order.created → payment.succeeded, failOn payment.failed, 15 min
const PACKING = DEFAULT_STAGES[2]!; // inventory.locked → package.packed, per shipment, 24 h

describe('stageInstances', () => {
  it('takes the first start and the first end of each stage', () => {
    const [pay] = stageInstances([ev('payment.succeeded', 900), ev('order.created', 500), ev('order.created', 100), ev('payment.succeeded', 700)], [PAY]);
    expect(pay).toEqual({ stageIndex: 0, shipmentId: '', startNs: ms(100), endNs: ms(700), failed: false });
    expect(completionOf(pay!)).toEqual({ stageIndex: 0, endNs: ms(700), durationNs: ms(600) });
  });

  it('makes one instance per shipment of a per-shipment stage; an event without shipment.id counts for each', () => {
    const events = [ev('inventory.locked', 0), ev('package.packed', 10, 'S2'), ev('package.packed', 5, 'S1'), ev('carrier.note', 1, 'S3')];
    const instances = stageInstances(events, [PAY, PACKING]);
    expect(instances.map((i) => [i.stageIndex, i.shipmentId, i.startNs, i.endNs])).toEqual([
      [0, '', null, null],
      [1, 'S1', ms(0), ms(5)],
      [1, 'S2', ms(0), ms(10)],
      [1, 'S3', ms(0), null],
    ]);
    expect(stageInstances([ev('inventory.locked', 0), ev('package.packed', 3)], [PACKING])).toMatchObject([{ shipmentId: '', endNs: ms(3) }]);
  });

  it('is no completion without a start, or with the end before the start', () => {
    const [noStart] = stageInstances([ev('payment.succeeded', 5)], [PAY]);
    const [backwards] = stageInstances([ev('payment.succeeded', 5), ev('order.created', 6)], [PAY]);
    expect(completionOf(noStart!)).toBeNull();
    expect(completionOf(backwards!)).toBeNull();
  });
});

describe('isBreached', () => {
  const at = (events: OrderEvent[], def: StageDef = PAY) => stageInstances(events, [def])[0]!;
  const now = ms(60 * MIN);

  it('an ended stage: when it took longer than expected', () => {
    expect(isBreached(at([ev('order.created', 0), ev('payment.succeeded', 15 * MIN)]), PAY, false, now)).toBe(false);
    expect(isBreached(at([ev('order.created', 0), ev('payment.succeeded', 15 * MIN + 1)]), PAY, false, now)).toBe(true);
  });

  it('an open stage: when due before now, unless failed, or cancelled in the forward flow', () => {
    expect(isBreached(at([ev('order.created', 0)]), PAY, false, now)).toBe(true);
    expect(isBreached(at([ev('order.created', 50 * MIN)]), PAY, false, now)).toBe(false);
    expect(isBreached(at([ev('order.created', 0), ev('payment.failed', 40 * MIN)]), PAY, false, now)).toBe(false);
    expect(isBreached(at([ev('order.created', 0)]), PAY, true, now)).toBe(false);
    const refund = DEFAULT_STAGES.find((s) => s.id === 'refund')!;
    expect(isBreached(at([ev('return.qc_passed', 0)], refund), refund, true, ms(25 * 60 * MIN))).toBe(true);
    expect(isBreached(at([ev('payment.succeeded', 0)]), PAY, false, now)).toBe(false); // never started
  });
});

describe('orderStageHealth', () => {
  it('agrees with the order journey: breached exactly where the journey shows late or overdue', () => {
    const H = 60 * MIN;
    const orders: OrderEvent[][] = [
      [ev('order.created', 0), ev('payment.succeeded', 20 * MIN), ev('inventory.locked', 30 * MIN)],
      [ev('order.created', 0), ev('payment.succeeded', MIN), ev('inventory.locked', 2 * MIN), ev('package.packed', 30 * H, 'S1'), ev('package.packed', 3 * H, 'S2')],
      [ev('order.created', 0), ev('order.cancelled', 5 * MIN)],
      [ev('order.created', 0), ev('payment.failed', 30 * MIN)],
      [ev('return.requested', 0), ev('return.approved', 2 * H)],
    ];
    const nowMs = 100 * H;
    for (const events of orders) {
      const health = orderStageHealth(events, DEFAULT_STAGES, ms(nowMs));
      const journey = computeJourney({ orderId: 'O', traceIds: [], events, spans: [], logs: [] }, DEFAULT_STAGES, nowMs);
      const fromJourney = DEFAULT_STAGES.map((def) => journey.stages.some((s) => s.stageId === def.id && (s.state === 'late' || s.state === 'overdue')));
      expect(health.breached, JSON.stringify(events.map((e) => e.type))).toEqual(fromJourney);
      expect(health.started).toEqual(DEFAULT_STAGES.map((def) => journey.stages.some((s) => s.stageId === def.id && s.startNs !== null)));
    }
  });
});

describe('stagePointRows', () => {
  it('summarises completions per stage and bucket of the end time', () => {
    const done = (stageIndex: number, endMs: number, durMs: number) => ({ stageIndex, endNs: ms(endMs), durationNs: ms(durMs) });
    const rows = stagePointRows([done(0, 1_000, 3), done(0, 1_999, 20 * MIN), done(0, 2_000, 1), done(0, 1_500, 7), done(1, 1_000, 5)], [PAY, PACKING], 1_000);
    expect(rows).toEqual(
      expect.arrayContaining([
        { stageIndex: 0, tMs: 1_000, count: 3, p50Ns: Number(ms(7)), p95Ns: Number(ms(20 * MIN)), overdue: 1 },
        { stageIndex: 0, tMs: 2_000, count: 1, p50Ns: Number(ms(1)), p95Ns: Number(ms(1)), overdue: 0 },
        { stageIndex: 1, tMs: 1_000, count: 1, p50Ns: Number(ms(5)), p95Ns: Number(ms(5)), overdue: 0 },
      ]),
    );
    expect(rows).toHaveLength(3);
  });
});
