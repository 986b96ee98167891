import { describe, expect, it } from 'vitest';
import { criticalPath, type PathSpan } from './critical-path.ts';

const span = (spanId: string, parentSpanId: string, start: number, end: number): PathSpan => ({ spanId, parentSpanId, start, end });
const ids = (spans: PathSpan[]) => [...criticalPath(spans).spanIds].sort();

describe('criticalPath', () => {
  it('is empty for no spans and the span itself for one', () => {
    expect(criticalPath([]).segments).toEqual([]);
    expect(criticalPath([span('a', '', 0, 10)]).segments).toEqual([{ spanId: 'a', start: 0, end: 10 }]);
  });

  it('follows sequential children and gives the parent the gaps between them', () => {
    const spans = [span('root', '', 0, 100), span('a', 'root', 10, 40), span('b', 'root', 50, 90)];
    expect(criticalPath(spans).segments).toEqual([
      { spanId: 'root', start: 0, end: 10 },
      { spanId: 'a', start: 10, end: 40 },
      { spanId: 'root', start: 40, end: 50 },
      { spanId: 'b', start: 50, end: 90 },
      { spanId: 'root', start: 90, end: 100 },
    ]);
  });

  it('takes only the last-finishing of parallel children', () => {
    // fast and slow run in parallel; the root waits for slow.
    const spans = [span('root', '', 0, 100), span('fast', 'root', 5, 30), span('slow', 'root', 5, 95)];
    expect(ids(spans)).toEqual(['root', 'slow']);
  });

  it('goes down through grandchildren', () => {
    const spans = [span('root', '', 0, 100), span('child', 'root', 10, 90), span('grandchild', 'child', 20, 80), span('sibling', 'child', 12, 18)];
    const path = criticalPath(spans);
    expect([...path.spanIds].sort()).toEqual(['child', 'grandchild', 'root', 'sibling']);
    expect(path.segments.find((s) => s.spanId === 'sibling')).toEqual({ spanId: 'sibling', start: 12, end: 18 });
  });

  it('skips a child still running when the parent resumed (it did not block)', () => {
    // overlap starts at 20 and ends at 70; blocker ends at 60 … but overlap ends after blocker's start
    const spans = [span('root', '', 0, 100), span('blocker', 'root', 50, 95), span('overlap', 'root', 20, 70)];
    expect(ids(spans)).toEqual(['blocker', 'root']);
  });

  it('follows asynchronous work that outlives its parent when the trace ends with it', () => {
    // publish returns at 30, the consumer runs 40..200: the trace ends with the consumer.
    const spans = [span('root', '', 0, 50), span('publish', 'root', 10, 30), span('consume', 'publish', 40, 200), span('mail', 'consume', 60, 190)];
    const path = criticalPath(spans);
    expect([...path.spanIds].sort()).toEqual(['consume', 'mail', 'publish', 'root']);
    expect(path.segments.at(-1)).toEqual({ spanId: 'consume', start: 190, end: 200 });
    expect(path.segments[0]).toEqual({ spanId: 'root', start: 0, end: 10 });
  });

  it('joins several roots (or spans whose parent was not recorded) end to end', () => {
    const spans = [span('r1', '', 0, 40), span('orphan', 'not-recorded', 50, 100), span('late-child', 'orphan', 60, 90)];
    expect(criticalPath(spans).segments.map((s) => s.spanId)).toEqual(['r1', 'orphan', 'late-child', 'orphan']);
  });

  it('segments never overlap and cover the trace from first start to last end', () => {
    const spans = [
      span('root', '', 0, 1000),
      ...Array.from({ length: 50 }, (_, i) => span(`c${i}`, 'root', i * 19, i * 19 + 37)),
      ...Array.from({ length: 50 }, (_, i) => span(`g${i}`, `c${i}`, i * 19 + 3, i * 19 + 20)),
    ];
    const { segments } = criticalPath(spans);
    expect(segments[0]!.start).toBe(0);
    expect(segments.at(-1)!.end).toBe(1000);
    for (let i = 1; i < segments.length; i++) expect(segments[i]!.start).toBe(segments[i - 1]!.end);
  });

  it('survives a parent cycle in bad data', () => {
    const spans = [span('a', 'b', 0, 10), span('b', 'a', 0, 10), span('root', '', 0, 20)];
    expect(ids(spans)).toEqual(['root']);
  });
});
