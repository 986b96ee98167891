// The system dependency map: services as circles sized by their spans, calls as arrows whose width
// follows the number of calls, arrows that carried errors in red. Laid out here, left to right by
// call depth (callers before the services they call), so the map reads like the order's flow and
// looks the same on every load — ECharts' force layout would move it around. Pure.
import type { DependencyEdge, DependencyGraph, DependencyNode } from './api-types.ts';
import { HEALTH_COLORS } from './health-options.ts';
import { escapeHtml } from './html.ts';
import { t } from './strings.ts';
import { formatDuration } from './time.ts';

export interface Placed {
  x: number;
  y: number;
}

const COLUMN = 220;
const ROW = 110;
const NODE_COLOR = '#64b5f6';
const EDGE_COLOR = '#90a4ae';

type Call = Pick<DependencyEdge, 'source' | 'target' | 'calls'>;

/**
 * The services in an order that puts callers before the services they call, as far as cycles allow
 * (a consumer calling back its producer): Eades, Lin and Smyth's greedy heuristic weighted by calls —
 * take sinks to the end and sources to the front, else the service calling out most against being
 * called. Ties go by name, so the order is the same on every load.
 */
export function flowOrder(services: string[], calls: Call[]): string[] {
  const remaining = new Set([...services].sort());
  const front: string[] = [];
  const back: string[] = [];
  const weight = (service: string, end: 'source' | 'target') =>
    calls.reduce((sum, c) => (c[end] === service && c.source !== c.target && remaining.has(c.source) && remaining.has(c.target) ? sum + c.calls : sum), 0);
  const take = (service: string, to: string[], atFront: boolean) => {
    remaining.delete(service);
    if (atFront) to.unshift(service);
    else to.push(service);
  };
  while (remaining.size > 0) {
    const sink = [...remaining].find((s) => weight(s, 'source') === 0 && weight(s, 'target') > 0);
    if (sink !== undefined) {
      take(sink, back, true);
      continue;
    }
    const source = [...remaining].find((s) => weight(s, 'target') === 0);
    if (source !== undefined) {
      take(source, front, false);
      continue;
    }
    const net = (s: string) => weight(s, 'source') - weight(s, 'target');
    take([...remaining].reduce((best, s) => (net(s) > net(best) ? s : best)), front, false);
  }
  return [...front, ...back];
}

/**
 * Column = the longest chain of calls leading to the service along flowOrder (calls against that
 * order, the few that close a cycle, do not push anything right); row = its place among the
 * column's services by name, centred on the axis.
 */
export function layoutDependencies(services: string[], calls: Call[]): Map<string, Placed> {
  const order = flowOrder(services, calls);
  const position = new Map(order.map((s, i) => [s, i]));
  const depth = new Map(order.map((s) => [s, 0]));
  for (const service of order) {
    for (const c of calls) {
      if (c.source === service && position.get(c.target)! > position.get(service)!) {
        depth.set(c.target, Math.max(depth.get(c.target)!, depth.get(service)! + 1));
      }
    }
  }
  const columns = new Map<number, string[]>();
  for (const s of [...services].sort()) columns.set(depth.get(s)!, [...(columns.get(depth.get(s)!) ?? []), s]);
  const placed = new Map<string, Placed>();
  for (const [column, names] of columns) {
    names.forEach((name, i) => placed.set(name, { x: column * COLUMN, y: (i - (names.length - 1) / 2) * ROW }));
  }
  return placed;
}

/** `value` of `max` on a square-root scale between `lo` and `hi` (areas and widths read as amounts). */
export function scaled(value: number, max: number, lo: number, hi: number): number {
  return max > 0 ? lo + (hi - lo) * Math.sqrt(Math.max(0, value) / max) : lo;
}

export function nodeTooltip(node: DependencyNode): string {
  return `<b>${escapeHtml(node.service)}</b><br>${escapeHtml(t.health.dependencies.nodeSummary(node.spans, node.errors))}`;
}

export function edgeTooltip(edge: DependencyEdge): string {
  const { calls, errors, p95 } = t.health.dependencies;
  return (
    `<b>${escapeHtml(edge.source)} → ${escapeHtml(edge.target)}</b><br>` +
    `${calls}: ${edge.calls}<br>${errors}: ${edge.errors}<br>${p95}: ${escapeHtml(formatDuration(edge.p95Ms))}`
  );
}

/** Every service of the graph: its nodes plus any edge end the API did not list as a node. */
export function graphNodes(graph: DependencyGraph): DependencyNode[] {
  const known = new Set(graph.nodes.map((n) => n.service));
  const extra = [...new Set(graph.edges.flatMap((e) => [e.source, e.target]))].filter((s) => !known.has(s)).sort();
  return [...graph.nodes, ...extra.map((service) => ({ service, spans: 0, errors: 0 }))];
}

export function dependencyOption(graph: DependencyGraph) {
  const nodes = graphNodes(graph);
  const placed = layoutDependencies(
    nodes.map((n) => n.service),
    graph.edges,
  );
  const maxSpans = Math.max(0, ...nodes.map((n) => n.spans));
  const maxCalls = Math.max(0, ...graph.edges.map((e) => e.calls));
  return {
    animation: false,
    tooltip: {
      trigger: 'item' as const,
      confine: true,
      formatter: (p: { dataType?: string; dataIndex: number }) => (p.dataType === 'edge' ? edgeTooltip(graph.edges[p.dataIndex]!) : nodeTooltip(nodes[p.dataIndex]!)),
    },
    series: [
      {
        type: 'graph' as const,
        layout: 'none' as const,
        top: 40,
        bottom: 40,
        left: 80,
        right: 80,
        roam: false,
        edgeSymbol: ['none', 'arrow'],
        edgeSymbolSize: 9,
        label: { show: true, position: 'bottom' as const, color: '#1f2933' },
        emphasis: { focus: 'adjacency' as const, lineStyle: { opacity: 1 } },
        data: nodes.map((n) => ({
          name: n.service,
          ...placed.get(n.service)!,
          value: n.spans,
          symbolSize: scaled(n.spans, maxSpans, 14, 56),
          itemStyle: { color: NODE_COLOR, borderColor: n.errors > 0 ? HEALTH_COLORS.bad : '#ffffff', borderWidth: n.errors > 0 ? 3 : 1 },
        })),
        links: graph.edges.map((e) => ({
          source: e.source,
          target: e.target,
          value: e.calls,
          // Two services calling each other get two arcs instead of one line drawn twice.
          lineStyle: { width: scaled(e.calls, maxCalls, 1, 9), color: e.errors > 0 ? HEALTH_COLORS.bad : EDGE_COLOR, opacity: 0.85, curveness: 0.12 },
        })),
      },
    ],
  };
}
