// ECharts options for the health dashboard's time charts: a stage's p50/p95 durations against its
// expected duration, alerts per rule (stacked bars), spans per service with errors, and order events
// with log records. Pure: tests read the options and call the tooltip formatters.
import type { AnomalyStats, StageStats, Throughput } from './api-types.ts';
import { ERROR_COLOR, NOW_COLOR } from './colors.ts';
import { bucketStarts, formatBucket, formatRoundDuration, logDurationScale, logMs, onTimeline, sumSeries, type Pair } from './health-series.ts';
import { escapeHtml } from './html.ts';
import { t } from './strings.ts';
import { formatDuration } from './time.ts';

export type Stage = StageStats['stages'][number];
export interface Timeline {
  fromMs: number;
  toMs: number;
  bucketMs: number;
}

/** Series colours of the dashboard; errors and overdue share the Gantt's red. */
export const HEALTH_COLORS = {
  p50: '#1e88e5',
  p95: '#8e24aa',
  expected: NOW_COLOR,
  bad: ERROR_COLOR,
  events: '#00897b',
  logs: '#6d4c41',
};

/** Colours for rules and services, in order; the HTML legends use the same ones. */
export const PALETTE = ['#5470c6', '#91cc75', '#fac858', '#ee6666', '#73c0de', '#3ba272', '#fc8452', '#9a60b4', '#ea7ccc', '#8d6e63'];
export const paletteColor = (i: number): string => PALETTE[i % PALETTE.length]!;

/** The part of ECharts' tooltip parameters (trigger: 'axis') the formatters read. */
export interface AxisPoint {
  seriesIndex?: number;
  seriesName?: string;
  marker?: unknown;
  value?: unknown;
}

/** A point drawn on a log axis: [bucket, logMs(value), value], or a gap. */
export type LogPoint = [number, number, number] | [number, null];

/**
 * An axis tooltip: the bucket, then one line per series with a value, formatted by
 * `format(value, seriesIndex)`. The value is a point's last element (the real one of a LogPoint).
 */
export function axisTooltip(points: AxisPoint[], format: (value: number, seriesIndex: number) => string = String): string {
  const first = points[0]?.value;
  const lines = points.flatMap((p, i) => {
    const value = Array.isArray(p.value) ? (p.value[p.value.length - 1] as number | null) : null;
    return value === null || value === undefined ? [] : [`${typeof p.marker === 'string' ? p.marker : ''}${escapeHtml(p.seriesName ?? '')}: <b>${escapeHtml(format(value, p.seriesIndex ?? i))}</b>`];
  });
  const head = Array.isArray(first) ? escapeHtml(formatBucket(first[0] as number)) : '';
  return [head, ...lines].join('<br>');
}

function timeAxis(window: Timeline, starts: number[]) {
  return {
    type: 'time' as const,
    min: starts[0] ?? window.fromMs,
    max: window.toMs,
    axisLabel: { hideOverlap: true },
    splitLine: { show: false },
  };
}

const GRID = { left: 64, right: 48, top: 36, bottom: 28 };
const LEGEND = { top: 0, left: 0, itemWidth: 14, itemHeight: 8 };

/**
 * One stage: p50 and p95 lines (gaps where nothing completed) on a log duration axis, so a payment of
 * seconds and its 15-minute expectation, or a delivery of days, both read; the expected duration as
 * a dashed mark line inside the axis; the overdue count per bucket as red bars on a second axis.
 * Line points are [bucket, logMs(duration), duration]: tooltips read the duration itself.
 */
export function stageOption(stage: Stage, window: Timeline) {
  const starts = bucketStarts(window.fromMs, window.toMs, window.bucketMs);
  const line = (name: string, color: string, valueOf: (p: Stage['points'][number]) => number) => ({
    name,
    type: 'line' as const,
    data: onTimeline(starts, stage.points, valueOf, null).map(([tMs, ms]): LogPoint => (ms === null ? [tMs, null] : [tMs, logMs(ms), ms])),
    itemStyle: { color },
    symbolSize: 5,
    connectNulls: false,
  });
  const p50 = {
    ...line(t.health.stages.p50, HEALTH_COLORS.p50, (p) => p.p50Ms),
    markLine: {
      silent: true,
      symbol: 'none',
      lineStyle: { type: 'dashed' as const, color: HEALTH_COLORS.expected, width: 1.5 },
      label: { formatter: t.health.stages.expected(formatRoundDuration(stage.expectedMs)), position: 'insideEndTop' as const },
      data: [{ yAxis: logMs(stage.expectedMs) }],
    },
  };
  const p95 = line(t.health.stages.p95, HEALTH_COLORS.p95, (p) => p.p95Ms);
  const overdue = {
    name: t.health.stages.overdue,
    type: 'bar' as const,
    yAxisIndex: 1,
    data: stage.points.filter((p) => p.overdue > 0).map((p): Pair => [p.tMs, p.overdue]),
    itemStyle: { color: HEALTH_COLORS.bad, opacity: 0.75 },
    barMaxWidth: 8,
  };
  const durations = stage.points.flatMap((p) => [p.p50Ms, p.p95Ms]);
  const scale = logDurationScale(Math.min(stage.expectedMs, ...durations), Math.max(stage.expectedMs, ...durations));
  const ticks = { customValues: scale.ticks };
  const durationAxis = {
    type: 'value' as const,
    min: scale.min,
    max: scale.max,
    axisTick: ticks,
    axisLabel: { ...ticks, formatter: (log: number) => formatRoundDuration(Math.round(10 ** log)) },
    splitLine: { lineStyle: { color: '#eceff1' } },
  };
  const countAxis = { type: 'value' as const, min: 0, minInterval: 1, splitLine: { show: false }, axisLabel: { color: HEALTH_COLORS.bad } };
  return {
    animation: false,
    grid: GRID,
    legend: { ...LEGEND, data: [p50.name, p95.name, overdue.name] },
    tooltip: {
      trigger: 'axis' as const,
      confine: true,
      formatter: (points: AxisPoint[]) => axisTooltip(points, (value, i) => (i < 2 ? formatDuration(value) : String(value))),
    },
    xAxis: timeAxis(window, starts),
    yAxis: [durationAxis, countAxis] as [typeof durationAxis, typeof countAxis],
    series: [p50, p95, overdue] as [typeof p50, typeof p95, typeof overdue],
  };
}

/** Alerts fired per bucket, stacked by rule (colours in rule order: the HTML legend lists them). */
export function anomaliesOption(stats: AnomalyStats) {
  const starts = bucketStarts(stats.fromMs, stats.toMs, stats.bucketMs);
  return {
    animation: false,
    grid: { ...GRID, top: 12 },
    tooltip: { trigger: 'axis' as const, confine: true, formatter: (points: AxisPoint[]) => axisTooltip(points.filter((p) => Array.isArray(p.value) && p.value[1] !== 0)) },
    xAxis: timeAxis(stats, starts),
    yAxis: { type: 'value' as const, min: 0, minInterval: 1, splitLine: { lineStyle: { color: '#eceff1' } } },
    series: stats.rules.map((rule, i) => ({
      name: rule.ruleId,
      type: 'bar' as const,
      stack: 'alerts',
      data: onTimeline(starts, rule.points, (p) => p.count, 0),
      itemStyle: { color: paletteColor(i) },
      barMaxWidth: 24,
      cursor: 'pointer',
    })),
  };
}

/** The rule a click on the anomalies chart chose (ECharts gives the series index). */
export function ruleAt(stats: AnomalyStats, seriesIndex: number | undefined): string | null {
  return seriesIndex === undefined ? null : (stats.rules[seriesIndex]?.ruleId ?? null);
}

/** Errors per service over the window. */
export function serviceErrors(service: Throughput['services'][number]): number {
  return service.points.reduce((sum, p) => sum + p.errors, 0);
}

/** Spans per service (a line each, in the API's order: busiest first) and all services' errors in red. */
export function spansOption(throughput: Throughput) {
  const starts = bucketStarts(throughput.fromMs, throughput.toMs, throughput.bucketMs);
  const services = throughput.services.map((s, i) => ({
    name: s.service,
    type: 'line' as const,
    data: onTimeline(starts, s.points, (p) => p.spans, 0),
    itemStyle: { color: paletteColor(i) },
    showSymbol: false,
  }));
  const errors = sumSeries(
    throughput.services.map((s) => onTimeline(starts, s.points, (p) => p.errors, 0)),
    starts,
  );
  return {
    animation: false,
    grid: { ...GRID, top: 56 },
    legend: { ...LEGEND, data: [...services.map((s) => s.name), t.health.throughput.errors] },
    tooltip: { trigger: 'axis' as const, confine: true, formatter: (points: AxisPoint[]) => axisTooltip(points) },
    xAxis: timeAxis(throughput, starts),
    yAxis: { type: 'value' as const, min: 0, minInterval: 1, splitLine: { lineStyle: { color: '#eceff1' } } },
    series: [
      ...services,
      {
        name: t.health.throughput.errors,
        type: 'line' as const,
        data: errors,
        itemStyle: { color: HEALTH_COLORS.bad },
        lineStyle: { width: 2, type: 'dashed' as const },
        showSymbol: false,
      },
    ],
  };
}

/** Order events and log records per bucket. */
export function trafficOption(throughput: Throughput) {
  const starts = bucketStarts(throughput.fromMs, throughput.toMs, throughput.bucketMs);
  const line = (name: string, color: string, points: Throughput['events']) => ({
    name,
    type: 'line' as const,
    data: onTimeline(starts, points, (p) => p.count, 0),
    itemStyle: { color },
    showSymbol: false,
  });
  return {
    animation: false,
    grid: GRID,
    legend: { ...LEGEND, data: [t.health.throughput.events, t.health.throughput.logs] },
    tooltip: { trigger: 'axis' as const, confine: true, formatter: (points: AxisPoint[]) => axisTooltip(points) },
    xAxis: timeAxis(throughput, starts),
    yAxis: { type: 'value' as const, min: 0, minInterval: 1, splitLine: { lineStyle: { color: '#eceff1' } } },
    series: [line(t.health.throughput.events, HEALTH_COLORS.events, throughput.events), line(t.health.throughput.logs, HEALTH_COLORS.logs, throughput.logs)],
  };
}
