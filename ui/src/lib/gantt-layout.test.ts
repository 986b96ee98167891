import { describe, expect, it } from 'vitest';
import { ns, stage, T0_MS } from './fixtures.ts';
import { ganttLayout } from './gantt-layout.ts';

const HOUR = 3_600_000;

describe('ganttLayout', () => {
  it('draws done stages with their expected duration behind them', () => {
    const layout = ganttLayout([stage({ stageId: 'payment', state: 'done', startNs: ns(0), endNs: ns(300), dueNs: ns(900_000), expectedMs: 900_000 })], T0_MS + 10 * HOUR);
    expect(layout.bars).toEqual([
      { row: 0, kind: 'expected', state: 'done', startMs: T0_MS, endMs: T0_MS + 900_000 },
      { row: 0, kind: 'actual', state: 'done', startMs: T0_MS, endMs: T0_MS + 300 },
    ]);
    expect(layout.showNow).toBe(false);
    expect(layout.maxMs).toBe(T0_MS + 900_000);
  });

  it('runs an overdue stage up to now and shows the now line', () => {
    const now = T0_MS + 3 * HOUR;
    const layout = ganttLayout([stage({ stageId: 'stock_lock', state: 'overdue', startNs: ns(0), dueNs: ns(2 * HOUR), expectedMs: 2 * HOUR })], now);
    expect(layout.bars.find((b) => b.kind === 'actual')).toEqual({ row: 0, kind: 'actual', state: 'overdue', startMs: T0_MS, endMs: now });
    expect(layout.showNow).toBe(true);
    expect(layout.maxMs).toBe(now);
  });

  it('places missing stages as placeholders sharing the gap between known neighbours', () => {
    const stages = [
      stage({ stageId: 'a', state: 'done', startNs: ns(0), endNs: ns(100) }),
      stage({ stageId: 'b', state: 'missing' }),
      stage({ stageId: 'c', state: 'missing' }),
      stage({ stageId: 'd', state: 'done', endNs: ns(700) }),
    ];
    const placeholders = ganttLayout(stages, T0_MS + HOUR).bars.filter((b) => b.kind === 'placeholder');
    expect(placeholders).toEqual([
      { row: 1, kind: 'placeholder', state: 'missing', startMs: T0_MS + 100, endMs: T0_MS + 400 },
      { row: 2, kind: 'placeholder', state: 'missing', startMs: T0_MS + 400, endMs: T0_MS + 700 },
    ]);
  });

  it('uses expected durations when only one side of a missing run is known', () => {
    const stages = [stage({ stageId: 'a', state: 'missing', expectedMs: 50 }), stage({ stageId: 'b', state: 'done', startNs: ns(1000), endNs: ns(1100) })];
    expect(ganttLayout(stages, T0_MS).bars.find((b) => b.kind === 'placeholder')).toMatchObject({ row: 0, startMs: T0_MS + 950, endMs: T0_MS + 1000 });
  });

  it('anchors a shipment stage only on its own shipment or order-level stages', () => {
    const stages = [
      stage({ stageId: 'lock', state: 'done', startNs: ns(0), endNs: ns(10) }),
      stage({ stageId: 'pack', shipmentId: 'S1', state: 'missing' }),
      stage({ stageId: 'pack', shipmentId: 'S2', state: 'done', startNs: ns(10), endNs: ns(5000) }),
      stage({ stageId: 'pickup', shipmentId: 'S1', state: 'done', startNs: ns(200), endNs: ns(300) }),
    ];
    const placeholder = ganttLayout(stages, T0_MS).bars.find((b) => b.kind === 'placeholder');
    expect(placeholder).toMatchObject({ row: 1, startMs: T0_MS + 10, endMs: T0_MS + 200 });
  });

  it('draws no deadline for a stage the cancellation stopped', () => {
    const layout = ganttLayout([stage({ stageId: 'packing', state: 'cancelled', startNs: ns(0), dueNs: ns(24 * HOUR), expectedMs: 24 * HOUR })], T0_MS + HOUR);
    expect(layout.bars).toEqual([{ row: 0, kind: 'milestone', state: 'cancelled', startMs: T0_MS, endMs: T0_MS }]);
    expect(layout.maxMs).toBe(T0_MS);
  });

  it('marks a stage with only one known end as a milestone and skips pending ones', () => {
    const layout = ganttLayout([stage({ stageId: 'refund', state: 'done', endNs: ns(50) }), stage({ stageId: 'later', state: 'pending' })], T0_MS + 100);
    expect(layout.bars).toEqual([{ row: 0, kind: 'milestone', state: 'done', startMs: T0_MS + 50, endMs: T0_MS + 50 }]);
    expect(layout.showNow).toBe(true);
    expect(layout.rows.map((r) => r.stage.stageId)).toEqual(['refund', 'later']);
  });
});
