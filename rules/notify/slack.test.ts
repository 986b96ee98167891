// The Slack-compatible notifier: Block Kit payload shape, escaping, delivery to a real server.
import { afterEach, describe, expect, it } from 'vitest';
import { alertBurst, alertFixture, deadLetterBox, FAST_RETRY, T0 } from '../../test/helpers/alert-fixtures.ts';
import { startHttpReceiver, type HttpReceiver } from '../../test/helpers/notify-receivers.ts';
import { NotificationGrouper } from './grouping.ts';
import type { Delivery } from './notification.ts';
import { ticketFor } from './notification.ts';
import { slackNotifier, slackPayload, type SlackPayload } from './slack.ts';

let receiver: HttpReceiver | undefined;
afterEach(async () => {
  await receiver?.close();
  receiver = undefined;
});

function grouped(alerts = alertBurst(12)): Delivery {
  const grouper = new NotificationGrouper({ groupWaitMs: 0, groupIntervalMs: 0, maxExamples: 3, uiBaseUrl: 'https://ui.example' });
  for (const a of alerts) grouper.add(a, T0);
  return { type: 'notification', notification: grouper.flush(T0, [])[0]! };
}

describe('slackPayload', () => {
  it('has a fallback text, a header, a section with counts and the example order links', () => {
    const payload = slackPayload(grouped());
    expect(payload.text).toBe('[CRITICAL] Paid but not stock-locked within 2 h: 12 firing, 0 resolved');
    expect(payload.blocks[0]).toEqual({ type: 'header', text: { type: 'plain_text', text: ':red_circle: Paid but not stock-locked within 2 h', emoji: true } });
    const fields = payload.blocks[1]!.type === 'section' ? payload.blocks[1]!.fields!.map((f) => f.text) : [];
    expect(fields).toEqual(expect.arrayContaining(['*Firing*\n12', '*Resolved*\n0', '*Orders*\n12', '*Rule*\npaid-not-locked']));
    expect(payload.blocks[2]).toMatchObject({ type: 'section', text: { type: 'mrkdwn', text: expect.stringContaining('• <https://ui.example/#/orders/ORD-000001|ORD-000001> firing:') } });
    expect(payload.blocks[3]).toEqual({ type: 'context', elements: [{ type: 'mrkdwn', text: '…and 9 more' }] });
  });

  it('escapes &, < and > so untrusted text cannot form links or mentions', () => {
    const alert = alertFixture({ orderId: 'O|<!channel>', summary: '<https://evil.example|click> & <@U123>' });
    const text = JSON.stringify(slackPayload(grouped([alert])));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example');
    expect(text).not.toContain('<@U123>');
    expect(text).toContain('&lt;https://evil.example|click&gt; &amp; &lt;@U123&gt;');
    expect(text).toContain('|O¦&lt;!channel&gt;>');
  });

  it('keeps the header within Slack’s 150 characters', () => {
    const payload = slackPayload(grouped([alertFixture({ title: 'x'.repeat(400) })]));
    const header = payload.blocks[0]!;
    expect(header.type === 'header' && [...header.text.text].length).toBe(150);
  });

  it('formats tickets and status pushes too', () => {
    const ticket = slackPayload({ type: 'ticket', ticket: ticketFor(alertFixture({ title: 'Message stalled' }), 'https://ui.example') });
    expect(ticket.text).toBe('[TICKET] Message stalled — order ORD-1');
    expect(slackPayload({ type: 'status', status: { orderId: 'ORD-1', from: 'paid', to: 'packed', atMs: T0 } }).text).toBe('Order ORD-1: paid → packed');
  });
});

describe('slack notifier', () => {
  it('posts the payload to the incoming webhook, retrying a 5xx', async () => {
    receiver = await startHttpReceiver({ respond: (i) => ({ status: i === 1 ? 500 : 200 }) });
    const box = deadLetterBox();
    const notifier = slackNotifier({ id: 'slack-ops', url: receiver.url, policy: FAST_RETRY, onDeadLetter: box.sink });
    const delivery = grouped();
    expect(await notifier.send(delivery)).toEqual({ channel: 'slack-ops', ok: true, attempts: 2 });
    const [body] = receiver.accepted() as SlackPayload[];
    expect(body).toEqual(slackPayload(delivery));
    expect(box.letters).toEqual([]);
  });
});
