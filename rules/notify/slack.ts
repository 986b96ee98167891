// Slack-compatible incoming-webhook notifier: `text` (the fallback shown in notifications) plus
// Block Kit `blocks`. Posts through the same HTTP channel and retry loop as the generic webhook.
import type { Delivery, Notification } from './notification.ts';
import { deliveryTitle } from './notification.ts';
import type { HttpChannelOptions } from './http-channel.ts';
import { HttpNotifier } from './http-channel.ts';

type TextObject = { type: 'plain_text'; text: string; emoji?: boolean } | { type: 'mrkdwn'; text: string };
export type SlackBlock =
  | { type: 'header'; text: TextObject }
  | { type: 'section'; text?: TextObject; fields?: TextObject[] }
  | { type: 'context'; elements: TextObject[] };

export interface SlackPayload {
  text: string;
  blocks: SlackBlock[];
}

// Block Kit limits: header text 150 characters, section text 3000, a field 2000.
const HEADER_MAX = 150;
const SECTION_MAX = 3000;

function cut(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Slack's escaping for mrkdwn and text: &, < and > are control characters (links are <url|label>). */
export function slackEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function slackLink(url: string, label: string): string {
  return `<${slackEscape(url)}|${slackEscape(label).replace(/\|/g, '¦')}>`;
}

const SEVERITY_EMOJI = { critical: ':red_circle:', warning: ':large_orange_circle:', info: ':large_blue_circle:' } as const;

const mrkdwn = (text: string): TextObject => ({ type: 'mrkdwn', text: cut(text, SECTION_MAX) });
const header = (text: string): SlackBlock => ({ type: 'header', text: { type: 'plain_text', text: cut(text, HEADER_MAX), emoji: true } });

function notificationBlocks(n: Notification): SlackBlock[] {
  const iso = (ms: number) => new Date(ms).toISOString();
  const blocks: SlackBlock[] = [
    header(`${SEVERITY_EMOJI[n.severity]} ${n.title}`),
    {
      type: 'section',
      fields: [
        mrkdwn(`*Firing*\n${n.firing}`),
        mrkdwn(`*Resolved*\n${n.resolved}`),
        mrkdwn(`*Orders*\n${n.totalOrders}`),
        mrkdwn(`*Severity*\n${n.severity}`),
        mrkdwn(`*Rule*\n${slackEscape(n.ruleId)}`),
        mrkdwn(`*Window*\n${iso(n.windowStartMs)} – ${iso(n.windowEndMs)}`),
      ],
    },
  ];
  if (n.examples.length > 0) {
    const lines = n.examples.map((e) => `• ${slackLink(e.link, e.orderId)} ${e.state}: ${slackEscape(e.summary)}`);
    blocks.push({ type: 'section', text: mrkdwn(lines.join('\n')) });
  }
  const more = n.firing + n.resolved - n.examples.length;
  if (more > 0) blocks.push({ type: 'context', elements: [mrkdwn(`…and ${more} more`)] });
  return blocks;
}

export function slackPayload(delivery: Delivery): SlackPayload {
  const text = slackEscape(deliveryTitle(delivery));
  switch (delivery.type) {
    case 'notification':
      return { text, blocks: notificationBlocks(delivery.notification) };
    case 'ticket': {
      const t = delivery.ticket;
      return { text, blocks: [header(`Ticket: ${t.title}`), { type: 'section', text: mrkdwn(`${slackLink(t.link, t.orderId)}: ${slackEscape(t.summary)}`) }] };
    }
    case 'status':
      return { text, blocks: [{ type: 'section', text: mrkdwn(text) }] };
  }
}

export function slackNotifier(options: HttpChannelOptions): HttpNotifier {
  return new HttpNotifier('slack', (delivery) => JSON.stringify(slackPayload(delivery)), options);
}
