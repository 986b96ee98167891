// The alert routes over a real SQLite store and a real rules directory, driven with inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../core/alerts.ts';
import { NOW_MS, ORDER, OTHER_ORDER, charge, deductFailed, deductionLog } from './test-fixture.ts';
import { ALL_ALERTS, T0_MS, awkwardAlert, escalatedReturn, lateAlert, newestAlertFirst, openAlertsApi, orphanAlert, overdueReturn, stuckAlert } from './test-alerts.ts';
import type { TestApi } from './test-store.ts';

let api: TestApi;
beforeAll(async () => {
  api = await openAlertsApi();
});
afterAll(async () => {
  await api?.close();
});

type Json = Record<string, unknown>;

async function request(method: 'GET' | 'POST', url: string, options: { payload?: unknown; headers?: Record<string, string> } = {}) {
  const response = await api.app.inject({ method, url, ...options } as never);
  return { status: response.statusCode, body: response.json() as Json };
}

async function expectError(method: 'GET' | 'POST', url: string, status: number, code: string, message: string | RegExp, options: { payload?: unknown; headers?: Record<string, string> } = {}) {
  const { status: got, body } = await request(method, url, options);
  expect({ url, status: got, code: body.code }).toEqual({ url, status, code });
  expect(body.message).toMatch(message);
}

const alertIds = (items: unknown) => (items as Alert[]).map((a) => a.id);
const expected = (pick: (a: Alert) => boolean) => ALL_ALERTS.filter(pick).sort(newestAlertFirst).map((a) => a.id);
const iso = (ms: number) => new Date(ms).toISOString();

describe('GET /api/v1/alerts', () => {
  it('lists every alert, newest first, complete', async () => {
    const { status, body } = await request('GET', '/api/v1/alerts');
    expect(status).toBe(200);
    expect(body).toEqual({ items: [...ALL_ALERTS].sort(newestAlertFirst), nextCursor: null });
  });

  it.each<[string, (a: Alert) => boolean]>([
    ['rule=stock-lock-2h', (a) => a.ruleId === 'stock-lock-2h'],
    [`order=${ORDER}`, (a) => a.orderId === ORDER],
    ['state=firing', (a) => a.state === 'firing'],
    ['state=ACKNOWLEDGED', (a) => a.state === 'acknowledged'],
    ['state=resolved', (a) => a.state === 'resolved'],
    ['severity=critical', (a) => a.severity === 'critical'],
    ['rule=stock-lock-2h&state=firing', (a) => a.ruleId === 'stock-lock-2h' && a.state === 'firing'],
    [`order=${ORDER}&severity=warning`, (a) => a.orderId === ORDER && a.severity === 'warning'],
    // from inclusive, to exclusive, on firedAt; RFC 3339 or ms
    [`from=${iso(lateAlert.firedAtMs)}&to=${stuckAlert.firedAtMs}`, (a) => a.firedAtMs >= lateAlert.firedAtMs && a.firedAtMs < stuckAlert.firedAtMs],
    [`from=${stuckAlert.firedAtMs}`, (a) => a.firedAtMs >= stuckAlert.firedAtMs],
    [`to=${iso(stuckAlert.firedAtMs)}`, (a) => a.firedAtMs < stuckAlert.firedAtMs],
    // sub-millisecond bounds: an alert fired at ms t is before from=t.5 and before to=t.5
    [`from=${stuckAlert.firedAtMs}.5`, (a) => a.firedAtMs > stuckAlert.firedAtMs],
    [`to=${stuckAlert.firedAtMs}.5`, (a) => a.firedAtMs <= stuckAlert.firedAtMs],
    ['order=NO-SUCH-ORDER', () => false],
    ['rule=', () => true],
  ])('filters by %s', async (query, pick) => {
    const { status, body } = await request('GET', `/api/v1/alerts?${query}`);
    expect(status).toBe(200);
    expect(alertIds(body.items)).toEqual(expected(pick));
    expect(body.nextCursor).toBeNull();
  });

  it('pages with an opaque cursor until nextCursor is null', async () => {
    const seen: string[] = [];
    const sizes: number[] = [];
    let url = '/api/v1/alerts?limit=3';
    for (let page = 0; page < 10; page++) {
      const { status, body } = await request('GET', url);
      expect(status).toBe(200);
      seen.push(...alertIds(body.items));
      sizes.push((body.items as unknown[]).length);
      if (body.nextCursor === null) break;
      url = `/api/v1/alerts?limit=3&cursor=${encodeURIComponent(body.nextCursor as string)}`;
    }
    expect(seen).toEqual(expected(() => true));
    expect(sizes).toEqual([3, 3, 1]);
  });

  it('pages a filtered list', async () => {
    const first = await request('GET', '/api/v1/alerts?state=firing&limit=2');
    const second = await request('GET', `/api/v1/alerts?state=firing&limit=2&cursor=${encodeURIComponent(first.body.nextCursor as string)}`);
    expect([...alertIds(first.body.items), ...alertIds(second.body.items)]).toEqual(expected((a) => a.state === 'firing').slice(0, 4));
  });

  it.each([
    ['state=open', 'state must be one of firing, acknowledged, resolved, got "open"'],
    ['severity=high', 'severity must be one of critical, warning, info, got "high"'],
    ['limit=0', 'limit must be an integer from 1 to 1000, got "0"'],
    ['from=yesterday', /^from must be an RFC 3339 timestamp/],
    [`from=${iso(NOW_MS)}&to=${iso(T0_MS)}`, /^from must be earlier than to/],
    ['rule=a&rule=b', 'rule must be given at most once, got 2 values ["a","b"]'],
    ['ruel=stock-lock-2h', /^unknown query parameter "ruel" \(did you mean "rule"\?\); known: rule, order, state, severity, from, to, limit, cursor$/],
    ['attr.order.id=A-1001', /^unknown query parameter "attr\.order\.id"/],
    ['cursor=not-a-cursor', /cursor/],
  ])('rejects %s with OT_ERR_BAD_PARAMETER', async (query, message) => {
    await expectError('GET', `/api/v1/alerts?${query}`, 400, 'OT_ERR_BAD_PARAMETER', message);
  });
});

describe('GET /api/v1/alerts/{id}', () => {
  it("answers the alert, its rule's guide rendered for the order, and the records its evidence names", async () => {
    const { status, body } = await request('GET', `/api/v1/alerts/${lateAlert.id}`);
    expect(status).toBe(200);
    expect(body.alert).toEqual(lateAlert);
    const guide = body.guide as { markdown: string; html: string };
    expect(guide.markdown).toContain(`## Paid, but stock was never locked`);
    expect(guide.markdown).toContain(`Order [${ORDER}](http://127.0.0.1:8080/#/orders/${ORDER}) is due since ${iso(lateAlert.dueMs!)}.`);
    // the failing span the evidence names, listed by the template
    expect(guide.markdown).toContain('- **inventory** deduct stock: deduction failed: row locked');
    expect(guide.html).toContain('<h2>Paid, but stock was never locked</h2>');
    expect(guide.html).toContain(`<a href="http://127.0.0.1:8080/#/orders/${ORDER}" rel="noopener noreferrer">${ORDER}</a>`);
    const evidence = body.evidence as { events: Json[]; spans: Json[]; logs: Json[] };
    expect(evidence.events.map((e) => e.eventId)).toEqual([`${charge.traceId}:${charge.spanId}`]);
    expect(evidence.spans).toEqual([deductFailed]);
    expect(evidence.logs).toEqual([deductionLog]);
  });

  it('has no guide when the rule defines none or is no longer loaded', async () => {
    const packing = await request('GET', `/api/v1/alerts/${awkwardAlert.id}`);
    expect(packing.status).toBe(200);
    expect(packing.body.guide).toBeNull();
    const orphan = await request('GET', `/api/v1/alerts/${orphanAlert.id}`);
    expect({ status: orphan.status, guide: orphan.body.guide, evidence: orphan.body.evidence }).toEqual({ status: 200, guide: null, evidence: { events: [], spans: [], logs: [] } });
  });

  it('answers 404 for an unknown ID', async () => {
    await expectError('GET', '/api/v1/alerts/0000', 404, 'OT_ERR_ALERT_NOT_FOUND', 'no alert has ID "0000"');
  });
});

describe('acknowledging and resolving', () => {
  it('acknowledges a firing alert, then resolves it, recording who and when', async () => {
    const ack = await request('POST', `/api/v1/alerts/${stuckAlert.id}/ack`, { payload: { actor: 'alex', comment: 'calling the inventory team' } });
    expect(ack.status).toBe(200);
    expect(ack.body).toMatchObject({ id: stuckAlert.id, state: 'acknowledged', acknowledgedBy: 'alex', acknowledgedAtMs: NOW_MS, resolvedBy: null, resolution: null });
    expect((ack.body.details as Json).acknowledgeComment).toBe('calling the inventory team');
    expect(ack.body.version).toBeGreaterThan(stuckAlert.version);
    // stored: a later read sees it
    expect((await request('GET', `/api/v1/alerts/${stuckAlert.id}`)).body.alert).toEqual(ack.body);

    // the actor may come from the header instead
    const resolved = await request('POST', `/api/v1/alerts/${stuckAlert.id}/resolve`, { headers: { 'x-ordertrace-actor': 'robin' } });
    expect(resolved.status).toBe(200);
    expect(resolved.body).toMatchObject({ state: 'resolved', resolution: 'manual', resolvedBy: 'robin', resolvedAtMs: NOW_MS, acknowledgedBy: 'alex' });
    expect(resolved.body.version).toBeGreaterThan(ack.body.version as number);
    const listed = await request('GET', `/api/v1/alerts?order=${OTHER_ORDER}&state=resolved`);
    expect(alertIds(listed.body.items)).toEqual([stuckAlert.id]);
  });

  it('resolves a firing alert directly; the body actor wins over the header', async () => {
    const { status, body } = await request('POST', `/api/v1/alerts/${awkwardAlert.id}/resolve`, {
      payload: { actor: 'kim', comment: 'packed by hand' },
      headers: { 'x-ordertrace-actor': 'someone-else' },
    });
    expect(status).toBe(200);
    expect(body).toMatchObject({ state: 'resolved', resolution: 'manual', resolvedBy: 'kim', acknowledgedBy: null });
    expect((body.details as Json).resolveComment).toBe('packed by hand');
  });

  it('answers 409 OT_ERR_INVALID_TRANSITION for a transition the lifecycle refuses', async () => {
    const headers = { 'x-ordertrace-actor': 'alex' };
    await expectError('POST', `/api/v1/alerts/${lateAlert.id}/ack`, 409, 'OT_ERR_INVALID_TRANSITION', /is resolved .*cannot become acknowledged/, { headers });
    await expectError('POST', `/api/v1/alerts/${lateAlert.id}/resolve`, 409, 'OT_ERR_INVALID_TRANSITION', /cannot become resolved/, { headers });
    await expectError('POST', `/api/v1/alerts/${overdueReturn.id}/ack`, 409, 'OT_ERR_INVALID_TRANSITION', /is acknowledged; it cannot become acknowledged/, { headers });
    // nothing changed
    expect((await request('GET', `/api/v1/alerts/${overdueReturn.id}`)).body.alert).toEqual(overdueReturn);
  });

  it('answers 404 for an unknown alert', async () => {
    await expectError('POST', '/api/v1/alerts/nope/ack', 404, 'OT_ERR_ALERT_NOT_FOUND', 'no alert has ID "nope"', { payload: { actor: 'alex' } });
  });

  it.each<[string, { payload?: unknown; headers?: Record<string, string> }, number, string, string | RegExp]>([
    ['no actor anywhere', {}, 400, 'OT_ERR_BAD_PARAMETER', 'actor is required: give it in the body or in the x-ordertrace-actor header'],
    ['a blank actor', { payload: { actor: '   ' } }, 400, 'OT_ERR_BAD_PARAMETER', /^actor is required/],
    ['an actor that is not a string', { payload: { actor: 42 } }, 400, 'OT_ERR_BAD_PARAMETER', 'actor must be string, got 42'],
    ['an unknown body field', { payload: { actor: 'alex', note: 'x' } }, 400, 'OT_ERR_BAD_PARAMETER', 'unknown body field "note"'],
    ['a body that is not an object', { payload: ['alex'], headers: { 'x-ordertrace-actor': 'alex' } }, 400, 'OT_ERR_BAD_PARAMETER', 'the body must be object, got ["alex"]'],
    ['a comment that is too long', { payload: { actor: 'alex', comment: 'x'.repeat(2001) } }, 400, 'OT_ERR_BAD_PARAMETER', /^comment must be at most 2000 characters/],
    ['malformed JSON', { payload: '{"actor":', headers: { 'content-type': 'application/json' } }, 400, 'OT_ERR_DECODE', /JSON/],
    ['an unsupported content type', { payload: 'actor=alex', headers: { 'content-type': 'application/x-www-form-urlencoded' } }, 415, 'OT_ERR_BAD_CONTENT_TYPE', 'Content-Type "application/x-www-form-urlencoded" is not accepted; send application/json'],
  ])('rejects %s', async (_what, options, status, code, message) => {
    await expectError('POST', `/api/v1/alerts/${escalatedReturn.id}/ack`, status, code, message, options);
    expect((await request('GET', `/api/v1/alerts/${escalatedReturn.id}`)).body.alert).toEqual(escalatedReturn);
  });
});

