// Worklists (GET /api/v1/orders as JSON and CSV) and return approval queues, over a real SQLite
// store seeded with alerts, driven with inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert } from '../core/alerts.ts';
import { NOW_MS, ORDER, RETURN_ID } from './test-fixture.ts';
import { ALL_ALERTS, awkwardAlert, awkwardSummary, escalatedReturn, formulaAlert, newestAlertFirst, openAlertsApi, overdueReturn, stuckAlert } from './test-alerts.ts';
import type { TestApi } from './test-store.ts';

const HOUR = 3_600_000;
let api: TestApi;
beforeAll(async () => {
  api = await openAlertsApi();
});
afterAll(async () => {
  await api?.close();
});

async function get(url: string, headers: Record<string, string> = {}) {
  const response = await api.app.inject({ method: 'GET', url, headers });
  return { status: response.statusCode, headers: response.headers, text: response.body };
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
const row = (a: Alert) => ({ alertId: a.id, orderId: a.orderId, scope: a.scope, rule: a.ruleId, state: a.state, severity: a.severity, firedAt: iso(a.firedAtMs), dueAt: iso(a.dueMs), summary: a.summary });
const expectedRows = (pick: (a: Alert) => boolean) => ALL_ALERTS.filter(pick).sort(newestAlertFirst).map(row);

/** Splits RFC 4180 CSV into records of fields (quoted fields may hold commas, quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') fields.push(field), (field = '');
    else if (c === '\r' && text[i + 1] === '\n') fields.push(field), records.push(fields), (fields = []), (field = ''), i++;
    else field += c;
  }
  expect(field, 'CSV ends with CRLF').toBe('');
  return records;
}

describe('GET /api/v1/orders (worklist)', () => {
  it('lists the orders stuck now: firing alerts of a rule', async () => {
    const { status, text } = await get('/api/v1/orders?rule=packing-24h&state=firing');
    expect(status).toBe(200);
    expect(JSON.parse(text)).toEqual({ items: expectedRows((a) => a.ruleId === 'packing-24h' && a.state === 'firing'), nextCursor: null });
  });

  it.each<[string, (a: Alert) => boolean]>([
    ['', () => true],
    ['state=acknowledged', (a) => a.state === 'acknowledged'],
    ['rule=stock-lock-2h', (a) => a.ruleId === 'stock-lock-2h'],
    ['rule=return-approval-sla&state=firing', (a) => a.ruleId === 'return-approval-sla' && a.state === 'firing'],
    ['format=json&state=resolved', (a) => a.state === 'resolved'],
  ])('filters by %s', async (query, pick) => {
    const { text } = await get(`/api/v1/orders?${query}`);
    expect(JSON.parse(text).items).toEqual(expectedRows(pick));
  });

  it('pages with a cursor', async () => {
    const first = JSON.parse((await get('/api/v1/orders?state=firing&limit=2')).text);
    expect(first.items).toHaveLength(2);
    const second = JSON.parse((await get(`/api/v1/orders?state=firing&limit=2&cursor=${encodeURIComponent(first.nextCursor)}`)).text);
    expect([...first.items, ...second.items]).toEqual(expectedRows((a) => a.state === 'firing').slice(0, 4));
  });

  it('exports CSV with a header row and properly quoted fields', async () => {
    const { status, headers, text } = await get('/api/v1/orders?rule=packing-24h&format=csv');
    expect(status).toBe(200);
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(headers['content-disposition']).toBe('attachment; filename="ordertrace-orders-packing-24h-any-state.csv"');
    expect(text.split('\r\n')[0]).toBe('orderId,rule,state,severity,firedAt,dueAt,summary');
    // the comma, quotes and line break survive a round trip; the formula is defused
    expect(text).toContain(`"Not packed, ""fragile"" item\nsee the WMS note"`);
    expect(parseCsv(text)).toEqual([
      ['orderId', 'rule', 'state', 'severity', 'firedAt', 'dueAt', 'summary'],
      [awkwardAlert.orderId, 'packing-24h', 'firing', 'warning', iso(awkwardAlert.firedAtMs), iso(awkwardAlert.dueMs), awkwardSummary],
      [formulaAlert.orderId, 'packing-24h', 'firing', 'warning', iso(formulaAlert.firedAtMs), '', `'${formulaAlert.summary}`],
    ]);
  });

  it('exports the whole list as CSV when the client accepts text/csv, ignoring paging', async () => {
    const { headers, text } = await get('/api/v1/orders?limit=1', { accept: 'text/csv' });
    expect(headers['content-type']).toBe('text/csv; charset=utf-8');
    expect(parseCsv(text).slice(1).map((r) => r[0])).toEqual(expectedRows(() => true).map((r) => r.orderId));
  });

  it.each([
    ['text/csv;q=0.5, application/json', 'application/json; charset=utf-8'],
    ['application/json', 'application/json; charset=utf-8'],
    ['*/*', 'application/json; charset=utf-8'],
    ['application/json;q=0.2, text/csv', 'text/csv; charset=utf-8'],
  ])('negotiates Accept: %s', async (accept, type) => {
    expect((await get('/api/v1/orders?state=firing', { accept })).headers['content-type']).toBe(type);
  });

  it('lets format=json win over Accept', async () => {
    expect((await get('/api/v1/orders?format=json', { accept: 'text/csv' })).headers['content-type']).toBe('application/json; charset=utf-8');
  });

  it.each([
    ['state=stuck', 'state must be one of firing, acknowledged, resolved, got "stuck"'],
    ['format=xlsx', 'format must be one of json, csv, got "xlsx"'],
    ['order=A-1001', /^unknown query parameter "order"; known: rule, state, format, limit, cursor$/],
    ['limit=5000', 'limit must be an integer from 1 to 1000, got "5000"'],
  ])('rejects %s with OT_ERR_BAD_PARAMETER', async (query, message) => {
    const { status, text } = await get(`/api/v1/orders?${query}`);
    const body = JSON.parse(text);
    expect({ status, code: body.code }).toEqual({ status: 400, code: 'OT_ERR_BAD_PARAMETER' });
    expect(body.message).toMatch(message);
  });

  it('still looks up a single order by key', async () => {
    const { status, text } = await get(`/api/v1/orders/${ORDER}`);
    expect({ status, orderId: JSON.parse(text).orderId }).toEqual({ status: 200, orderId: ORDER });
  });
});

describe('GET /api/v1/returns/queues', () => {
  it('groups open return SLA alerts by approver level, with countdown and escalations', async () => {
    const { status, text } = await get('/api/v1/returns/queues');
    expect(status).toBe(200);
    const body = JSON.parse(text);
    expect(body.nowMs).toBe(NOW_MS);
    expect(body.queues).toEqual([
      {
        level: 'agent', title: 'Support agent', slaMs: 4 * HOUR, count: 1, overdue: 1,
        items: [{
          alertId: overdueReturn.id, orderId: 'A-3001', returnId: 'R-777', ruleId: 'return-approval-sla', state: 'acknowledged',
          firedAtMs: overdueReturn.firedAtMs, dueMs: NOW_MS - HOUR / 2, remainingMs: -HOUR / 2, overdue: true, escalations: 0,
          summary: overdueReturn.summary, details: overdueReturn.details,
        }],
      },
      {
        level: 'supervisor', title: 'Support supervisor', slaMs: 8 * HOUR, count: 1, overdue: 0,
        items: [{
          alertId: escalatedReturn.id, orderId: ORDER, returnId: RETURN_ID, ruleId: 'return-approval-sla', state: 'firing',
          firedAtMs: escalatedReturn.firedAtMs, dueMs: NOW_MS + 3 * HOUR, remainingMs: 3 * HOUR, overdue: false, escalations: 1,
          summary: escalatedReturn.summary, details: escalatedReturn.details,
        }],
      },
    ]);
  });

  it('drops a return from its queue once it is resolved', async () => {
    const resolved = await api.app.inject({ method: 'POST', url: `/api/v1/alerts/${escalatedReturn.id}/resolve`, payload: { actor: 'lee' } });
    expect(resolved.statusCode).toBe(200);
    const queues = JSON.parse((await get('/api/v1/returns/queues')).text).queues as Array<{ level: string; count: number }>;
    expect(queues.map((q) => [q.level, q.count])).toEqual([['agent', 1], ['supervisor', 0]]);
    // the stuck-order alert is not a return
    expect(JSON.stringify(queues)).not.toContain(stuckAlert.id);
  });
});
