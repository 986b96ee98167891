// alertGuideRenderer over a real SQLite store: alert → rule template → order journey → guide.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { OrderEvent } from '../../core/model.ts';
import { DEFAULT_STAGES } from '../../core/stages.ts';
import { SqliteStore } from '../../core/store/sqlite-store.ts';
import { alertFixture } from '../../test/helpers/alert-fixtures.ts';
import { deadlineRule } from '../../test/helpers/rule-fixtures.ts';
import type { Alert } from '../model.ts';
import { alertGuideRenderer } from './alert-guide.ts';

const T0_MS = Date.UTC(2026, 10, 25, 6, 0, 0);
const MIN = 60_000;
let dir = '';
let store: SqliteStore | undefined;
afterEach(async () => {
  await store?.close();
  store = undefined;
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function event(type: string, offsetMs: number): OrderEvent {
  return { eventId: `ORD-5:${type}`, orderId: 'ORD-5', type, system: 'payment', timeUnixNano: (BigInt(T0_MS + offsetMs) * 1_000_000n).toString(), status: '', traceId: '', spanId: '', source: 'api', attributes: {} };
}

describe('alertGuideRenderer', () => {
  it('renders the rule’s guide with the order’s journey from the store', async () => {
    dir = mkdtempSync(join(tmpdir(), 'ot-alert-guide-'));
    store = await SqliteStore.open({ dataDir: dir, durability: 'normal', keyAttributes: [] });
    await store.write({ events: [event('order.created', 0), event('payment.succeeded', 5 * MIN)] });
    const alert = alertFixture({ id: 'a1', orderId: 'ORD-5', ruleId: 'paid-not-locked' });
    const alerts = new Map<string, Alert>([[alert.id, alert]]);
    const rule = deadlineRule('paid-not-locked', { guide: '## {{stage.title}} is {{stage.state}}\n\n[Open {{order.id}}]({{order.link}})' });
    const render = alertGuideRenderer({
      alerts: { getAlert: async (id) => alerts.get(id) ?? null },
      store,
      ruleSet: { rules: [rule, deadlineRule('no-guide')], uiBaseUrl: 'https://ui.example' },
      stages: DEFAULT_STAGES,
      now: () => T0_MS + 3 * 60 * MIN,
    });
    const guide = await render('a1');
    expect(guide?.html).toBe('<h2>Stock lock is overdue</h2>\n<p><a href="https://ui.example/#/orders/ORD-5" rel="noopener noreferrer">Open ORD-5</a></p>\n');
    expect(await render('missing')).toBeNull();
    alerts.set('a2', { ...alert, id: 'a2', ruleId: 'no-guide' });
    expect(await render('a2')).toBeNull();
  });

  it('names the rule when its template is broken', async () => {
    const alert = alertFixture({ id: 'a1' });
    const render = alertGuideRenderer({
      alerts: { getAlert: async () => alert },
      store: { getOrder: async () => null },
      ruleSet: { rules: [deadlineRule('paid-not-locked', { guide: '{{{order.id}}}' })], uiBaseUrl: 'https://ui.example' },
      stages: DEFAULT_STAGES,
    });
    await expect(render('a1')).rejects.toThrow(/^rule "paid-not-locked" \(rules\/test.yaml:1\): guide template uses unescaped tags/);
  });
});
