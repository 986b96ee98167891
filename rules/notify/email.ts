// Email notifier over SMTP (nodemailer): a plain-text part (the markdown summary and guide) and an
// HTML part rendered from the same markdown through the guide sanitizer.
import { randomUUID } from 'node:crypto';
import nodemailer from 'nodemailer';
import { markdownToSafeHtml } from '../guide.ts';
import type { DeadLetterSink, DeliveryResult, Notifier } from './notifier.ts';
import type { Delivery } from './notification.ts';
import { deliveryMarkdown, deliveryTitle } from './notification.ts';
import type { AttemptResult, RetryPolicy } from './retry.ts';
import { deliverWithRetry } from './retry.ts';

export interface SmtpOptions {
  host: string;
  port: number;
  /** true: TLS from the start (port 465); false: plain, upgraded by STARTTLS when offered. */
  secure: boolean;
  user?: string;
  password?: string;
}

export interface EmailNotifierOptions {
  id: string;
  smtp: SmtpOptions;
  from: string;
  to: string[];
  policy: RetryPolicy;
  onDeadLetter: DeadLetterSink;
  now?: () => number;
  random?: () => number;
}

// Errors a later attempt can get past (nodemailer's connection error codes); see nodemailer.com/errors.
const TRANSIENT_CODES = new Set(['ECONNECTION', 'ETIMEDOUT', 'ESOCKET', 'EDNS', 'ECONNREFUSED', 'ECONNRESET']);

/** SMTP 4xx and connection trouble are transient; SMTP 5xx, bad credentials or addresses are not. */
export function classifySmtpError(err: unknown): AttemptResult {
  const e = err as { code?: string; responseCode?: number; message?: string };
  const error = `SMTP: ${e.message ?? String(err)}`;
  if (typeof e.responseCode === 'number') return e.responseCode >= 400 && e.responseCode < 500 ? { kind: 'retryable', error } : { kind: 'failed', error };
  return e.code !== undefined && TRANSIENT_CODES.has(e.code) ? { kind: 'retryable', error } : { kind: 'failed', error };
}

export function emailMessage(delivery: Delivery): { subject: string; text: string; html: string } {
  const markdown = deliveryMarkdown(delivery);
  return { subject: deliveryTitle(delivery), text: markdown, html: markdownToSafeHtml(markdown) };
}

export class EmailNotifier implements Notifier {
  readonly id: string;
  readonly type = 'email' as const;
  readonly #options: EmailNotifierOptions;
  readonly #transport: ReturnType<typeof nodemailer.createTransport>;

  constructor(options: EmailNotifierOptions) {
    if (!options.from) throw new Error(`notifier "${options.id}": from is required for email`);
    if (options.to.length === 0) throw new Error(`notifier "${options.id}": to must list at least one address`);
    this.id = options.id;
    this.#options = options;
    const { smtp, policy } = options;
    this.#transport = nodemailer.createTransport({
      host: smtp.host,
      port: smtp.port,
      secure: smtp.secure,
      ...(smtp.user !== undefined ? { auth: { user: smtp.user, pass: smtp.password ?? '' } } : {}),
      connectionTimeout: policy.timeoutMs,
      greetingTimeout: policy.timeoutMs,
      socketTimeout: policy.timeoutMs,
    });
  }

  send(delivery: Delivery): Promise<DeliveryResult> {
    const { from, to } = this.#options;
    const message = { from, to, ...emailMessage(delivery), headers: { 'X-Ordertrace-Delivery': randomUUID() } };
    return deliverWithRetry({
      channel: this.id,
      delivery,
      policy: this.#options.policy,
      onDeadLetter: this.#options.onDeadLetter,
      ...(this.#options.now ? { now: this.#options.now } : {}),
      ...(this.#options.random ? { random: this.#options.random } : {}),
      attempt: async () => {
        try {
          await this.#transport.sendMail(message);
          return { kind: 'ok' };
        } catch (err) {
          return classifySmtpError(err);
        }
      },
    });
  }

  async close(): Promise<void> {
    this.#transport.close();
  }
}
