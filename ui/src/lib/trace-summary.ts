// One line per trace of an order, for the order page's trace list. Pure.
import { StatusCode } from '../../../core/model.ts';
import type { Span } from './api-types.ts';
import { nsToMs } from './time.ts';

export interface TraceSummary {
  traceId: string;
  /** The earliest root span's name (or the earliest span's when no root was recorded). */
  name: string;
  service: string;
  spanCount: number;
  errorCount: number;
  services: string[];
  startMs: number | null;
  durationMs: number | null;
}

export function traceSummaries(traceIds: string[], spans: Span[]): TraceSummary[] {
  const byTrace = new Map<string, Span[]>();
  for (const id of traceIds) byTrace.set(id, []);
  for (const span of spans) {
    const list = byTrace.get(span.traceId);
    if (list) list.push(span);
    else byTrace.set(span.traceId, [span]);
  }
  const summaries = [...byTrace].map(([traceId, list]): TraceSummary => {
    if (list.length === 0) return { traceId, name: '', service: '', spanCount: 0, errorCount: 0, services: [], startMs: null, durationMs: null };
    let first = list[0]!;
    let start = BigInt(first.startTimeUnixNano);
    let end = BigInt(first.endTimeUnixNano);
    let root: Span | undefined;
    for (const s of list) {
      const st = BigInt(s.startTimeUnixNano);
      if (st < start) [start, first] = [st, s];
      if (BigInt(s.endTimeUnixNano) > end) end = BigInt(s.endTimeUnixNano);
      if (s.parentSpanId === '' && (!root || BigInt(root.startTimeUnixNano) > st)) root = s;
    }
    const head = root ?? first;
    return {
      traceId,
      name: head.name,
      service: head.service,
      spanCount: list.length,
      errorCount: list.filter((s) => s.status.code === StatusCode.ERROR).length,
      services: [...new Set(list.map((s) => s.service))].sort(),
      startMs: nsToMs(start.toString()),
      durationMs: Number(end - start) / 1e6,
    };
  });
  // Oldest first: checkout, then fulfilment, then a return weeks later.
  return summaries.sort((a, b) => (a.startMs ?? Infinity) - (b.startMs ?? Infinity));
}
