// The span waterfall of one trace: spans in tree order (each parent before its children, siblings by
// start time) with their depth and position on the trace's time axis. Pure.
import type { Span } from '../../../core/model.ts';
import { criticalPath, type CriticalPath, type PathSegment } from './critical-path.ts';
import { offsetNs } from './time.ts';

export interface WaterfallRow {
  span: Span;
  depth: number;
  /** Position on the axis, 0..1 of the trace's duration. */
  left: number;
  width: number;
  durationMs: number;
  /** The parent span is not in the trace (not recorded, or lost). */
  orphan: boolean;
  onCriticalPath: boolean;
  /** Critical stretches of this span, as 0..1 positions on the axis. */
  critical: { left: number; width: number }[];
}

export interface Waterfall {
  rows: WaterfallRow[];
  startNs: string | null;
  durationMs: number;
  services: string[];
  path: CriticalPath;
}

const byStart = (a: Span, b: Span) => {
  const d = BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano);
  return d < 0n ? -1 : d > 0n ? 1 : a.spanId.localeCompare(b.spanId);
};

export function waterfall(spans: Span[]): Waterfall {
  if (spans.length === 0) return { rows: [], startNs: null, durationMs: 0, services: [], path: { segments: [], spanIds: new Set() } };
  const sorted = [...spans].sort(byStart);
  const base = BigInt(sorted[0]!.startTimeUnixNano);
  const end = sorted.reduce((max, s) => (BigInt(s.endTimeUnixNano) > max ? BigInt(s.endTimeUnixNano) : max), base);
  const total = Math.max(1, Number(end - base));

  const ids = new Set(sorted.map((s) => s.spanId));
  const children = new Map<string, Span[]>();
  const roots: Span[] = [];
  for (const span of sorted) {
    const parent = span.parentSpanId;
    if (parent && parent !== span.spanId && ids.has(parent)) {
      const list = children.get(parent);
      if (list) list.push(span);
      else children.set(parent, [span]);
    } else roots.push(span);
  }

  const path = criticalPath(sorted.map((s) => ({ spanId: s.spanId, parentSpanId: s.parentSpanId, start: offsetNs(s.startTimeUnixNano, base), end: offsetNs(s.endTimeUnixNano, base) })));
  const segmentsOf = new Map<string, PathSegment[]>();
  for (const seg of path.segments) {
    const list = segmentsOf.get(seg.spanId);
    if (list) list.push(seg);
    else segmentsOf.set(seg.spanId, [seg]);
  }

  const row = (span: Span, depth: number, orphan: boolean): WaterfallRow => {
    const start = offsetNs(span.startTimeUnixNano, base);
    const length = Math.max(0, offsetNs(span.endTimeUnixNano, base) - start);
    return {
      span,
      depth,
      left: start / total,
      width: length / total,
      durationMs: length / 1e6,
      orphan,
      onCriticalPath: path.spanIds.has(span.spanId),
      critical: (segmentsOf.get(span.spanId) ?? []).map((s) => ({ left: s.start / total, width: (s.end - s.start) / total })),
    };
  };

  const rows: WaterfallRow[] = [];
  const seen = new Set<string>();
  // Depth-first with an explicit stack: deep traces must not overflow the call stack.
  const stack: { span: Span; depth: number }[] = roots.map((span) => ({ span, depth: 0 })).reverse();
  while (stack.length > 0) {
    const { span, depth } = stack.pop()!;
    if (seen.has(span.spanId)) continue;
    seen.add(span.spanId);
    rows.push(row(span, depth, span.parentSpanId !== '' && !ids.has(span.parentSpanId)));
    const kids = children.get(span.spanId) ?? [];
    for (let i = kids.length - 1; i >= 0; i--) stack.push({ span: kids[i]!, depth: depth + 1 });
  }
  // Spans caught in a parent cycle are never reached from a root: list them at the end, flat.
  for (const span of sorted) if (!seen.has(span.spanId)) rows.push(row(span, 0, true));

  return {
    rows,
    startNs: base.toString(),
    durationMs: Number(end - base) / 1e6,
    services: [...new Set(sorted.map((s) => s.service))].sort(),
    path,
  };
}
