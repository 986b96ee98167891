// The ECharts option for an order's Gantt chart: a custom series drawing each GanttBar as a rect
// on a time axis, one category row per stage, and a "now" line. Pure (no DOM): tests call
// renderItem with a stand-in for ECharts' api.
import type { GanttBar, GanttLayout } from './gantt-layout.ts';
import { EXPECTED_COLOR, NOW_COLOR, PLACEHOLDER_STROKE, STATE_COLORS } from './colors.ts';
import { escapeHtml } from './html.ts';
import { t } from './strings.ts';
import { formatDuration, formatNsTime } from './time.ts';

/** The part of ECharts' renderItem api the Gantt uses. */
export interface RenderApi {
  value(dim: number): number;
  coord(point: [number, number]): number[];
  size(size: [number, number]): number[] | number;
}

export interface RectElement {
  type: 'rect';
  shape: { x: number; y: number; width: number; height: number; r?: number };
  style: { fill: string; stroke?: string; lineWidth?: number; lineDash?: number[]; opacity?: number };
  z2: number;
}

/** Bars narrower than this (a 300 ms payment on a days-long axis) are widened to stay visible. */
const MIN_WIDTH_PX = 4;

export function barElement(bar: GanttBar, api: RenderApi): RectElement {
  const [x0, yMid] = api.coord([bar.startMs, bar.row]) as [number, number];
  const [x1] = api.coord([bar.endMs, bar.row]) as [number, number];
  const size = api.size([0, 1]);
  const rowHeight = Array.isArray(size) ? size[1]! : size;
  const width = Math.max(MIN_WIDTH_PX, x1 - x0);
  switch (bar.kind) {
    case 'expected': {
      // A low band under the actual bar: how long the stage should take.
      const height = rowHeight * 0.7;
      return { type: 'rect', shape: { x: x0, y: yMid - height / 2, width, height, r: 2 }, style: { fill: EXPECTED_COLOR, opacity: 0.6 }, z2: 1 };
    }
    case 'placeholder': {
      const height = rowHeight * 0.45;
      return {
        type: 'rect',
        shape: { x: x0, y: yMid - height / 2, width, height, r: 2 },
        style: { fill: 'rgba(117,117,117,0.06)', stroke: PLACEHOLDER_STROKE, lineWidth: 1.5, lineDash: [5, 4] },
        z2: 2,
      };
    }
    case 'milestone': {
      const height = rowHeight * 0.45;
      return { type: 'rect', shape: { x: x0 - MIN_WIDTH_PX / 2, y: yMid - height / 2, width: MIN_WIDTH_PX, height }, style: { fill: STATE_COLORS[bar.state] }, z2: 3 };
    }
    case 'actual': {
      const height = rowHeight * 0.4;
      return { type: 'rect', shape: { x: x0, y: yMid - height / 2, width, height, r: 2 }, style: { fill: STATE_COLORS[bar.state] }, z2: 3 };
    }
  }
}

export function tooltipHtml(bar: GanttBar, layout: GanttLayout): string {
  const stage = layout.rows[bar.row]!.stage;
  const lines: [string, string][] = [
    [t.stage.state, t.stage.states[stage.state]],
    [t.stage.system, stage.system],
    [t.stage.started, formatNsTime(stage.startNs)],
    [t.stage.ended, formatNsTime(stage.endNs)],
    [t.stage.duration, stage.durationMs === null ? t.common.none : formatDuration(stage.durationMs)],
    [t.stage.expected, formatDuration(stage.expectedMs)],
    [t.stage.due, formatNsTime(stage.dueNs)],
  ];
  if (bar.kind === 'placeholder') lines.push(['', t.stage.placeholder]);
  if (bar.kind === 'expected') lines.push(['', t.stage.expectedBar]);
  const title = escapeHtml(t.stage.rowLabel(stage.title, stage.shipmentId));
  const body = lines.map(([k, v]) => (k ? `${escapeHtml(k)}: <b>${escapeHtml(v)}</b>` : `<i>${escapeHtml(v)}</i>`)).join('<br>');
  return `<b>${title}</b><br>${body}`;
}

export function ganttOption(layout: GanttLayout): Record<string, unknown> {
  const labels = layout.rows.map((r) => t.stage.rowLabel(r.stage.title, r.stage.shipmentId));
  const span = Math.max(layout.maxMs - layout.minMs, 60_000);
  const pad = span * 0.03;
  return {
    animation: false,
    // The margins hold the labels (the row labels are truncated to fit): no second layout pass that
    // measures every axis label to keep them inside the chart.
    grid: { left: 150, right: 24, top: 28, bottom: 28, outerBoundsMode: 'none' },
    tooltip: {
      trigger: 'item',
      confine: true,
      formatter: (params: { dataIndex: number }) => tooltipHtml(layout.bars[params.dataIndex]!, layout),
    },
    xAxis: {
      type: 'time',
      min: layout.minMs - pad,
      max: layout.maxMs + pad,
      axisLabel: { hideOverlap: true },
      splitLine: { show: true, lineStyle: { color: '#eceff1' } },
    },
    yAxis: {
      type: 'category',
      data: labels,
      inverse: true,
      axisTick: { show: false },
      axisLabel: { width: 140, overflow: 'truncate' },
    },
    series: [
      {
        type: 'custom',
        name: t.order.journey,
        encode: { x: [1, 2], y: 0 },
        data: layout.bars.map((b) => [b.row, b.startMs, b.endMs]),
        renderItem: (params: { dataIndex: number }, api: RenderApi) => barElement(layout.bars[params.dataIndex]!, api),
        markLine: layout.showNow
          ? {
              silent: true,
              symbol: 'none',
              animation: false,
              lineStyle: { color: NOW_COLOR, type: 'solid', width: 1.5 },
              label: { formatter: () => t.stage.now, position: 'start' },
              data: [{ xAxis: layout.nowMs }],
            }
          : undefined,
      },
    ],
    useUTC: false,
  };
}
