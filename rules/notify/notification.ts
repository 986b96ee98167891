// What notifiers deliver: a grouped Notification about one rule, a TicketRequest per ticket-worthy
// alert, a StatusPush per canonical status change. Plain data; the webhook body is `Delivery` as JSON.
import type { Alert, RuleKind, Severity } from '../model.ts';
import { orderLink } from '../guide-context.ts';
import type { RenderedGuide } from '../guide.ts';
import { escapeMarkdown } from '../guide.ts';

export interface NotificationExample {
  alertId: string;
  orderId: string;
  state: 'firing' | 'resolved';
  summary: string;
  /** The order's timeline in the UI. */
  link: string;
}

/** One message about one rule: every alert of the rule that fired or resolved since the last message. */
export interface Notification {
  ruleId: string;
  ruleKind: RuleKind;
  title: string;
  severity: Severity;
  labels: Record<string, string>;
  /** Alerts newly firing in this message. */
  firing: number;
  /** Alerts resolved in this message. */
  resolved: number;
  /** Distinct orders among them. */
  totalOrders: number;
  /** Up to maxExamples, firing ones first. */
  examples: NotificationExample[];
  /** Earliest and latest fire/resolve time among the alerts, ms since epoch. */
  windowStartMs: number;
  windowEndMs: number;
  /** Markdown summary (reads as plain text too). */
  text: string;
  /** The remediation guide rendered for the first example, when the sender attached one. */
  guide?: RenderedGuide;
}

/** A ticket for one alert (a stalled queue, or any rule with `ticket:` channels). alertId is stable: use it to deduplicate. */
export interface TicketRequest {
  alertId: string;
  ruleId: string;
  title: string;
  severity: Severity;
  orderId: string;
  scope: string;
  summary: string;
  firedAtMs: number;
  link: string;
  /** Markdown: the rendered guide, else the summary. */
  description: string;
}

/** A change of an order's canonical status, pushed to e.g. the CRM. */
export interface StatusPush {
  orderId: string;
  from: string;
  to: string;
  atMs: number;
}

/** What a notifier is asked to send. The webhook body is exactly this object as JSON. */
export type Delivery =
  | { type: 'notification'; notification: Notification }
  | { type: 'ticket'; ticket: TicketRequest }
  | { type: 'status'; status: StatusPush };

export function ticketFor(alert: Alert, uiBaseUrl: string, guide?: RenderedGuide): TicketRequest {
  return {
    alertId: alert.id,
    ruleId: alert.ruleId,
    title: alert.title,
    severity: alert.severity,
    orderId: alert.orderId,
    scope: alert.scope,
    summary: alert.summary,
    firedAtMs: alert.firedAtMs,
    link: orderLink(uiBaseUrl, alert.orderId),
    description: guide?.markdown ?? escapeMarkdown(alert.summary),
  };
}

/** The markdown summary of a grouped notification. */
export function notificationText(n: Omit<Notification, 'text' | 'guide'>): string {
  const counts = [n.firing > 0 ? `${n.firing} firing` : '', n.resolved > 0 ? `${n.resolved} resolved` : ''].filter(Boolean).join(', ');
  const window = `${new Date(n.windowStartMs).toISOString()} – ${new Date(n.windowEndMs).toISOString()}`;
  const lines = [
    `**[${n.severity.toUpperCase()}] ${escapeMarkdown(n.title)}** (rule ${escapeMarkdown(n.ruleId)})`,
    '',
    `${counts} across ${n.totalOrders} order${n.totalOrders === 1 ? '' : 's'}, ${window}`,
    '',
    ...n.examples.map((e) => `- [${escapeMarkdown(e.orderId)}](${e.link}) ${e.state}: ${escapeMarkdown(e.summary)}`),
  ];
  const more = n.firing + n.resolved - n.examples.length;
  if (more > 0) lines.push(`- …and ${more} more`);
  return lines.join('\n');
}

export function deliveryTitle(delivery: Delivery): string {
  switch (delivery.type) {
    case 'notification': {
      const n = delivery.notification;
      return `[${n.severity.toUpperCase()}] ${n.title}: ${n.firing} firing, ${n.resolved} resolved`;
    }
    case 'ticket':
      return `[TICKET] ${delivery.ticket.title} — order ${delivery.ticket.orderId}`;
    case 'status':
      return `Order ${delivery.status.orderId}: ${delivery.status.from || '(none)'} → ${delivery.status.to}`;
  }
}

/** Markdown body of any delivery, for channels that show text (email, Slack fallback). */
export function deliveryMarkdown(delivery: Delivery): string {
  switch (delivery.type) {
    case 'notification': {
      const n = delivery.notification;
      return n.guide ? `${n.text}\n\n---\n\n${n.guide.markdown}` : n.text;
    }
    case 'ticket': {
      const t = delivery.ticket;
      return `**${escapeMarkdown(t.title)}** — order [${escapeMarkdown(t.orderId)}](${t.link})\n\n${t.description}`;
    }
    case 'status': {
      const s = delivery.status;
      return `Order ${escapeMarkdown(s.orderId)} changed status from ${escapeMarkdown(s.from || '(none)')} to ${escapeMarkdown(s.to)} at ${new Date(s.atMs).toISOString()}.`;
    }
  }
}
