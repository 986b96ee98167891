// Silence CRUD over a real SQLite store, driven with inject(); the API clock moves between requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW_MS } from './test-fixture.ts';
import { RULES_YAML } from './test-alerts.ts';
import { openTestApi, type TestApi } from './test-store.ts';

const HOUR = 3_600_000;
let clock = NOW_MS;
let api: TestApi;
beforeAll(async () => {
  api = await openTestApi({ ruleFiles: { 'rules.yaml': RULES_YAML }, now: () => clock });
});
afterAll(async () => {
  await api?.close();
});

type Json = Record<string, unknown>;

async function call(method: 'GET' | 'POST' | 'DELETE', url: string, payload?: unknown, headers: Record<string, string> = {}) {
  const response = await api.app.inject({ method, url, headers, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: response.statusCode, body: response.json() as Json };
}

describe('silences', () => {
  it('creates, lists, reads and expires a silence, keeping it for audit', async () => {
    clock = NOW_MS;
    const created = await call('POST', '/api/v1/silences', { ruleId: 'stock-lock-2h', matchers: { team: 'inventory' }, durationMs: 2 * HOUR, comment: 'stock sync maintenance' }, { 'x-ordertrace-actor': 'alex' });
    expect(created.status).toBe(200);
    const id = created.body.id as string;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.body).toEqual({
      id, ruleId: 'stock-lock-2h', matchers: { team: 'inventory' }, endsAtMs: NOW_MS + 2 * HOUR, createdBy: 'alex',
      comment: 'stock sync maintenance', createdAtMs: NOW_MS, version: 1, active: true,
    });

    const other = await call('POST', '/api/v1/silences', { matchers: { orderId: 'A-1002' }, endsAt: new Date(NOW_MS + HOUR).toISOString(), createdBy: 'kim' });
    expect(other.body).toMatchObject({ ruleId: null, matchers: { orderId: 'A-1002' }, endsAtMs: NOW_MS + HOUR, createdBy: 'kim', comment: '', active: true });

    // soonest to end first
    expect(((await call('GET', '/api/v1/silences')).body.items as Json[]).map((s) => s.id)).toEqual([other.body.id, id]);
    expect((await call('GET', `/api/v1/silences/${id}`)).body).toEqual(created.body);

    clock = NOW_MS + 10 * 60_000;
    const expired = await call('DELETE', `/api/v1/silences/${id}`);
    expect(expired.status).toBe(200);
    expect(expired.body).toEqual({ ...created.body, endsAtMs: clock, version: 2, active: false });
    expect(((await call('GET', '/api/v1/silences')).body.items as Json[]).map((s) => s.id)).toEqual([other.body.id]);
    // still readable, and expiring it again changes nothing
    expect((await call('GET', `/api/v1/silences/${id}`)).body).toEqual(expired.body);
    clock += 60_000;
    expect((await call('DELETE', `/api/v1/silences/${id}`)).body).toEqual(expired.body);

    // a silence also ends on its own
    clock = NOW_MS + HOUR;
    expect((await call('GET', '/api/v1/silences')).body.items).toEqual([]);
    expect((await call('GET', `/api/v1/silences/${other.body.id as string}`)).body.active).toBe(false);
  });

  it('answers 404 for an unknown silence', async () => {
    for (const method of ['GET', 'DELETE'] as const) {
      const { status, body } = await call(method, '/api/v1/silences/nope');
      expect({ method, status, body }).toEqual({ method, status: 404, body: { code: 'OT_ERR_SILENCE_NOT_FOUND', message: 'no silence has ID "nope"' } });
    }
  });

  it.each<[string, unknown, Record<string, string>, string | RegExp]>([
    ['neither rule nor matchers', { durationMs: 1000 }, { 'x-ordertrace-actor': 'a' }, 'a silence needs a ruleId or at least one matcher; one with neither would mute every alert'],
    ['an unknown rule', { ruleId: 'stock-lock-3h', durationMs: 1000 }, { 'x-ordertrace-actor': 'a' }, /^ruleId "stock-lock-3h" is not a loaded rule; loaded: stock-lock-2h, packing-24h/],
    ['no end', { ruleId: 'stock-lock-2h' }, { 'x-ordertrace-actor': 'a' }, 'give exactly one of endsAt and durationMs, got neither'],
    ['two ends', { ruleId: 'stock-lock-2h', durationMs: 1000, endsAt: '2030-01-01T00:00:00Z' }, { 'x-ordertrace-actor': 'a' }, 'give exactly one of endsAt and durationMs, got both'],
    ['an end in the past', { ruleId: 'stock-lock-2h', endsAt: '2026-03-01T00:00:00Z' }, { 'x-ordertrace-actor': 'a' }, /^endsAt must be in the future, got "2026-03-01T00:00:00Z"/],
    ['an unreadable end', { ruleId: 'stock-lock-2h', endsAt: 'tomorrow' }, { 'x-ordertrace-actor': 'a' }, /^endsAt must be an RFC 3339 timestamp/],
    ['a zero duration', { ruleId: 'stock-lock-2h', durationMs: 0 }, { 'x-ordertrace-actor': 'a' }, /^durationMs must be > 0/],
    ['a matcher that is not a string', { matchers: { team: 5 }, durationMs: 1000 }, { 'x-ordertrace-actor': 'a' }, 'matchers.team must be string, got 5'],
    ['no creator', { ruleId: 'stock-lock-2h', durationMs: 1000 }, {}, 'createdBy is required: give it in the body or in the x-ordertrace-actor header'],
    ['a misspelt field', { ruleID: 'stock-lock-2h', durationMs: 1000 }, { 'x-ordertrace-actor': 'a' }, 'unknown body field "ruleID"'],
  ])('rejects %s with OT_ERR_BAD_PARAMETER', async (_what, payload, headers, message) => {
    clock = NOW_MS;
    const before = (await call('GET', '/api/v1/silences')).body.items;
    const { status, body } = await call('POST', '/api/v1/silences', payload, headers);
    expect({ status, code: body.code }).toEqual({ status: 400, code: 'OT_ERR_BAD_PARAMETER' });
    expect(body.message).toMatch(message);
    expect((await call('GET', '/api/v1/silences')).body.items).toEqual(before);
  });
});
