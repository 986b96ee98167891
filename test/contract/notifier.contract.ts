// The notifier contract: what every Notifier (webhook, Slack, email) must do against a real receiver.
// A harness starts the receiver (HTTP server, SMTP sink), aims a notifier at it, and reads accepted
// messages back in the channel's own format.
//
// Usage, from a *.test.ts file:  notifierContract('webhook', harness)
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../core/alerts.ts';
import { NotificationGrouper } from '../../rules/notify/grouping.ts';
import type { DeadLetterSink, Notifier } from '../../rules/notify/notifier.ts';
import type { Delivery } from '../../rules/notify/notification.ts';
import { ticketFor } from '../../rules/notify/notification.ts';
import type { RetryPolicy } from '../../rules/notify/retry.ts';
import { alertBurst, alertFixture, T0 } from '../helpers/alert-fixtures.ts';

/** An accepted message, read back from the receiver. */
export interface ReceivedMessage {
  /** Header, subject or title field. */
  title: string;
  /** The firing count the message states, or null when it states none. */
  firing: number | null;
  /** Everything else, as text. */
  body: string;
}

export interface NotifierTarget {
  notifier: Notifier;
  received(): ReceivedMessage[];
  /** Delivery attempts the receiver saw, accepted or not. */
  attempts(): number;
  close(): Promise<void>;
}

export interface NotifierSetup {
  policy: RetryPolicy;
  onDeadLetter: DeadLetterSink;
}

export interface NotifierHarness {
  /** A receiver that fails the first `failures` attempts transiently (Infinity: every one), and a notifier aimed at it. */
  start(setup: NotifierSetup & { failures: number }): Promise<NotifierTarget>;
  /** A notifier aimed at an address where nothing listens. */
  down(setup: NotifierSetup): Promise<Notifier>;
}

const POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 20, maxDelayMs: 2000, jitter: 0, timeoutMs: 2000 };
/** 20 + 40 + 80 ms of backoff between four attempts. */
const MIN_BACKOFF_MS = 140;

function groupedDelivery(count: number): Delivery {
  const grouper = new NotificationGrouper({ groupWaitMs: 0, groupIntervalMs: 0, maxExamples: 3, uiBaseUrl: 'https://ui.example' });
  for (const alert of alertBurst(count)) grouper.add(alert, T0);
  const notifications = grouper.flush(T0, []);
  expect(notifications).toHaveLength(1);
  return { type: 'notification', notification: notifications[0]! };
}

export function notifierContract(name: string, harness: NotifierHarness): void {
  describe(`notifier contract: ${name}`, () => {
    const cleanup: (() => Promise<void>)[] = [];
    let letters: DeadLetter[] = [];
    const setup = (): NotifierSetup => ({ policy: POLICY, onDeadLetter: (l) => void letters.push(l) });

    afterEach(async () => {
      await Promise.all(cleanup.splice(0).map((c) => c()));
      letters = [];
    });

    async function start(failures: number): Promise<NotifierTarget> {
      const target = await harness.start({ ...setup(), failures });
      cleanup.push(() => target.notifier.close(), () => target.close());
      return target;
    }

    it('delivers one grouped notification for 40 alerts: title, count and example orders', async () => {
      const target = await start(0);
      const result = await target.notifier.send(groupedDelivery(40));
      expect(result).toEqual({ channel: target.notifier.id, ok: true, attempts: 1 });
      const received = target.received();
      expect(received).toHaveLength(1);
      expect(received[0]!.title).toContain('Paid but not stock-locked within 2 h');
      expect(received[0]!.firing).toBe(40);
      for (const orderId of ['ORD-000001', 'ORD-000002', 'ORD-000003']) expect(received[0]!.body).toContain(orderId);
      expect(received[0]!.body).not.toContain('ORD-000004');
      expect(target.attempts()).toBe(1);
      expect(letters).toEqual([]);
    });

    it('delivers tickets and status pushes', async () => {
      const target = await start(0);
      const alert = alertFixture({ orderId: 'ORD-T1', title: 'Message not consumed', ruleKind: 'stalled_queue' });
      await target.notifier.send({ type: 'ticket', ticket: ticketFor(alert, 'https://ui.example') });
      await target.notifier.send({ type: 'status', status: { orderId: 'ORD-S1', from: 'paid', to: 'packed', atMs: T0 } });
      const [ticket, status] = target.received();
      expect(`${ticket!.title} ${ticket!.body}`).toContain('Message not consumed');
      expect(`${ticket!.title} ${ticket!.body}`).toContain('ORD-T1');
      expect(`${status!.title} ${status!.body}`).toContain('ORD-S1');
      expect(`${status!.title} ${status!.body}`).toContain('packed');
    });

    it('retries a receiver that fails transiently, then delivers exactly once', async () => {
      const target = await start(2);
      expect(await target.notifier.send(groupedDelivery(5))).toEqual({ channel: target.notifier.id, ok: true, attempts: 3 });
      expect(target.attempts()).toBe(3);
      expect(target.received()).toHaveLength(1);
      expect(letters).toEqual([]);
    });

    it('dead-letters after maxAttempts against a receiver that keeps failing', async () => {
      const target = await start(Infinity);
      const delivery = groupedDelivery(5);
      const result = await target.notifier.send(delivery);
      expect(result).toMatchObject({ channel: target.notifier.id, ok: false, attempts: POLICY.maxAttempts });
      expect(target.attempts()).toBe(POLICY.maxAttempts);
      expect(target.received()).toEqual([]);
      expect(letters).toHaveLength(1);
      expect(letters[0]).toMatchObject({ channel: target.notifier.id, attempts: POLICY.maxAttempts, error: result.error });
      expect(JSON.parse(letters[0]!.payload)).toEqual(JSON.parse(JSON.stringify(delivery)));
    });

    it('retries a receiver that is down, with backoff, then dead-letters', async () => {
      const notifier = await harness.down(setup());
      cleanup.push(() => notifier.close());
      const started = performance.now();
      const result = await notifier.send(groupedDelivery(5));
      expect(performance.now() - started).toBeGreaterThanOrEqual(MIN_BACKOFF_MS - 5);
      expect(result).toMatchObject({ ok: false, attempts: POLICY.maxAttempts });
      expect(letters.map((l) => [l.channel, l.attempts])).toEqual([[notifier.id, POLICY.maxAttempts]]);
    });
  });
}
