import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOW_MS, ORDER } from '../../../query-api/test-fixture.ts';
import { alertFixture } from '../../../test/helpers/alert-fixtures.ts';
import { AlertCard, rememberedActor } from './alert-card.svelte.ts';
import { startApi, type LiveApi } from './test-api.ts';

let live: LiveApi;
const alert = alertFixture({ orderId: ORDER, dueMs: NOW_MS - 3_600_000, firedAtMs: NOW_MS - 3_000_000, updatedAtMs: NOW_MS - 3_000_000 });

beforeAll(async () => {
  live = await startApi();
  await live.store.alerts.upsertAlerts([alert]);
});
afterAll(() => live.close());

function memoryStorage() {
  const items = new Map<string, string>();
  return { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
}

describe('AlertCard', () => {
  it('acknowledges, then resolves, as the named person, remembering the name', async () => {
    const storage = memoryStorage();
    const card = new AlertCard(live.api, alert, storage);
    expect(card.canAcknowledge).toBe(true);
    await card.act('ack', '  Dana ');
    expect(card.action.error).toBeNull();
    expect(card.alert).toMatchObject({ state: 'acknowledged', acknowledgedBy: 'Dana' });
    expect(card.canAcknowledge).toBe(false);
    expect(rememberedActor(storage)).toBe('Dana');

    await card.act('resolve', 'Dana');
    expect(card.alert).toMatchObject({ state: 'resolved', resolution: 'manual', resolvedBy: 'Dana' });
    expect(card.canResolve).toBe(false);

    // Resolving twice is refused by the API, and the card says why.
    await card.act('resolve', 'Dana');
    expect(card.action.error?.code).toBe('OT_ERR_INVALID_TRANSITION');
    expect(card.alert.state).toBe('resolved');
  });

  it('fetches the alert detail (guide and evidence) once when opened', async () => {
    const card = new AlertCard(live.api, alert, memoryStorage());
    await card.loadGuide();
    expect(card.detail.data?.alert.id).toBe(alert.id);
    const first = card.detail.data;
    await card.loadGuide();
    expect(card.detail.data).toBe(first);
  });
});
