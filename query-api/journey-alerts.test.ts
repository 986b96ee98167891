// The order journey's rule-driven parts: the order's alerts and what it waits for (expectedStages),
// over a real SQLite store and rules directory, driven with inject().
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER, OTHER_ORDER, RETURN_ID, otherCharge, returnRequested } from './test-fixture.ts';
import { T0_MS, escalatedReturn, lateAlert, openAlertsApi, stuckAlert } from './test-alerts.ts';
import { openTestApi, type TestApi } from './test-store.ts';

const HOUR = 3_600_000;
const ns = (ms: number) => (BigInt(ms) * 1_000_000n).toString();

let api: TestApi;
beforeAll(async () => {
  api = await openAlertsApi();
});
afterAll(async () => {
  await api?.close();
});

async function journey(key: string, target = api) {
  const response = await target.app.inject(`/api/v1/orders/${encodeURIComponent(key)}`);
  expect(response.statusCode).toBe(200);
  return response.json() as Record<string, unknown>;
}

describe('GET /api/v1/orders/{key}: alerts and expected stages', () => {
  it('shows a stuck order its alert and the overdue stock lock it waits for', async () => {
    const body = await journey(OTHER_ORDER);
    expect(body.alerts).toEqual([stuckAlert]);
    expect(body.expectedStages).toEqual([{
      ruleId: 'stock-lock-2h', title: 'Paid but stock not locked within 2h', severity: 'critical',
      after: 'payment.succeeded', afterEventId: `${otherCharge.traceId}:${otherCharge.spanId}`, afterNs: otherCharge.endTimeUnixNano,
      expect: ['inventory.locked'], stageId: 'stock_lock', shipmentId: null, calendar: null,
      dueNs: ns(T0_MS + 2 * HOUR + 4000 + 2 * HOUR), overdue: true,
    }]);
    // the existing journey fields are unchanged
    expect((body.stages as Array<{ stageId: string; state: string }>).map((s) => [s.stageId, s.state])).toEqual([
      ['payment', 'done'], ['stock_lock', 'overdue'], ['packing', 'pending'], ['pickup', 'pending'], ['delivery', 'pending'],
    ]);
  });

  it("shows an order's alerts newest first, and a business-hours deadline it waits for", async () => {
    const body = await journey(RETURN_ID);
    expect(body.orderId).toBe(ORDER);
    expect(body.alerts).toEqual([escalatedReturn, lateAlert]);
    // return requested Wednesday 11:00 Berlin: 7 business hours that day, the 8th on Thursday 09:00–10:00 Berlin
    const requestedMs = Number(BigInt(returnRequested.endTimeUnixNano) / 1_000_000n);
    expect(body.expectedStages).toEqual([{
      ruleId: 'return-decision-8h', title: 'Return not decided within 8 business hours', severity: 'info',
      after: 'return.requested', afterEventId: `${returnRequested.traceId}:${returnRequested.spanId}`, afterNs: returnRequested.endTimeUnixNano,
      expect: ['return.approved', 'return.rejected'], stageId: 'return_approval', shipmentId: null, calendar: 'berlin-office',
      dueNs: ns(Date.parse('2026-03-12T09:00:00Z') + (requestedMs % 1000)), overdue: false,
    }]);
  });

  it('lists no expectations without rules, and no alerts for an order that has none', async () => {
    const bare = await openTestApi();
    try {
      const body = await journey(OTHER_ORDER, bare);
      expect({ alerts: body.alerts, expectedStages: body.expectedStages }).toEqual({ alerts: [], expectedStages: [] });
    } finally {
      await bare.close();
    }
  });
});
