import { describe, expect, it } from 'vitest';
import { deadLetterBox, FAST_RETRY } from '../../test/helpers/alert-fixtures.ts';
import type { Delivery } from './notification.ts';
import { backoffDelayMs, deliverWithRetry, parseRetryAfter, retryPolicy, type AttemptResult } from './retry.ts';

const delivery: Delivery = { type: 'status', status: { orderId: 'ORD-1', from: 'paid', to: 'packed', atMs: 1 } };

function scripted(results: AttemptResult[]): { attempt: () => Promise<AttemptResult>; times: number[] } {
  const times: number[] = [];
  return {
    times,
    attempt: async () => {
      times.push(performance.now());
      return results[times.length - 1] ?? { kind: 'ok' };
    },
  };
}

describe('backoffDelayMs', () => {
  const policy = retryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 });
  it('doubles per attempt up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, policy, () => 0))).toEqual([100, 200, 400, 800, 1000, 1000]);
  });
  it('jitters down by at most the jitter fraction', () => {
    expect(backoffDelayMs(3, policy, () => 1)).toBe(200);
    expect(backoffDelayMs(3, policy, () => 0.5)).toBe(300);
  });
});

describe('parseRetryAfter', () => {
  it('reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('3', 0)).toBe(3000);
    expect(parseRetryAfter(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(parseRetryAfter(new Date(1000).toUTCString(), 4000)).toBe(0);
    expect(parseRetryAfter('soon', 0)).toBeUndefined();
    expect(parseRetryAfter(null, 0)).toBeUndefined();
  });
});

describe('retryPolicy', () => {
  it('names the bad field', () => {
    expect(() => retryPolicy({ maxAttempts: 0 })).toThrow('retry policy: maxAttempts must be at least 1, got 0');
    expect(() => retryPolicy({ baseDelayMs: Number.NaN })).toThrow('retry policy: baseDelayMs must be a non-negative number, got NaN');
    expect(() => retryPolicy({ jitter: 2 })).toThrow('retry policy: jitter must be between 0 and 1, got 2');
  });
});

describe('deliverWithRetry', () => {
  it('retries retryable results with growing delays, then succeeds', async () => {
    const box = deadLetterBox();
    const run = scripted([{ kind: 'retryable', error: 'e1' }, { kind: 'retryable', error: 'e2' }]);
    const result = await deliverWithRetry({ channel: 'hook', delivery, policy: { ...FAST_RETRY, jitter: 0 }, onDeadLetter: box.sink, attempt: run.attempt });
    expect(result).toEqual({ channel: 'hook', ok: true, attempts: 3 });
    expect(box.letters).toEqual([]);
    const gaps = run.times.slice(1).map((t, i) => t - run.times[i]!);
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
  });

  it('stops at a permanent failure and dead-letters the delivery', async () => {
    const box = deadLetterBox();
    const run = scripted([{ kind: 'retryable', error: 'e1' }, { kind: 'failed', error: 'HTTP 400' }]);
    const result = await deliverWithRetry({ channel: 'hook', delivery, policy: FAST_RETRY, onDeadLetter: box.sink, attempt: run.attempt, now: () => 42 });
    expect(result).toEqual({ channel: 'hook', ok: false, attempts: 2, error: 'HTTP 400' });
    expect(box.letters).toEqual([{ id: expect.any(String), channel: 'hook', payload: JSON.stringify(delivery), error: 'HTTP 400', attempts: 2, createdAtMs: 42 }]);
  });

  it('gives up after maxAttempts', async () => {
    const box = deadLetterBox();
    const run = scripted(Array.from({ length: 10 }, () => ({ kind: 'retryable' as const, error: 'down' })));
    const result = await deliverWithRetry({ channel: 'hook', delivery, policy: FAST_RETRY, onDeadLetter: box.sink, attempt: run.attempt });
    expect(result).toMatchObject({ ok: false, attempts: FAST_RETRY.maxAttempts, error: 'down' });
    expect(box.letters[0]!.attempts).toBe(FAST_RETRY.maxAttempts);
  });

  it('waits as long as Retry-After asks, and gives up when it asks for more than maxDelayMs', async () => {
    const run = scripted([{ kind: 'retryable', error: '429', retryAfterMs: 150 }]);
    await deliverWithRetry({ channel: 'hook', delivery, policy: FAST_RETRY, onDeadLetter: () => undefined, attempt: run.attempt });
    expect(run.times[1]! - run.times[0]!).toBeGreaterThanOrEqual(149);

    const box = deadLetterBox();
    const long = scripted([{ kind: 'retryable', error: 'HTTP 429', retryAfterMs: 3_600_000 }]);
    const result = await deliverWithRetry({ channel: 'hook', delivery, policy: FAST_RETRY, onDeadLetter: box.sink, attempt: long.attempt });
    expect(result).toMatchObject({ ok: false, attempts: 1, error: 'HTTP 429; the receiver asked to retry after 3600 s, beyond the 2 s limit' });
    expect(box.letters).toHaveLength(1);
  });

  it('rejects when the dead-letter sink fails', async () => {
    const run = scripted([{ kind: 'failed', error: 'x' }]);
    await expect(deliverWithRetry({ channel: 'hook', delivery, policy: FAST_RETRY, onDeadLetter: () => Promise.reject(new Error('store down')), attempt: run.attempt })).rejects.toThrow('store down');
  });
});
