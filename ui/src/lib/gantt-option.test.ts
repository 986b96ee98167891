import { describe, expect, it } from 'vitest';
import { STATE_COLORS } from './colors.ts';
import { ns, stage, T0_MS } from './fixtures.ts';
import { barElement, ganttOption, tooltipHtml, type RenderApi } from './gantt-option.ts';
import { ganttLayout } from './gantt-layout.ts';

/** ECharts' coordinate api for a 1000 px wide axis over [0, 1000] ms from T0, rows 40 px high. */
const api: RenderApi = {
  value: () => 0,
  coord: ([ms, row]) => [ms - T0_MS, row * 40 + 20],
  size: () => [0, 40],
};

describe('ganttOption', () => {
  const layout = ganttLayout(
    [
      stage({ stageId: 'late', state: 'overdue', title: 'Stock <lock>', shipmentId: 'S"1', startNs: ns(100), dueNs: ns(200), expectedMs: 100 }),
      stage({ stageId: 'gone', state: 'missing' }),
      stage({ stageId: 'next', state: 'done', startNs: ns(600), endNs: ns(601) }),
    ],
    T0_MS + 500,
  );

  it('paints overdue bars red and missing stages as dashed outlines', () => {
    const actual = layout.bars.find((b) => b.kind === 'actual' && b.state === 'overdue')!;
    expect(barElement(actual, api)).toMatchObject({ shape: { x: 100, width: 400 }, style: { fill: STATE_COLORS.overdue } });
    expect(STATE_COLORS.overdue).toBe('#d32f2f');
    const placeholder = barElement(layout.bars.find((b) => b.kind === 'placeholder')!, api);
    expect(placeholder.style.lineDash).toEqual([5, 4]);
    expect(placeholder.style.stroke).toBeDefined();
  });

  it('widens bars too short to see', () => {
    const tiny = layout.bars.find((b) => b.kind === 'actual' && b.state === 'done')!;
    expect(barElement(tiny, api).shape.width).toBe(4);
  });

  it('escapes stage text in the HTML tooltip', () => {
    const html = tooltipHtml(layout.bars[0]!, layout);
    expect(html).toContain('Stock &lt;lock&gt; · S&quot;1');
    expect(html).not.toContain('<lock>');
  });

  it('draws the now line only while the order is open, with one category per row', () => {
    const option = ganttOption(layout) as { series: { markLine?: { data: { xAxis: number }[] } }[]; yAxis: { data: string[] } };
    expect(option.series[0]!.markLine!.data).toEqual([{ xAxis: T0_MS + 500 }]);
    expect(option.yAxis.data).toEqual(['Stock <lock> · S"1', 'gone', 'next']);
    const closed = ganttOption(ganttLayout([stage({ stageId: 'x', state: 'done', startNs: ns(0), endNs: ns(1) })], T0_MS)) as { series: { markLine?: unknown }[] };
    expect(closed.series[0]!.markLine).toBeUndefined();
  });
});
