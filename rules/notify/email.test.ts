// The email notifier against a real SMTP sink (smtp-server) started by the test.
import { afterEach, describe, expect, it } from 'vitest';
import { alertBurst, alertFixture, deadLetterBox, FAST_RETRY, T0 } from '../../test/helpers/alert-fixtures.ts';
import { closedPort, startSmtpSink, type SmtpSink, type SmtpSinkOptions } from '../../test/helpers/notify-receivers.ts';
import { EmailNotifier, type SmtpOptions } from './email.ts';
import { NotificationGrouper } from './grouping.ts';
import type { Delivery } from './notification.ts';
import { ticketFor } from './notification.ts';

let sinks: SmtpSink[] = [];
let notifiers: EmailNotifier[] = [];
afterEach(async () => {
  await Promise.all(notifiers.map((n) => n.close()));
  await Promise.all(sinks.map((s) => s.close()));
  sinks = [];
  notifiers = [];
});

async function sink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(options);
  sinks.push(s);
  return s;
}

function emailer(smtp: Partial<SmtpOptions> & { port: number }) {
  const box = deadLetterBox();
  const n = new EmailNotifier({
    id: 'ops-mail',
    smtp: { host: '127.0.0.1', secure: false, ...smtp },
    from: 'ordertrace@shop.example',
    to: ['oncall@shop.example', 'lead@shop.example'],
    policy: FAST_RETRY,
    onDeadLetter: box.sink,
  });
  notifiers.push(n);
  return { n, letters: box.letters };
}

function grouped(alerts = alertBurst(7)): Delivery {
  const grouper = new NotificationGrouper({ groupWaitMs: 0, groupIntervalMs: 0, maxExamples: 3, uiBaseUrl: 'https://ui.example' });
  for (const a of alerts) grouper.add(a, T0);
  const notification = grouper.flush(T0, [])[0]!;
  return { type: 'notification', notification: { ...notification, guide: { markdown: '## Runbook\n\n1. Check the inventory service', html: '' } } };
}

describe('email notifier', () => {
  it('delivers a grouped notification: subject, recipients, text and sanitized HTML', async () => {
    const s = await sink();
    const { n, letters } = emailer({ port: s.port });
    expect(await n.send(grouped())).toEqual({ channel: 'ops-mail', ok: true, attempts: 1 });
    expect(s.messages).toHaveLength(1);
    const [mail] = s.messages;
    expect(mail!.from).toBe('ordertrace@shop.example');
    expect(mail!.to).toEqual(['oncall@shop.example', 'lead@shop.example']);
    expect(mail!.subject).toBe('[CRITICAL] Paid but not stock-locked within 2 h: 7 firing, 0 resolved');
    expect(mail!.headers['x-ordertrace-delivery']).toMatch(/^[0-9a-f-]{36}$/);
    expect(mail!.text).toContain('7 firing across 7 orders');
    expect(mail!.text).toContain('- [ORD-000001](https://ui.example/#/orders/ORD-000001) firing:');
    expect(mail!.text).toContain('## Runbook');
    expect(mail!.html).toContain('<a href="https://ui.example/#/orders/ORD-000001" rel="noopener noreferrer">ORD-000001</a>');
    expect(mail!.html).toContain('<h2>Runbook</h2>');
    expect(letters).toEqual([]);
  });

  it('authenticates when the sink requires it', async () => {
    const s = await sink({ auth: { user: 'mailer', pass: 'hunter2' } });
    const { n } = emailer({ port: s.port, user: 'mailer', password: 'hunter2' });
    expect(await n.send(grouped())).toMatchObject({ ok: true });
    expect(s.messages[0]!.user).toBe('mailer');
  });

  it('dead-letters at once on bad credentials (not retried)', async () => {
    const s = await sink({ auth: { user: 'mailer', pass: 'hunter2' } });
    const { n, letters } = emailer({ port: s.port, user: 'mailer', password: 'wrong' });
    expect(await n.send(grouped())).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('535') });
    expect(s.messages).toEqual([]);
    expect(letters).toHaveLength(1);
  });

  it('retries a transient SMTP 4xx and gives up on a 5xx', async () => {
    const flaky = await sink({ rejectWith: (n) => (n <= 2 ? 451 : undefined) });
    const a = emailer({ port: flaky.port });
    expect(await a.n.send(grouped())).toMatchObject({ ok: true, attempts: 3 });
    expect(flaky.attempts()).toBe(3);
    expect(flaky.messages).toHaveLength(1);

    const refusing = await sink({ rejectWith: () => 550 });
    const b = emailer({ port: refusing.port });
    expect(await b.n.send(grouped())).toMatchObject({ ok: false, attempts: 1, error: expect.stringContaining('550') });
    expect(b.letters).toHaveLength(1);
  });

  it('keeps hostile alert text out of the HTML structure', async () => {
    const s = await sink();
    const { n } = emailer({ port: s.port });
    const hostile = alertFixture({ orderId: 'ORD-<b>1</b>', summary: '<script>alert(1)</script> [x](javascript:alert(1))' });
    await n.send({ type: 'ticket', ticket: ticketFor(hostile, 'https://ui.example') });
    const [mail] = s.messages;
    expect(mail!.subject).toBe('[TICKET] Paid but not stock-locked within 2 h — order ORD-<b>1</b>');
    expect(mail!.html).not.toMatch(/<script|<b>|href="javascript/);
    expect(mail!.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('dead-letters after retries when the SMTP server is down', async () => {
    const { n, letters } = emailer({ port: await closedPort() });
    expect(await n.send(grouped())).toMatchObject({ ok: false, attempts: FAST_RETRY.maxAttempts });
    expect(letters[0]).toMatchObject({ channel: 'ops-mail', attempts: FAST_RETRY.maxAttempts, error: expect.stringContaining('ECONNREFUSED') });
  });

  it('needs a sender and recipients', () => {
    expect(() => new EmailNotifier({ id: 'm', smtp: { host: 'h', port: 25, secure: false }, from: '', to: ['a@b'], policy: FAST_RETRY, onDeadLetter: () => undefined })).toThrow('notifier "m": from is required for email');
    expect(() => new EmailNotifier({ id: 'm', smtp: { host: 'h', port: 25, secure: false }, from: 'a@b', to: [], policy: FAST_RETRY, onDeadLetter: () => undefined })).toThrow('notifier "m": to must list at least one address');
  });
});
