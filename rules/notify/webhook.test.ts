// The generic webhook notifier against real local HTTP servers.
import { afterEach, describe, expect, it } from 'vitest';
import { alertBurst, deadLetterBox, FAST_RETRY, T0 } from '../../test/helpers/alert-fixtures.ts';
import { closedPort, startHttpReceiver, type HttpReceiver, type HttpReceiverOptions } from '../../test/helpers/notify-receivers.ts';
import { NotificationGrouper } from './grouping.ts';
import type { Delivery } from './notification.ts';
import type { RetryPolicy } from './retry.ts';
import { webhookNotifier } from './webhook.ts';

const SECRET = 's3cr3t-for-tests';
let receivers: HttpReceiver[] = [];
afterEach(async () => {
  await Promise.all(receivers.map((r) => r.close()));
  receivers = [];
});

async function receiver(options: HttpReceiverOptions = {}): Promise<HttpReceiver> {
  const r = await startHttpReceiver(options);
  receivers.push(r);
  return r;
}

function grouped(count: number): Delivery {
  const grouper = new NotificationGrouper({ groupWaitMs: 0, groupIntervalMs: 0, maxExamples: 3, uiBaseUrl: 'https://ui.example' });
  for (const a of alertBurst(count)) grouper.add(a, T0);
  return { type: 'notification', notification: grouper.flush(T0, [])[0]! };
}

function notifier(url: string, options: { secret?: string; policy?: Partial<RetryPolicy> } = {}) {
  const box = deadLetterBox();
  const n = webhookNotifier({ id: 'ops-hook', url, policy: { ...FAST_RETRY, ...options.policy }, onDeadLetter: box.sink, ...(options.secret ? { secret: options.secret } : {}) });
  return { n, letters: box.letters };
}

const gaps = (r: HttpReceiver) => r.requests.slice(1).map((req, i) => req.atMs - r.requests[i]!.atMs);

describe('webhook notifier', () => {
  it('posts the delivery as JSON, signed so the receiver can verify it', async () => {
    const r = await receiver({ secret: SECRET });
    const { n, letters } = notifier(r.url, { secret: SECRET });
    const delivery = grouped(3);
    expect(await n.send(delivery)).toEqual({ channel: 'ops-hook', ok: true, attempts: 1 });
    expect(r.requests).toHaveLength(1);
    const [req] = r.requests;
    expect(req!.signatureValid).toBe(true);
    expect(req!.headers['content-type']).toBe('application/json');
    expect(req!.headers['x-ordertrace-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(Math.abs(Number(req!.headers['x-ordertrace-timestamp']) - Date.now() / 1000)).toBeLessThan(5);
    expect(r.accepted()).toEqual([JSON.parse(JSON.stringify(delivery))]);
    expect(r.accepted()[0]).toMatchObject({ type: 'notification', notification: { ruleId: 'paid-not-locked', firing: 3, totalOrders: 3 } });
    expect(letters).toEqual([]);
  });

  it('is rejected by a receiver holding another secret: 401 is not retried, the delivery is dead-lettered', async () => {
    const r = await receiver({ secret: SECRET });
    const { n, letters } = notifier(r.url, { secret: 'wrong-secret' });
    const result = await n.send(grouped(1));
    expect(result).toMatchObject({ ok: false, attempts: 1 });
    expect(r.requests.map((q) => [q.signatureValid, q.status])).toEqual([[false, 401]]);
    expect(letters).toHaveLength(1);
    expect(letters[0]).toMatchObject({ channel: 'ops-hook', attempts: 1, error: expect.stringContaining('HTTP 401') });
  });

  it('sends no signature without a secret', async () => {
    const r = await receiver();
    const { n } = notifier(r.url);
    await n.send(grouped(1));
    expect(r.requests[0]!.headers['x-ordertrace-signature']).toBeUndefined();
  });

  it('retries 5xx with exponential backoff, re-signing each attempt, then delivers', async () => {
    const r = await receiver({ secret: SECRET, respond: (i) => ({ status: i <= 3 ? 503 : 200 }) });
    const { n, letters } = notifier(r.url, { secret: SECRET, policy: { baseDelayMs: 50, jitter: 0, maxAttempts: 5 } });
    expect(await n.send(grouped(2))).toEqual({ channel: 'ops-hook', ok: true, attempts: 4 });
    expect(r.requests.map((q) => q.status)).toEqual([503, 503, 503, 200]);
    expect(r.requests.every((q) => q.signatureValid)).toBe(true);
    expect(new Set(r.requests.map((q) => q.headers['x-ordertrace-delivery'])).size).toBe(1);
    const [g1, g2, g3] = gaps(r);
    expect(g1).toBeGreaterThanOrEqual(45);
    expect(g2).toBeGreaterThanOrEqual(95);
    expect(g3).toBeGreaterThanOrEqual(195);
    expect(g3!).toBeLessThan(700);
    expect(letters).toEqual([]);
  });

  it('jitters the backoff within [d·(1−jitter), d]', async () => {
    const r = await receiver({ respond: (i) => ({ status: i <= 2 ? 500 : 200 }) });
    const { n } = notifier(r.url, { policy: { baseDelayMs: 100, jitter: 0.5 } });
    await n.send(grouped(1));
    const [g1, g2] = gaps(r);
    expect(g1).toBeGreaterThanOrEqual(45);
    expect(g1!).toBeLessThan(400);
    expect(g2).toBeGreaterThanOrEqual(95);
  });

  it('waits as long as a 429 Retry-After asks', async () => {
    const r = await receiver({ respond: (i) => (i === 1 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 }) });
    const { n } = notifier(r.url);
    expect(await n.send(grouped(1))).toMatchObject({ ok: true, attempts: 2 });
    expect(gaps(r)[0]).toBeGreaterThanOrEqual(990);
  });

  it('dead-letters after maxAttempts against a receiver that always fails', async () => {
    const r = await receiver({ respond: () => ({ status: 500 }) });
    const { n, letters } = notifier(r.url);
    const delivery = grouped(1);
    const result = await n.send(delivery);
    expect(result).toMatchObject({ ok: false, attempts: FAST_RETRY.maxAttempts });
    expect(r.requests).toHaveLength(FAST_RETRY.maxAttempts);
    expect(letters).toEqual([{ id: expect.any(String), channel: 'ops-hook', payload: JSON.stringify(delivery), error: `POST ${r.url}: HTTP 500 nope`, attempts: FAST_RETRY.maxAttempts, createdAtMs: expect.any(Number) }]);
  });

  it('does not retry other 4xx or follow redirects', async () => {
    const bad = await receiver({ respond: () => ({ status: 400 }) });
    const moved = await receiver({ respond: () => ({ status: 302, headers: { location: 'http://127.0.0.1:1/elsewhere' } }) });
    const a = notifier(bad.url);
    const b = notifier(moved.url);
    expect(await a.n.send(grouped(1))).toMatchObject({ ok: false, attempts: 1 });
    expect(await b.n.send(grouped(1))).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('redirects are not followed') });
    expect(bad.requests).toHaveLength(1);
    expect(moved.requests).toHaveLength(1);
  });

  it('retries timeouts and refused connections', async () => {
    const slow = await receiver({ delayMs: 500 });
    const s = notifier(slow.url, { policy: { timeoutMs: 100, maxAttempts: 2 } });
    expect(await s.n.send(grouped(1))).toMatchObject({ ok: false, attempts: 2, error: `POST ${slow.url}: timed out` });
    expect(slow.requests).toHaveLength(2);

    const down = notifier(`http://127.0.0.1:${await closedPort()}/hook`);
    expect(await down.n.send(grouped(1))).toMatchObject({ ok: false, attempts: FAST_RETRY.maxAttempts, error: expect.stringContaining('ECONNREFUSED') });
    expect(down.letters).toHaveLength(1);
  });

  it('refuses a URL that is not http(s)', () => {
    expect(() => notifier('ftp://example.com/x')).toThrow('notifier "ops-hook": url "ftp://example.com/x" must be http or https');
    expect(() => notifier('not a url')).toThrow('notifier "ops-hook": url "not a url" is not a valid URL');
  });
});
