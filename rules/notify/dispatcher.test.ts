// Routing: notifiers built from the rule set's definitions (secrets from env), deliveries sent to the
// rule's channels, the default channels, ticket channels and the status push — real receivers.
import { afterEach, describe, expect, it } from 'vitest';
import { alertFixture, deadLetterBox, FAST_RETRY, T0 } from '../../test/helpers/alert-fixtures.ts';
import { startHttpReceiver, startSmtpSink, type HttpReceiver, type SmtpSink } from '../../test/helpers/notify-receivers.ts';
import { deadlineRule, ruleSetFixture, stalledQueueRule } from '../../test/helpers/rule-fixtures.ts';
import type { NotifierDef } from '../model.ts';
import { Dispatcher } from './dispatcher.ts';
import { NotificationGrouper } from './grouping.ts';
import type { Notification } from './notification.ts';
import { ticketFor } from './notification.ts';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

async function http(secret?: string): Promise<HttpReceiver> {
  const r = await startHttpReceiver(secret ? { secret } : {});
  closers.push(() => r.close());
  return r;
}

async function smtp(): Promise<SmtpSink> {
  const s = await startSmtpSink({ auth: { user: 'mailer', pass: 'pw' } });
  closers.push(() => s.close());
  return s;
}

function notificationFor(ruleId: string): Notification {
  const grouper = new NotificationGrouper({ groupWaitMs: 0, groupIntervalMs: 0, maxExamples: 3, uiBaseUrl: 'https://ui.example' });
  grouper.add(alertFixture({ ruleId, id: `${ruleId}:O1`, orderId: 'O1' }), T0);
  return grouper.flush(T0, [])[0]!;
}

const env = { OT_HOOK_SECRET: 'hook-secret', OT_MAIL_USER: 'mailer', OT_MAIL_PASSWORD: 'pw' };

async function setup() {
  const hook = await http('hook-secret');
  const slack = await http();
  const tickets = await http();
  const crm = await http();
  const mail = await smtp();
  const notifiers: NotifierDef[] = [
    { id: 'ops-hook', type: 'webhook', url: hook.url, secretEnv: 'OT_HOOK_SECRET' },
    { id: 'slack', type: 'slack', url: slack.url },
    { id: 'tickets', type: 'webhook', url: tickets.url },
    { id: 'crm', type: 'webhook', url: crm.url },
    { id: 'mail', type: 'email', smtp: { host: '127.0.0.1', port: mail.port, secure: false, userEnv: 'OT_MAIL_USER', passwordEnv: 'OT_MAIL_PASSWORD' }, from: 'ot@shop.example', to: ['ops@shop.example'] },
  ];
  const rules = [deadlineRule('own', { notify: ['ops-hook', 'slack'] }), deadlineRule('default'), stalledQueueRule('stalled', { notify: ['slack'], ticket: ['tickets'] })];
  const box = deadLetterBox();
  const dispatcher = new Dispatcher({ ruleSet: ruleSetFixture(rules, notifiers, { defaultNotify: ['mail'], statusPush: 'crm' }), env, onDeadLetter: box.sink, retry: FAST_RETRY });
  closers.push(() => dispatcher.close());
  return { dispatcher, hook, slack, tickets, crm, mail, letters: box.letters };
}

describe('Dispatcher', () => {
  it('routes notifications to the rule’s channels, or the default ones', async () => {
    const t = await setup();
    const results = await t.dispatcher.notify(notificationFor('own'));
    expect(results.map((r) => [r.channel, r.ok])).toEqual([['ops-hook', true], ['slack', true]]);
    expect(t.hook.requests.map((r) => r.signatureValid)).toEqual([true]); // secret taken from OT_HOOK_SECRET
    expect(t.slack.accepted()).toHaveLength(1);
    expect(t.mail.messages).toHaveLength(0);

    await t.dispatcher.notify(notificationFor('default'));
    expect(t.mail.messages.map((m) => [m.user, m.to, m.subject])).toEqual([['mailer', ['ops@shop.example'], '[CRITICAL] Paid but not stock-locked within 2 h: 1 firing, 0 resolved']]);

    // a rule removed since the alert fired falls back to the default channels
    await t.dispatcher.notify(notificationFor('gone'));
    expect(t.mail.messages).toHaveLength(2);
  });

  it('sends tickets to the rule’s ticket channels and status changes to statusPush', async () => {
    const t = await setup();
    const ticket = ticketFor(alertFixture({ ruleId: 'stalled', ruleKind: 'stalled_queue', scope: 'msg-1' }), 'https://ui.example');
    expect(await t.dispatcher.ticket(ticket)).toMatchObject([{ channel: 'tickets', ok: true }]);
    expect(t.tickets.accepted()).toEqual([{ type: 'ticket', ticket: JSON.parse(JSON.stringify(ticket)) }]);
    expect(await t.dispatcher.ticket({ ...ticket, ruleId: 'own' })).toEqual([]);

    await t.dispatcher.pushStatus({ orderId: 'O1', from: 'paid', to: 'packed', atMs: T0 });
    expect(t.crm.accepted()).toEqual([{ type: 'status', status: { orderId: 'O1', from: 'paid', to: 'packed', atMs: T0 } }]);
    expect(t.hook.requests).toHaveLength(0);
  });

  it('sends no status push when none is configured', async () => {
    const d = new Dispatcher({ ruleSet: ruleSetFixture([], []), onDeadLetter: () => undefined, env: {} });
    expect(await d.pushStatus({ orderId: 'O1', from: '', to: 'paid', atMs: T0 })).toEqual([]);
  });

  it('names what is wrong with the configuration', () => {
    const hook: NotifierDef = { id: 'h', type: 'webhook', url: 'https://hooks.example/x', secretEnv: 'MISSING_SECRET' };
    const build = (notifiers: NotifierDef[], rules = [deadlineRule('r1')], extra = {}) => () => new Dispatcher({ ruleSet: ruleSetFixture(rules, notifiers, extra), onDeadLetter: () => undefined, env: {} });
    expect(build([hook])).toThrow('notifier "h": environment variable MISSING_SECRET (secretEnv) is not set');
    expect(build([{ id: 'm', type: 'email', from: 'a@b', to: ['c@d'] }])).toThrow('notifier "m": smtp is required for email');
    expect(build([{ id: 'm', type: 'email', smtp: { host: 'h', port: 25, secure: false, passwordEnv: 'NOPE' }, from: 'a@b', to: ['c@d'] }])).toThrow('notifier "m": environment variable NOPE (smtp.passwordEnv) is not set');
    expect(build([{ id: 's', type: 'slack' }])).toThrow('notifier "s": url is required');
    expect(build([{ id: 'x', type: 'pager' as 'slack' }])).toThrow('notifier "x": unknown type "pager" (webhook, slack or email)');
    const slack: NotifierDef = { id: 's', type: 'slack', url: 'https://hooks.slack.example/T/B/X' };
    expect(build([slack, slack])).toThrow('notifier "s" is defined twice');
    expect(build([slack], [deadlineRule('r1', { notify: ['nope'] })])).toThrow('rule "r1" (rules/test.yaml:1) notify: channel "nope" is not a configured notifier (configured: s)');
    expect(build([slack], [deadlineRule('r1', { ticket: ['t'] })])).toThrow('rule "r1" (rules/test.yaml:1) ticket: channel "t"');
    expect(build([slack], [], { defaultNotify: ['mail'] })).toThrow('defaultNotify: channel "mail" is not a configured notifier');
    expect(build([slack], [], { statusPush: 'crm' })).toThrow('statusPush: channel "crm" is not a configured notifier');
  });
});
