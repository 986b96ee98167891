// TraceView: a trace shown from the spans the caller already has (an order's) first, and completed
// from the API only once that has been drawn.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER, TRACE_CHECKOUT } from '../../../query-api/test-fixture.ts';
import type { Api } from '../lib/api.ts';
import type { Trace } from '../lib/api-types.ts';
import { startApi, type LiveApi } from './test-api.ts';
import { TraceView } from './trace-view.svelte.ts';

let live: LiveApi;
let complete: Trace;

beforeAll(async () => {
  live = await startApi();
  complete = await live.api.getTrace(TRACE_CHECKOUT);
});
afterAll(() => live.close());

/** The live API, counting the trace requests. */
function countingApi(): { api: Api; traceRequests: string[] } {
  const traceRequests: string[] = [];
  const api = Object.create(live.api) as Api;
  api.getTrace = (traceId, signal) => {
    traceRequests.push(traceId);
    return live.api.getTrace(traceId, signal);
  };
  return { api, traceRequests };
}

/** An afterPaint the test resolves: "the frame has been drawn". */
function frame(): { afterPaint: () => Promise<void>; paint: () => void } {
  let drawn = () => {};
  return { afterPaint: () => new Promise<void>((resolve) => (drawn = resolve)), paint: () => drawn() };
}

describe('TraceView', () => {
  it('draws the seed first and asks for the complete trace after that paint', async () => {
    expect(complete.spans.length).toBeGreaterThan(1);
    const { api, traceRequests } = countingApi();
    const { afterPaint, paint } = frame();
    const view = new TraceView(api, { afterPaint });
    const seed: Trace = { traceId: TRACE_CHECKOUT, spans: complete.spans.slice(0, 1), logs: [] };
    const opening = view.open(TRACE_CHECKOUT, null, seed);
    await Promise.resolve();
    expect(view.remote.data).toBe(seed);
    expect(view.layout?.rows.length).toBe(1);
    expect(traceRequests).toEqual([]);
    paint();
    await opening;
    expect(traceRequests).toEqual([TRACE_CHECKOUT]);
    expect(view.layout?.rows.length).toBe(complete.spans.length);
  });

  it('asks for nothing when the trace is closed before the seed was drawn', async () => {
    const { api, traceRequests } = countingApi();
    const { afterPaint, paint } = frame();
    const view = new TraceView(api, { afterPaint });
    const opening = view.open(TRACE_CHECKOUT, null, { traceId: TRACE_CHECKOUT, spans: complete.spans.slice(0, 1), logs: [] });
    view.close();
    paint();
    await opening;
    expect(traceRequests).toEqual([]);
    expect(view.remote.data).toBeNull();
  });

  it('loads at once when there is no seed', async () => {
    const { api, traceRequests } = countingApi();
    const view = new TraceView(api, { afterPaint: () => new Promise(() => {}) });
    await view.open(TRACE_CHECKOUT);
    expect(traceRequests).toEqual([TRACE_CHECKOUT]);
    expect(view.remote.data?.spans.length).toBe(complete.spans.length);
  });

  it('keeps the seed when the complete trace holds the same spans', async () => {
    const order = await live.api.getOrder(ORDER);
    const seed: Trace = { traceId: TRACE_CHECKOUT, spans: order.spans.filter((s) => s.traceId === TRACE_CHECKOUT), logs: order.logs.filter((l) => l.traceId === TRACE_CHECKOUT) };
    expect([seed.spans.length, seed.logs.length]).toEqual([complete.spans.length, complete.logs.length]);
    const { api, traceRequests } = countingApi();
    const view = new TraceView(api);
    await view.open(TRACE_CHECKOUT, null, seed);
    expect(traceRequests).toEqual([TRACE_CHECKOUT]);
    // The same object: the waterfall drawn from the seed is not laid out again.
    expect(view.remote.data).toBe(seed);
  });
});
