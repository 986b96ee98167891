// The rules routes over a real rules directory (watched: files change under the running API) and a
// real SQLite store: the rule list with alert counts and reload problems, and backtests of rule files.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../core/alerts.ts';
import type { OrderEvent } from '../core/model.ts';
import { ALL_EVENTS, NOW_MS, ORDER, OTHER_ORDER } from './test-fixture.ts';
import { BROKEN_YAML, T0_MS, openAlertsApi } from './test-alerts.ts';
import type { TestApi } from './test-store.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** The seed scenario: paid three hours ago, stock never locked. */
const SEED_ORDER = 'A-2001';
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();
function event(type: string, timeMs: number): OrderEvent {
  return { eventId: `api:${SEED_ORDER}:${type}`, orderId: SEED_ORDER, type, system: type.split('.')[0]!, timeUnixNano: ns(timeMs), status: '', traceId: '', spanId: '', source: 'api', attributes: {} };
}
const PAID_MS = NOW_MS - 3 * HOUR;

const STOCK_LOCK_YAML = `rules:
  - id: stock-lock-2h-test
    kind: deadline
    title: Paid but stock not locked within 2h
    severity: critical
    after: payment.succeeded
    expect: inventory.locked
    within: 2h
`;

let api: TestApi;
beforeAll(async () => {
  api = await openAlertsApi();
  await api.store.write({ events: [event('order.created', PAID_MS - 5 * MIN), event('payment.succeeded', PAID_MS)] });
});
afterAll(async () => {
  await api?.close();
});

type Json = Record<string, unknown>;

async function call(method: 'GET' | 'POST', url: string, payload?: unknown) {
  const response = await api.app.inject({ method, url, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.json() as Json };
}

async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('GET /api/v1/rules', () => {
  it('lists every loaded rule with its source and open alert counts', async () => {
    const { status, body } = await call('GET', '/api/v1/rules');
    expect(status).toBe(200);
    const file = join(api.rulesDir, 'rules.yaml');
    expect(body.files).toEqual([file]);
    expect(body.errors).toEqual([]);
    expect(body.loadedAtMs).toBe(NOW_MS);
    expect(body.rules).toEqual([
      { id: 'stock-lock-2h', kind: 'deadline', title: 'Paid but stock not locked within 2h', severity: 'critical', labels: { team: 'inventory' }, enabled: true, source: { file, line: 9 }, firing: 1, acknowledged: 0 },
      { id: 'packing-24h', kind: 'deadline', title: 'Stock locked but not packed within 24h', severity: 'warning', labels: { team: 'warehouse' }, enabled: true, source: { file, line: 24 }, firing: 2, acknowledged: 0 },
      { id: 'return-decision-8h', kind: 'deadline', title: 'Return not decided within 8 business hours', severity: 'info', labels: {}, enabled: true, source: { file, line: 31 }, firing: 0, acknowledged: 0 },
      { id: 'return-approval-sla', kind: 'return_sla', title: 'Return waiting for approval longer than its SLA', severity: 'warning', labels: { team: 'returns' }, enabled: true, source: { file, line: 39 }, firing: 1, acknowledged: 1 },
    ]);
  });

  it('shows the problems of a broken rule file while the previous set stays in force, and clears them once fixed', async () => {
    const broken = join(api.rulesDir, 'broken.yaml');
    writeFileSync(broken, BROKEN_YAML);
    try {
      const { body } = await eventually(() => call('GET', '/api/v1/rules'), (r) => (r.body.errors as unknown[]).length > 0);
      const errors = body.errors as Array<{ file: string; line: number; column: number; path: string; message: string }>;
      expect(errors.map((e) => [e.file, e.line, e.path])).toEqual([
        [broken, 7, 'rules[0].within'],
        [broken, 9, 'rules[1].kind'],
      ]);
      expect(errors[0]!.message).toMatch(/two hours/);
      expect(errors[1]!.message).toMatch(/teleport/);
      expect((body.rules as Json[]).map((r) => r.id)).toEqual(['stock-lock-2h', 'packing-24h', 'return-decision-8h', 'return-approval-sla']);
    } finally {
      rmSync(broken);
    }
    const fixed = await eventually(() => call('GET', '/api/v1/rules'), (r) => (r.body.errors as unknown[]).length === 0);
    expect(fixed.body.errors).toEqual([]);
  });
});

describe('POST /api/v1/rules/test', () => {
  it('backtests the seed scenario: paid 3h ago without a stock lock, the 2h rule fires', async () => {
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml: STOCK_LOCK_YAML, orderId: SEED_ORDER });
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderId: SEED_ORDER, fromMs: PAID_MS - 5 * MIN, toMs: NOW_MS, ruleIds: ['stock-lock-2h-test'], scanned: { events: 2, spans: 0, logs: 0 }, replayed: 2 });
    const alerts = body.alerts as Alert[];
    expect(alerts).toHaveLength(1);
    // due 2h after payment; fires after the default 2 min grace
    expect(alerts[0]).toMatchObject({ ruleId: 'stock-lock-2h-test', orderId: SEED_ORDER, state: 'firing', severity: 'critical', dueMs: PAID_MS + 2 * HOUR, firedAtMs: PAID_MS + 2 * HOUR + 2 * MIN });
    // nothing is stored
    expect((await call('GET', `/api/v1/alerts?order=${SEED_ORDER}`)).body.items).toEqual([]);
  });

  it('finds the order by any of its keys', async () => {
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml: STOCK_LOCK_YAML, orderId: 'PAY-78' });
    expect({ status, orderId: body.orderId, fired: (body.alerts as Alert[]).map((a) => a.orderId) }).toEqual({ status: 200, orderId: OTHER_ORDER, fired: [OTHER_ORDER] });
  });

  it('backtests a time window over the stored order events', async () => {
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml: STOCK_LOCK_YAML, from: '2026-03-01T10:00:00Z', to: T0_MS + 24 * HOUR });
    expect(status).toBe(200);
    expect(body).toMatchObject({ orderId: null, fromMs: T0_MS, toMs: T0_MS + 24 * HOUR, scanned: { spans: 0, logs: 0 } });
    // A-1001 locked its stock 40 min after payment; A-1002 never did. The seed order is outside the window.
    expect((body.alerts as Alert[]).map((a) => [a.orderId, a.state])).toEqual([[OTHER_ORDER, 'firing']]);
    const inWindow = ALL_EVENTS.filter((e) => BigInt(e.timeUnixNano) < BigInt(ns(T0_MS + 24 * HOUR)));
    expect((body.scanned as Json).events).toBe(inWindow.length);
  });

  it('replays spans and logs for error-pattern rules', async () => {
    const yaml = `rules:
  - id: deductions-failing
    kind: error_pattern
    title: Stock deductions failing
    match: { signal: span, service: inventory, pattern: deduction failed }
    threshold: 1
    window: 5m
    rootCause: inventory row locks
`;
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml, from: String(T0_MS), to: String(T0_MS + HOUR) });
    expect(status).toBe(200);
    expect((body.scanned as Json).spans).toBeGreaterThan(0);
    expect((body.alerts as Alert[]).map((a) => [a.ruleId, a.orderId, a.rootCause])).toEqual([['deductions-failing', ORDER, 'inventory row locks']]);
  });

  it('lets a tested file use the calendars of the loaded rule set', async () => {
    const yaml = STOCK_LOCK_YAML.replace('within: 2h', 'within: 2h\n    calendar: berlin-office');
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml, orderId: OTHER_ORDER });
    expect(status).toBe(200);
    // paid Sunday 2026-03-01 12:00 UTC: the business clock starts Monday 09:00 Berlin (08:00 UTC)
    expect((body.alerts as Alert[])[0]!.dueMs).toBe(Date.parse('2026-03-02T10:00:00Z'));
  });

  it('answers 422 OT_ERR_RULE_INVALID with every located problem', async () => {
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml: BROKEN_YAML, fileName: 'mine.yaml', orderId: SEED_ORDER });
    expect({ status, code: body.code }).toEqual({ status: 422, code: 'OT_ERR_RULE_INVALID' });
    const errors = body.errors as Array<{ file: string; line: number; column: number; path: string; message: string }>;
    expect(errors.map((e) => [e.file, e.line, e.path])).toEqual([['mine.yaml', 7, 'rules[0].within'], ['mine.yaml', 9, 'rules[1].kind']]);
    expect(body.message).toMatch(/^the rule file has 2 problem\(s\): mine\.yaml:7:\d+: rules\[0\]\.within: .*; mine\.yaml:9:\d+: rules\[1\]\.kind: /);
  });

  it.each([
    ['a YAML syntax error', 'rules: [\n  - id: x\n', /YAML syntax/],
    ['an unknown calendar', STOCK_LOCK_YAML.replace('within: 2h', 'within: 2h\n    calendar: moon-base'), /unknown calendar "moon-base"/],
    ['a file without rules', 'calendars: []\n', /defines no rules/],
  ])('answers 422 for %s', async (_what, yaml, message) => {
    const { status, body } = await call('POST', '/api/v1/rules/test', { yaml, orderId: SEED_ORDER });
    expect({ status, code: body.code }).toEqual({ status: 422, code: 'OT_ERR_RULE_INVALID' });
    expect((body.errors as Array<{ message: string }>).map((e) => e.message).join('\n')).toMatch(message);
  });

  it.each<[string, Json, number, string, string | RegExp]>([
    ['no target', { yaml: STOCK_LOCK_YAML }, 400, 'OT_ERR_BAD_PARAMETER', 'give orderId, or from and to: what should the rules run over?'],
    ['an order and a window', { yaml: STOCK_LOCK_YAML, orderId: ORDER, from: '2026-03-01T00:00:00Z' }, 400, 'OT_ERR_BAD_PARAMETER', 'give orderId, or from and to — not both'],
    ['half a window', { yaml: STOCK_LOCK_YAML, from: '2026-03-01T00:00:00Z' }, 400, 'OT_ERR_BAD_PARAMETER', 'a window needs both from and to, got only from'],
    ['a window that is too long', { yaml: STOCK_LOCK_YAML, from: '2026-01-01T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 400, 'OT_ERR_BAD_PARAMETER', /is longer than 31 days/],
    ['a reversed window', { yaml: STOCK_LOCK_YAML, from: '2026-03-02T00:00:00Z', to: '2026-03-01T00:00:00Z' }, 400, 'OT_ERR_BAD_PARAMETER', /^from must be earlier than to/],
    ['no YAML', { orderId: ORDER }, 400, 'OT_ERR_BAD_PARAMETER', 'body field yaml is required'],
    ['YAML that is not text', { yaml: { rules: [] }, orderId: ORDER }, 400, 'OT_ERR_BAD_PARAMETER', /^yaml must be string/],
    ['an unknown order', { yaml: STOCK_LOCK_YAML, orderId: 'NO-SUCH-ORDER' }, 404, 'OT_ERR_ORDER_NOT_FOUND', /"NO-SUCH-ORDER"/],
  ])('rejects %s', async (_what, payload, status, code, message) => {
    const { status: got, body } = await call('POST', '/api/v1/rules/test', payload);
    expect({ status: got, code: body.code }).toEqual({ status, code });
    expect(body.message).toMatch(message);
  });

});
