// The seed scenario through the product's front door, for every mode: order events with past timestamps
// posted to the collector's /v1/events (paid 3 h ago, no stock lock) raise the shipped 2 h rule's alert
// at once, the alert API returns it with its rendered guide, and the lock sent later resolves it as late.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import type { ApiClient } from '../helpers/api-client.ts';

const HOUR = 3_600_000;

async function postEvents(otlpUrl: string, events: object[]): Promise<void> {
  const res = await fetch(`${otlpUrl}/v1/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
  expect(res.status, await res.text()).toBe(200);
}

interface AlertJson {
  id: string;
  ruleId: string;
  state: string;
  resolution: string | null;
  dueMs: number;
}

export async function seedScenario(instance: ApiClient & { otlpUrl: string }, timeoutMs: number): Promise<void> {
  const orderId = `SEED-${randomUUID().slice(0, 8)}`;
  const paidAt = Date.now() - 3 * HOUR;
  await postEvents(instance.otlpUrl, [
    { orderId, type: 'order.created', system: 'shop', time: new Date(paidAt - 60_000).toISOString(), status: 'pending_payment' },
    { orderId, type: 'payment.succeeded', system: 'payment', time: new Date(paidAt).toISOString(), status: 'paid' },
  ]);
  const alertsOf = async () => (await instance.get(`/api/v1/alerts?order=${orderId}&rule=stock-lock-2h`)).body as { items: AlertJson[] };
  const firing = await instance.until(async () => (await alertsOf()).items.find((a) => a.state === 'firing'), timeoutMs);
  expect(firing.dueMs).toBe(paidAt + 2 * HOUR);

  // The alert with its rendered guide (naming the order) and evidence.
  const detail = await instance.until(async () => {
    const { status, body } = await instance.get(`/api/v1/alerts/${firing.id}`);
    const b = body as { guide?: { html: string; markdown: string } | null; evidence?: unknown[] };
    return status === 200 && b.guide?.markdown.includes(orderId) ? b : undefined;
  }, timeoutMs);
  expect(detail.guide!.html).toContain(orderId);
  expect(detail.guide!.html).not.toContain('<script');

  // The order journey lists it and what the order is waiting for.
  const order = (await instance.get(`/api/v1/orders/${orderId}`)).body as { alerts: AlertJson[]; expectedStages: unknown[] };
  expect(order.alerts.map((a) => a.id)).toContain(firing.id);
  expect(order.expectedStages.length).toBeGreaterThan(0);

  await postEvents(instance.otlpUrl, [{ orderId, type: 'inventory.locked', system: 'inventory', time: new Date(paidAt + 2 * HOUR + 15 * 60_000).toISOString(), status: 'reserved' }]);
  const resolved = await instance.until(async () => (await alertsOf()).items.find((a) => a.id === firing.id && a.state === 'resolved'), timeoutMs);
  expect(resolved.resolution).toBe('late');
}
