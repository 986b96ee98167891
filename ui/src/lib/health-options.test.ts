import { describe, expect, it } from 'vitest';
import { ERROR_COLOR } from './colors.ts';
import { anomalyStats, dependencyGraph, HEALTH_WINDOW, hour, stageStats, throughput } from './fixtures.ts';
import { dependencyOption, edgeTooltip, flowOrder, graphNodes, layoutDependencies, nodeTooltip, scaled } from './health-graph.ts';
import { anomaliesOption, axisTooltip, HEALTH_COLORS, paletteColor, ruleAt, spansOption, stageOption, trafficOption, type Stage } from './health-options.ts';

const MIN = 60_000;

describe('stageOption', () => {
  const stage: Stage = {
    stageId: 'payment',
    title: 'Payment',
    expectedMs: 15 * MIN,
    points: [
      { tMs: hour(1), count: 10, p50Ms: 2 * MIN, p95Ms: 9 * MIN, overdue: 0 },
      { tMs: hour(4), count: 5, p50Ms: 3 * MIN, p95Ms: 20 * MIN, overdue: 2 },
    ],
  };
  const option = stageOption(stage, stageStats([stage]));
  const [p50, p95, overdue] = option.series;

  it('draws p50 and p95 on the window’s buckets on a log axis, with gaps where nothing completed', () => {
    expect(option.xAxis).toMatchObject({ type: 'time', min: HEALTH_WINDOW.fromMs, max: HEALTH_WINDOW.toMs });
    const log = Math.log10;
    expect(p50!.data).toEqual([[hour(0), null], [hour(1), log(2 * MIN), 2 * MIN], [hour(2), null], [hour(3), null], [hour(4), log(3 * MIN), 3 * MIN], [hour(5), null]]);
    expect(p95!.data.filter(([, v]) => v !== null).map((p) => p[2])).toEqual([9 * MIN, 20 * MIN]);
    expect([p50!.name, p95!.name]).toEqual(['p50', 'p95']);
  });

  it('marks the expected duration with a dashed line inside an axis of round durations', () => {
    expect(p50!.markLine).toMatchObject({ data: [{ yAxis: Math.log10(15 * MIN) }], lineStyle: { type: 'dashed' }, label: { formatter: 'expected 15 min' } });
    // From 1 min (the fastest p50, 2 min) to 1 h (above the slowest p95, 20 min), labelled as durations.
    const axis = option.yAxis[0];
    expect([axis.min, axis.max]).toEqual([Math.log10(MIN), Math.log10(60 * MIN)]);
    expect(axis.axisLabel.customValues.map((v) => axis.axisLabel.formatter(v))).toEqual(['1 min', '10 min', '1 h']);
    expect(axis.axisTick.customValues).toBe(axis.axisLabel.customValues);
    // Stages far quicker than expected still reach the expected line.
    const quick = stageOption({ ...stage, points: [{ tMs: hour(0), count: 1, p50Ms: 1000, p95Ms: 2000, overdue: 0 }] }, HEALTH_WINDOW);
    expect(quick.yAxis[0].min).toBe(3);
    expect(quick.yAxis[0].max).toBeGreaterThanOrEqual(Math.log10(15 * MIN));
  });

  it('counts overdue completions as red bars on their own axis', () => {
    expect(overdue).toMatchObject({ type: 'bar', yAxisIndex: 1, data: [[hour(4), 2]], itemStyle: { color: HEALTH_COLORS.bad } });
  });

  it('formats the tooltip durations by series, escaping names', () => {
    const html = option.tooltip.formatter([
      { seriesIndex: 0, seriesName: 'p50', marker: '', value: [hour(4), Math.log10(3 * MIN), 3 * MIN] },
      { seriesIndex: 2, seriesName: 'over<due>', marker: '', value: [hour(4), 2] },
    ]);
    expect(html).toContain('p50: <b>3m 0s</b>');
    expect(html).toContain('over&lt;due&gt;: <b>2</b>');
  });
});

describe('anomaliesOption', () => {
  const stats = anomalyStats([
    { ruleId: 'stock-lock-overdue', total: 5, points: [{ tMs: hour(0), count: 2 }, { tMs: hour(5), count: 3 }] },
    { ruleId: 'deduction-<failed>', total: 1, points: [{ tMs: hour(5), count: 1 }] },
  ]);
  const option = anomaliesOption(stats);

  it('stacks one zero-filled bar series per rule, coloured in rule order', () => {
    expect(option.series.map((s) => [s.name, s.type, s.stack])).toEqual([
      ['stock-lock-overdue', 'bar', 'alerts'],
      ['deduction-<failed>', 'bar', 'alerts'],
    ]);
    expect(option.series[0]!.data.map(([, v]) => v)).toEqual([2, 0, 0, 0, 0, 3]);
    expect(option.series[1]!.data.map(([, v]) => v)).toEqual([0, 0, 0, 0, 0, 1]);
    expect(option.series.map((s) => s.itemStyle.color)).toEqual([paletteColor(0), paletteColor(1)]);
  });

  it('leaves rules without alerts in a bucket out of its tooltip, and finds the clicked rule', () => {
    const html = option.tooltip.formatter([
      { seriesIndex: 0, seriesName: 'stock-lock-overdue', value: [hour(0), 2] },
      { seriesIndex: 1, seriesName: 'deduction-<failed>', value: [hour(0), 0] },
    ]);
    expect(html).toContain('stock-lock-overdue');
    expect(html).not.toContain('deduction');
    expect(ruleAt(stats, 1)).toBe('deduction-<failed>');
    expect(ruleAt(stats, 7)).toBeNull();
    expect(ruleAt(stats, undefined)).toBeNull();
  });
});

describe('throughput options', () => {
  const data = throughput({
    services: [
      { service: 'shop', total: 30, points: [{ tMs: hour(0), spans: 20, errors: 1 }, { tMs: hour(2), spans: 10, errors: 0 }] },
      { service: 'inventory', total: 12, points: [{ tMs: hour(0), spans: 12, errors: 4 }] },
    ],
    events: [{ tMs: hour(1), count: 7 }],
    logs: [{ tMs: hour(0), count: 40 }],
  });

  it('draws a line of spans per service and all services’ errors in red', () => {
    const option = spansOption(data);
    expect(option.series.map((s) => s.name)).toEqual(['shop', 'inventory', 'errors (all services)']);
    expect(option.series[0]!.data.map(([, v]) => v)).toEqual([20, 0, 10, 0, 0, 0]);
    const errors = option.series[2]!;
    expect(errors.data.map(([, v]) => v)).toEqual([5, 0, 0, 0, 0, 0]);
    expect(errors.itemStyle.color).toBe(ERROR_COLOR);
    expect(option.legend.data).toEqual(['shop', 'inventory', 'errors (all services)']);
  });

  it('draws order events and log records per bucket', () => {
    const option = trafficOption(data);
    expect(option.series.map((s) => [s.name, s.data.map(([, v]) => v)])).toEqual([
      ['order events', [0, 7, 0, 0, 0, 0]],
      ['log records', [40, 0, 0, 0, 0, 0]],
    ]);
  });

  it('heads the axis tooltip with the bucket and leaves gaps out', () => {
    const html = axisTooltip([
      { seriesName: 'a', marker: '<span class="dot"></span>', value: [hour(0), null] },
      { seriesName: 'b', marker: '<span class="dot"></span>', value: [hour(0), 3] },
    ]);
    expect(html.split('<br>')).toEqual([expect.stringMatching(/^\d{4}-\d\d-\d\d \d\d:\d\d$/), '<span class="dot"></span>b: <b>3</b>']);
  });
});

describe('the dependency map', () => {
  const graph = dependencyGraph({
    nodes: [
      { service: 'carrier', spans: 10, errors: 0 },
      { service: 'inventory', spans: 100, errors: 6 },
      { service: 'payment', spans: 25, errors: 0 },
      { service: 'shop', spans: 400, errors: 0 },
      { service: 'wms', spans: 30, errors: 0 },
    ],
    edges: [
      { source: 'shop', target: 'inventory', calls: 90, errors: 6, p95Ms: 120 },
      { source: 'shop', target: 'payment', calls: 25, errors: 0, p95Ms: 800 },
      { source: 'inventory', target: 'wms', calls: 20, errors: 0, p95Ms: 30 },
      { source: 'wms', target: 'carrier', calls: 10, errors: 0, p95Ms: 2500 },
    ],
  });

  it('places callers left of the services they call, by call depth', () => {
    const placed = layoutDependencies(graph.nodes.map((n) => n.service), graph.edges);
    const column = (s: string) => placed.get(s)!.x;
    expect(column('shop')).toBe(0);
    expect(column('inventory')).toBe(column('payment'));
    expect(column('inventory')).toBeGreaterThan(column('shop'));
    expect(column('wms')).toBeGreaterThan(column('inventory'));
    expect(column('carrier')).toBeGreaterThan(column('wms'));
    // Two services in one column are apart, centred on the axis.
    expect(placed.get('inventory')!.y).toBe(-placed.get('payment')!.y);
    expect(placed.get('inventory')!.y).not.toBe(0);
  });

  it('keeps callers left through cycles, letting the busier direction decide', () => {
    // Consumers answering back (wms → shop, carrier → shop) close cycles; the flow still reads shop first.
    const calls = [...graph.edges, { source: 'wms', target: 'shop', calls: 5 }, { source: 'carrier', target: 'shop', calls: 3 }];
    expect(flowOrder(graph.nodes.map((n) => n.service), calls)).toEqual(['shop', 'inventory', 'wms', 'carrier', 'payment']);
    const placed = layoutDependencies(graph.nodes.map((n) => n.service), calls);
    expect(['shop', 'inventory', 'wms', 'carrier'].map((s) => placed.get(s)!.x)).toEqual([0, 220, 440, 660]);
    expect(placed.get('payment')!.x).toBe(220);
    const pair = layoutDependencies(['a', 'b'], [{ source: 'b', target: 'a', calls: 10 }, { source: 'a', target: 'b', calls: 1 }]);
    expect([pair.get('b')!.x, pair.get('a')!.x]).toEqual([0, 220]);
  });

  it('sizes nodes by spans and edges by calls, and paints error edges and nodes red', () => {
    const option = dependencyOption(graph);
    const series = option.series[0]!;
    expect(series).toMatchObject({ type: 'graph', layout: 'none' });
    const size = Object.fromEntries(series.data.map((n) => [n.name, n.symbolSize]));
    expect(size.shop).toBe(56);
    expect(size.carrier).toBeLessThan(size.payment!);
    expect(size.payment).toBeLessThan(size.inventory!);
    const toInventory = series.links.find((l) => l.target === 'inventory')!;
    const toCarrier = series.links.find((l) => l.target === 'carrier')!;
    expect(toInventory.lineStyle).toMatchObject({ width: 9, color: ERROR_COLOR });
    expect(toCarrier.lineStyle.width).toBeLessThan(toInventory.lineStyle.width);
    expect(toCarrier.lineStyle.color).not.toBe(ERROR_COLOR);
    expect(series.data.find((n) => n.name === 'inventory')!.itemStyle.borderColor).toBe(ERROR_COLOR);
    expect(series.data.find((n) => n.name === 'shop')!.itemStyle.borderColor).not.toBe(ERROR_COLOR);
  });

  it('tells calls, errors and p95 of an edge, and spans of a node, as escaped HTML', () => {
    const option = dependencyOption(graph);
    expect(option.tooltip.formatter({ dataType: 'edge', dataIndex: 0 })).toBe(edgeTooltip(graph.edges[0]!));
    expect(edgeTooltip(graph.edges[0]!)).toBe('<b>shop → inventory</b><br>Calls: 90<br>Errors: 6<br>p95: 120 ms');
    expect(option.tooltip.formatter({ dataType: 'node', dataIndex: 1 })).toContain('100 spans, 6 errors');
    expect(nodeTooltip({ service: '<x>', spans: 1, errors: 0 })).toBe('<b>&lt;x&gt;</b><br>1 span, 0 errors');
  });

  it('adds a node for an edge end the API did not list, and scales safely from zero', () => {
    expect(graphNodes(dependencyGraph({ nodes: [], edges: [{ source: 'a', target: 'b', calls: 1, errors: 0, p95Ms: 1 }] })).map((n) => n.service)).toEqual(['a', 'b']);
    expect(scaled(0, 0, 1, 9)).toBe(1);
    expect(scaled(25, 100, 0, 10)).toBe(5);
  });
});
