// End to end: alerts from the engine → grouping on a real timer → dispatcher → a real webhook server.
import { afterEach, describe, expect, it } from 'vitest';
import { alertBurst, alertFixture, deadLetterBox, FAST_RETRY, T0 } from '../../test/helpers/alert-fixtures.ts';
import { startHttpReceiver, type HttpReceiver } from '../../test/helpers/notify-receivers.ts';
import { deadlineRule, ruleSetFixture, stalledQueueRule } from '../../test/helpers/rule-fixtures.ts';
import { waitFor, sleep } from '../../test/contract/bus.contract.ts';
import type { Silence } from '../model.ts';
import { Dispatcher } from './dispatcher.ts';
import type { Delivery, Notification, TicketRequest } from './notification.ts';
import { NotifyService, type NotifyServiceOptions } from './notify-service.ts';

const SECRET = 'e2e-secret';
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function setup(overrides: Partial<NotifyServiceOptions> = {}) {
  const hook = await startHttpReceiver({ secret: SECRET });
  const tickets = await startHttpReceiver();
  const crm = await startHttpReceiver();
  closers.push(() => hook.close(), () => tickets.close(), () => crm.close());
  const ruleSet = ruleSetFixture(
    [deadlineRule('paid-not-locked', { notify: ['ops'] }), stalledQueueRule('stalled-queue', { notify: ['ops'], ticket: ['tickets'] })],
    [
      { id: 'ops', type: 'webhook', url: hook.url, secretEnv: 'HOOK_SECRET' },
      { id: 'tickets', type: 'webhook', url: tickets.url },
      { id: 'crm', type: 'webhook', url: crm.url },
    ],
    { statusPush: 'crm', grouping: { groupWaitMs: 150, groupIntervalMs: 600, maxExamples: 5 } },
  );
  const box = deadLetterBox();
  const dispatcher = new Dispatcher({ ruleSet, env: { HOOK_SECRET: SECRET }, onDeadLetter: box.sink, retry: FAST_RETRY });
  const errors: unknown[] = [];
  const service = new NotifyService({ ruleSet, dispatcher, silences: async () => [], onError: (e) => errors.push(e), ...overrides });
  closers.push(async () => {
    await service.stop();
    await dispatcher.close();
  });
  return { service, hook, tickets, crm, errors, letters: box.letters };
}

const notifications = (r: HttpReceiver) => (r.accepted() as Delivery[]).flatMap((d) => (d.type === 'notification' ? [d.notification] : []));

describe('NotifyService', () => {
  it('turns 520 alerts of one rule into ONE signed webhook delivery with the count', async () => {
    const t = await setup();
    const burst = alertBurst(520);
    for (const alert of burst) t.service.alertChanged(alert);
    for (const alert of burst.slice(0, 50)) t.service.alertChanged({ ...alert, version: 2 }); // re-upserts: no new changes
    await waitFor(() => t.hook.requests.length > 0, { timeoutMs: 5000 });
    await sleep(800); // past the group interval: nothing else may arrive
    await t.service.idle();
    expect(t.hook.requests).toHaveLength(1);
    expect(t.hook.requests[0]!.signatureValid).toBe(true);
    const [n] = notifications(t.hook);
    expect(n).toMatchObject({ ruleId: 'paid-not-locked', firing: 520, resolved: 0, totalOrders: 520 });
    expect(n!.examples).toHaveLength(5);
    expect(t.tickets.requests).toHaveLength(0); // the deadline rule has no ticket channels
    expect(t.errors).toEqual([]);
  });

  it('sends resolutions in a later message, no sooner than the group interval', async () => {
    const t = await setup();
    const burst = alertBurst(3);
    for (const alert of burst) t.service.alertChanged(alert);
    await waitFor(() => t.hook.requests.length === 1, { timeoutMs: 5000 });
    const firstAt = t.hook.requests[0]!.atMs;
    for (const alert of burst) t.service.alertChanged({ ...alert, state: 'resolved', resolution: 'late', resolvedAtMs: Date.now() });
    await waitFor(() => t.hook.requests.length === 2, { timeoutMs: 5000 });
    expect(t.hook.requests[1]!.atMs - firstAt).toBeGreaterThanOrEqual(550);
    expect(notifications(t.hook).map((n: Notification) => [n.firing, n.resolved])).toEqual([[3, 0], [0, 3]]);
  });

  it('leaves silenced alerts out of messages and tickets', async () => {
    const silence: Silence = { id: 's1', ruleId: null, matchers: { orderId: 'ORD-000002' }, endsAtMs: Date.now() + 60_000, createdBy: 'ana', comment: '', createdAtMs: T0, version: 1 };
    const t = await setup({ silences: async () => [silence] });
    for (const alert of alertBurst(3)) t.service.alertChanged(alert);
    t.service.alertChanged(alertFixture({ ruleId: 'stalled-queue', ruleKind: 'stalled_queue', id: 'sq:ORD-000002', orderId: 'ORD-000002' }));
    await waitFor(() => t.hook.requests.length === 1, { timeoutMs: 5000 });
    await sleep(300); // both groups were due together; the silenced one sends nothing
    await t.service.idle();
    const byRule = Object.fromEntries(notifications(t.hook).map((n) => [n.ruleId, n.firing]));
    expect(byRule).toEqual({ 'paid-not-locked': 2 });
    expect(t.hook.requests).toHaveLength(1);
    expect(t.tickets.requests).toHaveLength(0);
  });

  it('opens one ticket per newly firing alert of a ticket rule, with its guide', async () => {
    const t = await setup({ guideFor: async (alertId) => ({ markdown: `## Runbook for ${alertId}`, html: '' }) });
    const stalled = alertFixture({ ruleId: 'stalled-queue', ruleKind: 'stalled_queue', id: 'sq:ORD-9:msg-1', orderId: 'ORD-9', scope: 'msg-1', title: 'Message not consumed' });
    t.service.alertChanged(stalled);
    t.service.alertChanged({ ...stalled, version: 2 });
    await waitFor(() => t.tickets.requests.length === 1 && t.hook.requests.length === 1, { timeoutMs: 5000 });
    await t.service.idle();
    expect(t.tickets.accepted()).toHaveLength(1);
    const [ticket] = (t.tickets.accepted() as { ticket: TicketRequest }[]).map((d) => d.ticket);
    expect(ticket).toMatchObject({ alertId: 'sq:ORD-9:msg-1', orderId: 'ORD-9', scope: 'msg-1', description: '## Runbook for sq:ORD-9:msg-1', link: 'https://ui.example/#/orders/ORD-9' });
    expect(notifications(t.hook)[0]!.guide?.markdown).toBe('## Runbook for sq:ORD-9:msg-1');
  });

  it('sends what is still buffered when stopped', async () => {
    const t = await setup();
    for (const alert of alertBurst(7)) t.service.alertChanged(alert);
    await t.service.stop();
    expect(notifications(t.hook).map((n) => n.firing)).toEqual([7]);
    t.service.alertChanged(alertFixture({ id: 'late', orderId: 'ORD-LATE' }));
    await sleep(300);
    expect(t.hook.requests).toHaveLength(1);
  });

  it('reads silences once for a burst of tickets', async () => {
    let reads = 0;
    const t = await setup({ silences: async () => (reads += 1, []) });
    for (const alert of alertBurst(20, { ruleId: 'stalled-queue', ruleKind: 'stalled_queue' })) t.service.alertChanged(alert);
    await waitFor(() => t.tickets.requests.length === 20 && t.hook.requests.length === 1, { timeoutMs: 5000 });
    expect(reads).toBeLessThanOrEqual(2);
  });

  it('sends through a new dispatcher after a reload, keeping what was buffered', async () => {
    const t = await setup();
    const other = await startHttpReceiver();
    closers.push(() => other.close());
    const reloaded = new Dispatcher({ ruleSet: ruleSetFixture([deadlineRule('paid-not-locked', { notify: ['new-hook'] })], [{ id: 'new-hook', type: 'webhook', url: other.url }]), env: {}, onDeadLetter: () => undefined, retry: FAST_RETRY });
    closers.push(() => reloaded.close());
    for (const alert of alertBurst(4)) t.service.alertChanged(alert);
    t.service.useDispatcher(reloaded);
    await waitFor(() => other.requests.length === 1, { timeoutMs: 5000 });
    expect(t.hook.requests).toHaveLength(0);
    expect(notifications(other)[0]!.firing).toBe(4);
  });

  it('pushes canonical status changes to the statusPush channel', async () => {
    const t = await setup();
    t.service.statusChanged({ orderId: 'ORD-1', from: 'paid', to: 'stock_locked', atMs: T0 });
    await t.service.idle();
    expect(t.crm.accepted()).toEqual([{ type: 'status', status: { orderId: 'ORD-1', from: 'paid', to: 'stock_locked', atMs: T0 } }]);
  });

  it('reports a failed silence lookup and tries again later', async () => {
    let calls = 0;
    const t = await setup({
      retryMs: 200,
      silences: async () => {
        calls += 1;
        if (calls === 1) throw new Error('alert store down');
        return [];
      },
    });
    t.service.alertChanged(alertFixture());
    await waitFor(() => t.hook.requests.length === 1, { timeoutMs: 5000 });
    expect(calls).toBe(2);
    expect(t.errors.map((e) => (e as Error).message)).toEqual(['alert store down']);
  });
});
