// The critical path of a trace: the chain of spans that decides when the trace ends. Walking back
// from the trace's end, each span's time is either its own work or waiting for the child that
// finished last before that moment; following those children gives the path (as in Jaeger's UI).
// Unlike Jaeger, a child that outlives its parent (asynchronous work: a message consumed after the
// producer returned) is not cut at the parent's end: when it is what the trace ends with, the path
// follows it. Pure; times are exact ns offsets from the trace start.

export interface PathSpan {
  spanId: string;
  parentSpanId: string;
  /** ns from the trace start */
  start: number;
  end: number;
}

/** A stretch of time [start, end) during which `spanId` itself was the work the trace waited on. */
export interface PathSegment {
  spanId: string;
  start: number;
  end: number;
}

export interface CriticalPath {
  /** In time order, non-overlapping, covering the trace from its first start to its last end. */
  segments: PathSegment[];
  spanIds: Set<string>;
}

const VIRTUAL_ROOT = '';

/**
 * Children of each span; spans whose parent is absent from the trace hang under a virtual root, so
 * traces with several roots (or lost parents) still get one path.
 */
function childrenOf(spans: PathSpan[]): Map<string, PathSpan[]> {
  const ids = new Set(spans.map((s) => s.spanId));
  const children = new Map<string, PathSpan[]>();
  for (const span of spans) {
    const parent = span.parentSpanId && ids.has(span.parentSpanId) && span.parentSpanId !== span.spanId ? span.parentSpanId : VIRTUAL_ROOT;
    const list = children.get(parent);
    if (list) list.push(span);
    else children.set(parent, [span]);
  }
  return children;
}

/** The latest end in each span's subtree (its own end, or a descendant's that outlives it). */
function subtreeEnds(root: PathSpan, children: Map<string, PathSpan[]>): Map<string, number> {
  const ends = new Map<string, number>();
  // Post-order without recursion: deep traces must not overflow the stack.
  const stack: { span: PathSpan; expanded: boolean }[] = [{ span: root, expanded: false }];
  const onStack = new Set<string>();
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (!top.expanded) {
      top.expanded = true;
      onStack.add(top.span.spanId);
      for (const child of children.get(top.span.spanId) ?? []) {
        if (!ends.has(child.spanId) && !onStack.has(child.spanId)) stack.push({ span: child, expanded: false });
      }
      continue;
    }
    stack.pop();
    let end = top.span.end;
    for (const child of children.get(top.span.spanId) ?? []) end = Math.max(end, ends.get(child.spanId) ?? child.end);
    ends.set(top.span.spanId, end);
  }
  return ends;
}

export function criticalPath(spans: PathSpan[]): CriticalPath {
  const segments: PathSegment[] = [];
  if (spans.length === 0) return { segments, spanIds: new Set() };
  const children = childrenOf(spans);
  const root: PathSpan = {
    spanId: VIRTUAL_ROOT,
    parentSpanId: VIRTUAL_ROOT,
    // reduce, not Math.min(...): spreading 100 000 spans would overflow the argument list.
    start: spans.reduce((min, s) => Math.min(min, s.start), Infinity),
    end: spans.reduce((max, s) => Math.max(max, s.end), -Infinity),
  };
  const ends = subtreeEnds(root, children);
  const endOf = (s: PathSpan) => ends.get(s.spanId) ?? s.end;
  // Latest (subtree) end first; among equal ends the later start (the shorter wait) first.
  for (const list of children.values()) list.sort((a, b) => endOf(b) - endOf(a) || b.start - a.start);
  const visited = new Set<string>();

  // Segments are found newest first and reversed at the end. Each frame walks one span backwards
  // from `cursor` (its subtree's end, or earlier when its parent's path left it sooner); an explicit
  // stack, because a trace can be thousands of spans deep.
  interface Frame {
    span: PathSpan;
    cursor: number;
    start: number;
    next: number;
  }
  const stack: Frame[] = [];
  const enter = (span: PathSpan, windowEnd: number): void => {
    if (visited.has(span.spanId)) return; // a cycle in bad data
    visited.add(span.spanId);
    const cursor = Math.min(endOf(span), windowEnd);
    stack.push({ span, cursor, start: Math.min(span.start, cursor), next: 0 });
  };
  enter(root, root.end);
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    const kids = children.get(frame.span.spanId) ?? [];
    let descended = false;
    while (frame.next < kids.length && frame.cursor > frame.start) {
      const child = kids[frame.next++]!;
      // Only a child that had finished by the cursor can be what the span waited for.
      const childEnd = endOf(child);
      if (childEnd > frame.cursor || child.start >= frame.cursor) continue;
      if (childEnd < frame.cursor) segments.push({ spanId: frame.span.spanId, start: childEnd, end: frame.cursor });
      // The child's segments all lie in [child.start, childEnd]; the parent resumes before them.
      frame.cursor = Math.max(child.start, frame.start);
      const depth = stack.length;
      enter(child, childEnd);
      descended = stack.length > depth;
      if (descended) break;
    }
    if (descended) continue;
    if (frame.cursor > frame.start) segments.push({ spanId: frame.span.spanId, start: frame.start, end: frame.cursor });
    stack.pop();
  }

  const ordered = segments.filter((s) => s.spanId !== VIRTUAL_ROOT && s.end > s.start).reverse();
  const spanIds = new Set(ordered.map((s) => s.spanId));
  return { segments: ordered, spanIds };
}
