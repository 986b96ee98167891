// The rules worker end to end on a real stack: order events published to the bus as the collector
// publishes them, an ingester writing them to the store, rules workers in one consumer group, alerts
// read back from the store. Run on both stacks (in-process bus + SQLite, Kafka + ClickHouse) by
// rules-stack.*.test.ts: seed scenario with a rendered guide, late vs reported late, cancellation,
// out-of-order and duplicate events, a worker restart and a partition move in the middle of a
// pending deadline.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Alert, OrderRuleState } from '../../core/alerts.ts';
import type { Bus } from '../../core/bus/bus.ts';
import { Topics } from '../../core/bus/bus.ts';
import { encodeRecords } from '../../core/codec.ts';
import { DEFAULT_STAGES } from '../../core/stages.ts';
import type { OrderEvent } from '../../core/model.ts';
import type { Store } from '../../core/store/store.ts';
import { alertGuideRenderer } from '../../rules/notify/alert-guide.ts';
import { deadlineRule, HOUR, mismatchRule, MIN, patternRule, returnRule, ruleSet, SEC, sequenceRule, stalledRule } from '../../rules/test-kit.ts';
import { spanRecord } from '../helpers/records.ts';
import { RulesWorker } from '../../rules/worker.ts';
import { waitFor } from '../contract/bus.contract.ts';
import { startHttpReceiver, startSmtpSink } from '../helpers/notify-receivers.ts';

export interface RulesStack {
  bus: Bus;
  store: Store;
  partitions: number;
  /** A consumer group for this suite's workers (positioned so it sees only what the suite publishes). */
  groupId: string;
  close(): Promise<void>;
}

export interface RulesStackFactory {
  open(): Promise<RulesStack>;
  /** A second bus client over the same log/brokers (a worker in another process). */
  extraBus(): Promise<Bus>;
  timeoutMs: number;
}

const GUIDE = '## Stock not locked for {{order.id}}\n\nDue {{alert.dueAt}}. Open the [timeline]({{order.link}}).';
/** Deadlines due a few seconds from now, so restarts and partition moves happen while they are pending. */
const PATTERN = patternRule({ id: 'deduction-failed', threshold: 10, windowMs: 5 * MIN, rootCause: 'inventory concurrency limit' });
const RULES = ruleSet(
  [
    deadlineRule({ id: 'stock-lock-2h', graceMs: 500, guide: GUIDE }),
    PATTERN,
    sequenceRule({ id: 'shipped-before-paid' }),
    mismatchRule({ id: 'status-mismatch', toleranceMs: SEC }),
    stalledRule({ id: 'stalled-queue', withinMs: 5 * MIN }),
    returnRule({ id: 'return-approval', levels: [{ id: 'agent', title: 'Agent', slaMs: 2 * HOUR }, { id: 'supervisor', title: 'Supervisor', slaMs: 2 * HOUR }, { id: 'manager', title: 'Manager', slaMs: HOUR }] }),
  ],
  {
    vocabulary: {
      systems: { shop: { pending_payment: 'pending_payment', paid: 'paid' } },
      milestones: { 'order.created': 'pending_payment', 'payment.succeeded': 'paid' },
    },
  },
);

let eventSeq = 0;
function orderEvent(orderId: string, type: string, timeMs: number, eventId = `${orderId}-${type}-${++eventSeq}`, extra: Partial<OrderEvent> = {}): OrderEvent {
  return {
    eventId, orderId, type, system: type.split('.')[0]!, timeUnixNano: `${BigInt(Math.round(timeMs)) * 1_000_000n}`, status: '',
    traceId: randomUUID().replaceAll('-', ''), spanId: randomUUID().replaceAll('-', '').slice(0, 16), source: 'api', attributes: {},
    ...extra,
  };
}

export function rulesStackContract(name: string, factory: RulesStackFactory): void {
  describe(`rules worker on ${name}`, { timeout: factory.timeoutMs }, () => {
    let stack: RulesStack;
    const workers: RulesWorker[] = [];
    const buses: Bus[] = [];
    const run = randomUUID().slice(0, 6);
    const order = (label: string) => `T-${run}-${label}`;

    const startWorker = async (bus: Bus = stack.bus) => {
      const worker = await RulesWorker.start({ bus, store: stack.store, ruleSet: RULES, stages: DEFAULT_STAGES, partitions: stack.partitions, groupId: stack.groupId, notify: false, workerId: randomUUID() });
      workers.push(worker);
      return worker;
    };
    const stopWorker = async (worker: RulesWorker) => {
      await worker.stop();
      workers.splice(workers.indexOf(worker), 1);
    };
    const send = (events: OrderEvent[]) =>
      Promise.all(events.map((e) => stack.bus.publish(Topics.events, [{ key: e.orderId, value: encodeRecords([e]) }])));
    const alertsOf = async (orderId: string): Promise<Alert[]> => (await stack.store.alerts.listAlerts({ orderId, limit: 50 })).items;
    const waitForAlert = async (orderId: string, check: (a: Alert) => boolean, what: string): Promise<Alert> => {
      let last: Alert[] = [];
      await waitFor(async () => (last = await alertsOf(orderId)).some(check), { timeoutMs: factory.timeoutMs / 2, intervalMs: 200, describe: () => `${what}: ${JSON.stringify(last.map((a) => [a.state, a.resolution]))}` });
      return last.find(check)!;
    };
    /** The saved rule states of these orders, once every one of them has one. */
    const savedStates = async (orderIds: string[]): Promise<OrderRuleState[]> => {
      // Every partition number the topics may have (they may predate this suite, with more partitions).
      const partitions = Array.from({ length: 64 }, (_, i) => i);
      const wanted = new Set(orderIds);
      let found: OrderRuleState[] = [];
      await waitFor(async () => {
        found = [];
        let cursor: string | undefined;
        do {
          const page = await stack.store.alerts.loadOrderStates(partitions, 10_000, cursor);
          found.push(...page.items.filter((st) => wanted.has(st.orderId)));
          cursor = page.nextCursor ?? undefined;
        } while (cursor !== undefined);
        return found.length === wanted.size;
      }, { timeoutMs: factory.timeoutMs / 2, intervalMs: 200, describe: () => `saved states: ${found.length} of ${wanted.size}` });
      return found;
    };
    const statesSaved = async (orderIds: string[]) => void (await savedStates(orderIds));

    beforeAll(async () => {
      stack = await factory.open();
      await startWorker();
    }, factory.timeoutMs);
    afterAll(async () => {
      for (const worker of workers.splice(0)) await worker.stop();
      for (const bus of buses.splice(0)) await bus.close();
      await stack?.close();
    }, factory.timeoutMs);

    it('seed: paid 3 h ago with no stock lock fires at once with a rendered guide; the late lock resolves it as late', async () => {
      const id = order('seed');
      const paidAt = Date.now() - 3 * HOUR;
      await send([orderEvent(id, 'order.created', paidAt - MIN), orderEvent(id, 'payment.succeeded', paidAt)]);
      const fired = await waitForAlert(id, (a) => a.state === 'firing', 'the 2 h alert fires');
      expect(fired.ruleId).toBe('stock-lock-2h');
      expect(fired.dueMs).toBe(paidAt + 2 * HOUR);

      // The guide renders with the order's context once the ingester has stored its events.
      const guideFor = alertGuideRenderer({ alerts: stack.store.alerts, store: stack.store, ruleSet: RULES, stages: DEFAULT_STAGES });
      let guide: Awaited<ReturnType<typeof guideFor>> = null;
      await waitFor(async () => (guide = await guideFor(fired.id)) !== null && guide.markdown.includes(id), { timeoutMs: 30_000, intervalMs: 200 });
      expect(guide!.html).toContain(`<h2>Stock not locked for ${id}</h2>`);
      expect(guide!.html).toContain(`#/orders/${id}`);

      await send([orderEvent(id, 'inventory.locked', paidAt + 2 * HOUR + 10 * MIN)]);
      const resolved = await waitForAlert(id, (a) => a.state === 'resolved', 'the late lock resolves it');
      expect(resolved.resolution).toBe('late');
      expect(resolved.id).toBe(fired.id);
    });

    it('a lock that happened in time but arrived after the alert resolves it as reported late', async () => {
      const id = order('reported');
      const paidAt = Date.now() - 3 * HOUR;
      await send([orderEvent(id, 'payment.succeeded', paidAt)]);
      await waitForAlert(id, (a) => a.state === 'firing', 'fires');
      await send([orderEvent(id, 'inventory.locked', paidAt + HOUR)]);
      expect((await waitForAlert(id, (a) => a.state === 'resolved', 'resolves')).resolution).toBe('reported_late');
    });

    it('order.cancelled closes the pending deadline, and resolves a firing alert as cancelled', async () => {
      const pending = order('cancel-pending');
      const firing = order('cancel-firing');
      const now = Date.now();
      await send([orderEvent(pending, 'payment.succeeded', now - HOUR), orderEvent(pending, 'order.cancelled', now - 30 * MIN)]);
      await send([orderEvent(firing, 'payment.succeeded', now - 3 * HOUR)]);
      await waitForAlert(firing, (a) => a.state === 'firing', 'fires');
      await send([orderEvent(firing, 'order.cancelled', now - 10 * MIN)]);
      expect((await waitForAlert(firing, (a) => a.state === 'resolved', 'cancel resolves')).resolution).toBe('cancelled');
      expect(await alertsOf(pending)).toEqual([]);
    });

    it('out-of-order and duplicate events: a lock seen before its payment prevents the alert; a repeated payment alerts once', async () => {
      const early = order('ooo');
      const dup = order('dup');
      const paidAt = Date.now() - 3 * HOUR;
      await send([orderEvent(early, 'inventory.locked', paidAt + 10 * MIN), orderEvent(early, 'payment.succeeded', paidAt)]);
      const payment = orderEvent(dup, 'payment.succeeded', paidAt);
      await send([payment, payment, { ...payment }]);
      await waitForAlert(dup, (a) => a.state === 'firing', 'fires');
      await new Promise((r) => setTimeout(r, 2 * SEC));
      expect(await alertsOf(dup)).toHaveLength(1);
      expect(await alertsOf(early)).toEqual([]);
    });

    it('sequence: shipped before paid is a violation', async () => {
      const id = order('sequence');
      const now = Date.now();
      await send([orderEvent(id, 'carrier.picked_up', now - 2 * HOUR), orderEvent(id, 'payment.succeeded', now - HOUR)]);
      expect((await waitForAlert(id, (a) => a.ruleId === 'shipped-before-paid', 'sequence alert')).state).toBe('firing');
    });

    it('status mismatch: a system behind the canonical status past the tolerance alerts; agreeing again resolves it', async () => {
      const id = order('mismatch');
      const now = Date.now();
      await send([
        orderEvent(id, 'order.created', now - HOUR, undefined, { system: 'shop', status: 'pending_payment' }),
        orderEvent(id, 'payment.succeeded', now - 50 * MIN, undefined, { system: 'payment', status: 'paid' }),
      ]);
      const fired = await waitForAlert(id, (a) => a.ruleId === 'status-mismatch' && a.state === 'firing', 'mismatch fires');
      expect(fired.scope).toBe('shop');
      await send([orderEvent(id, 'shop.sync', now - 10 * MIN, undefined, { system: 'shop', status: 'paid' })]);
      expect((await waitForAlert(id, (a) => a.id === fired.id && a.state === 'resolved', 'agrees again')).resolution).toBe('closed');
    });

    it('stalled queue: a produced message never consumed alerts; its consumption resolves it', async () => {
      const id = order('stalled');
      const at = Date.now() - 20 * MIN;
      const producer = spanRecord({ orderId: id, service: 'shop', name: 'publish shop.order-events', kind: 4, startMs: at, attributes: { 'messaging.system': 'kafka', 'messaging.destination.name': 'shop.order-events', 'messaging.message.id': `msg-${id}` } });
      await stack.bus.publish(Topics.spans, [{ key: id, value: encodeRecords([producer]) }]);
      const fired = await waitForAlert(id, (a) => a.ruleId === 'stalled-queue' && a.state === 'firing', 'stalled alert');
      expect(fired.scope).toBe(`msg-${id}`);
      const consumer = spanRecord({ orderId: id, service: 'crm', name: 'process shop.order-events', kind: 5, startMs: at + 10 * MIN, attributes: { 'messaging.message.id': `msg-${id}` } });
      await stack.bus.publish(Topics.spans, [{ key: id, value: encodeRecords([consumer]) }]);
      expect((await waitForAlert(id, (a) => a.id === fired.id && a.state === 'resolved', 'consumed late')).state).toBe('resolved');
    });

    it('return SLA: an overdue approval escalates to the next level; approval closes it', async () => {
      const id = order('return');
      const attributes = { 'return.id': `R-${id}`, 'return.type': 'no_reason_7d', 'return.amount': '80', 'return.currency': 'EUR' }; // routed to agent (2 h SLA)
      await send([orderEvent(id, 'return.requested', Date.now() - 3 * HOUR, undefined, { system: 'returns', attributes })]);
      const escalated = await waitForAlert(id, (a) => a.ruleId === 'return-approval' && a.details.level === 'supervisor', 'escalated to supervisor');
      expect(escalated).toMatchObject({ state: 'firing', details: { routedLevel: 'agent', escalations: '1' } });
      await send([orderEvent(id, 'return.approved', Date.now() - MIN, undefined, { system: 'returns', attributes: { 'return.id': `R-${id}` } })]);
      expect((await waitForAlert(id, (a) => a.id === escalated.id && a.state === 'resolved', 'approved')).state).toBe('resolved');
    });

    it('a deadline pending when its worker restarts fires at its due time from the restored state', async () => {
      const first = workers[0] ?? (await startWorker());
      const id = order('restart');
      const dueIn = 8 * SEC;
      await send([orderEvent(id, 'payment.succeeded', Date.now() - 2 * HOUR + dueIn)]);
      await statesSaved([id]);
      await stopWorker(first);
      expect(await alertsOf(id)).toEqual([]);
      await startWorker();
      const fired = await waitForAlert(id, (a) => a.state === 'firing', 'fires after the restart');
      expect(fired.firedAtMs).toBeGreaterThanOrEqual(fired.dueMs! + 500);
    });

    it('deadlines pending on partitions that move to another worker fire there, once each', async () => {
      const original = workers[0] ?? (await startWorker());
      const other = await factory.extraBus();
      buses.push(other);
      const ids = Array.from({ length: 12 }, (_, i) => order(`move-${i}`));
      const dueIn = 12 * SEC;
      await send(ids.map((id) => orderEvent(id, 'payment.succeeded', Date.now() - 2 * HOUR + dueIn)));
      await statesSaved(ids);
      const taker = await startWorker(other); // the group rebalances: some partitions move to it
      await stopWorker(original); // and then all of them
      await taker.restored();
      for (const id of ids) await waitForAlert(id, (a) => a.state === 'firing', `${id} fires on the other worker`);
      for (const id of ids) expect(await alertsOf(id)).toHaveLength(1);
    });

    it('an error pattern counts across workers: 12 failures split over two workers cross a threshold of 10 and tag every affected order', async () => {
      const other = await factory.extraBus();
      buses.push(other);
      if (workers.length === 0) await startWorker();
      await startWorker(other);
      expect(workers).toHaveLength(2);
      await Promise.all(workers.map((w) => w.restored()));
      // Six orders on each worker's partitions (found by where their first event's state was saved), so
      // neither worker sees 10 failures on its own: only the sum across workers crosses the threshold.
      const candidates = Array.from({ length: 40 }, (_, i) => order(`burst-pattern-${i}`));
      await send(candidates.map((id) => orderEvent(id, 'order.created', Date.now() - HOUR)));
      const states = await savedStates(candidates);
      const byWorker = workers.map((w) => states.filter((st) => w.ownedPartitions().includes(st.partition)).map((st) => st.orderId));
      expect(byWorker.map((list) => list.length >= 6), `candidates per worker: ${byWorker.map((l) => l.length).join(', ')}`).toEqual([true, true]);
      const ids = byWorker.flatMap((list) => list.slice(0, 6));
      const at = Date.now() - 20 * MIN; // a backfilled burst is judged on event time
      const failure = (orderId: string, i: number) =>
        spanRecord({ orderId, service: 'inventory', name: 'reserve stock', startMs: at + i * 1000, status: { code: 2, message: `stock deduction failed for ${orderId}: lock timeout` } });
      await Promise.all(ids.map((id, i) => stack.bus.publish(Topics.spans, [{ key: id, value: encodeRecords([failure(id, i)]) }])));
      for (const id of ids) {
        const alert = await waitForAlert(id, (a) => a.ruleId === 'deduction-failed', `${id} tagged`);
        expect(alert.rootCause).toBe('inventory concurrency limit');
      }
    });

    it('500+ orders breaching one rule make one signed webhook message and one email, with counts and examples', async () => {
      const secret = 'test-secret-' + run;
      const webhook = await startHttpReceiver({ secret });
      const smtp = await startSmtpSink();
      process.env.OT_TEST_WEBHOOK_SECRET = secret;
      const grouped = ruleSet([deadlineRule({ id: 'stock-lock-2h', graceMs: 500, guide: GUIDE, notify: ['ops-webhook', 'ops-mail'] })], {
        notifiers: [
          { id: 'ops-webhook', type: 'webhook', url: webhook.url, secretEnv: 'OT_TEST_WEBHOOK_SECRET' },
          { id: 'ops-mail', type: 'email', smtp: { host: smtp.host, port: smtp.port, secure: false }, from: 'ordertrace@example.test', to: ['ops@example.test'] },
        ],
        grouping: { groupWaitMs: 10_000, groupIntervalMs: 300_000, maxExamples: 5 },
      });
      for (const worker of workers.splice(0)) await worker.stop();
      const worker = await RulesWorker.start({ bus: stack.bus, store: stack.store, ruleSet: grouped, stages: DEFAULT_STAGES, partitions: stack.partitions, groupId: stack.groupId, workerId: randomUUID() });
      workers.push(worker);
      try {
        const ids = Array.from({ length: 520 }, (_, i) => order(`burst-${i}`));
        const paidAt = Date.now() - 3 * HOUR;
        await Promise.all(Array.from({ length: 8 }, (_, k) => send(ids.filter((_, i) => i % 8 === k).map((id) => orderEvent(id, 'payment.succeeded', paidAt)))));
        await waitFor(() => webhook.requests.length > 0 && smtp.messages.length > 0, { timeoutMs: factory.timeoutMs / 2, intervalMs: 200, describe: () => `${webhook.requests.length} webhook requests, ${smtp.messages.length} mails` });
        await new Promise((r) => setTimeout(r, 1500));
        expect(webhook.requests).toHaveLength(1);
        expect(webhook.requests[0]!.signatureValid).toBe(true);
        const delivery = webhook.accepted()[0] as { type: string; notification: { ruleId: string; firing: number; totalOrders: number; examples: { orderId: string }[] } };
        expect(delivery.type).toBe('notification');
        const body = delivery.notification;
        expect(body.ruleId).toBe('stock-lock-2h');
        expect(body.firing).toBe(520);
        expect(body.totalOrders).toBe(520);
        expect(body.examples).toHaveLength(5);
        for (const example of body.examples) expect(ids).toContain(example.orderId);
        expect(smtp.messages).toHaveLength(1);
        expect(smtp.messages[0]!.to).toEqual(['ops@example.test']);
        expect(smtp.messages[0]!.subject).toContain('520 firing');
      } finally {
        await webhook.close();
        await smtp.close();
      }
    });
  });
}
