// One HTTP POST channel with signing and the shared retry loop: the webhook, Slack and ticket
// notifiers differ only in the body they post. The signature scheme is documented in
// docs/notifications.md ("Verifying signatures").
import { createHmac, randomUUID } from 'node:crypto';
import type { DeadLetterSink, DeliveryResult, Notifier } from './notifier.ts';
import type { Delivery } from './notification.ts';
import type { AttemptResult, RetryPolicy } from './retry.ts';
import { deliverWithRetry, parseRetryAfter } from './retry.ts';

export const SIGNATURE_HEADER = 'x-ordertrace-signature';
export const TIMESTAMP_HEADER = 'x-ordertrace-timestamp';
export const DELIVERY_HEADER = 'x-ordertrace-delivery';

export interface HttpChannelOptions {
  /** Notifier ID. */
  id: string;
  url: string;
  /** HMAC-SHA256 key; without one, deliveries are not signed. */
  secret?: string;
  policy: RetryPolicy;
  onDeadLetter: DeadLetterSink;
  now?: () => number;
  random?: () => number;
}

/** `sha256=` + hex HMAC-SHA256 over `${timestamp}.${body}`. */
export function signBody(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export function checkHttpUrl(id: string, url: string | undefined): string {
  if (!url) throw new Error(`notifier "${id}": url is required`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`notifier "${id}": url "${url}" is not a valid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error(`notifier "${id}": url "${url}" must be http or https`);
  return url;
}

function networkError(err: unknown): string {
  if (err instanceof Error && err.name === 'TimeoutError') return 'timed out';
  const cause = err instanceof Error ? (err.cause as { code?: string; message?: string } | undefined) : undefined;
  return cause?.code ?? cause?.message ?? (err instanceof Error ? err.message : String(err));
}

/** Drains the response (so the socket is reused) and keeps its start for the error message. */
async function responseSnippet(res: Response): Promise<string> {
  const text = await res.text().catch(() => '');
  return text.slice(0, 200).replace(/\s+/g, ' ').trim();
}

export async function postOnce(url: string, body: string, headers: Record<string, string>, timeoutMs: number, nowMs: number): Promise<AttemptResult> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    return { kind: 'retryable', error: `POST ${url}: ${networkError(err)}` };
  }
  const snippet = await responseSnippet(res);
  if (res.status >= 200 && res.status < 300) return { kind: 'ok' };
  const error = `POST ${url}: HTTP ${res.status}${snippet ? ` ${snippet}` : ''}`;
  if (res.status === 429 || res.status >= 500) {
    const retryAfterMs = parseRetryAfter(res.headers.get('retry-after'), nowMs);
    return retryAfterMs === undefined ? { kind: 'retryable', error } : { kind: 'retryable', error, retryAfterMs };
  }
  if (res.status >= 300 && res.status < 400) return { kind: 'failed', error: `${error} (redirects are not followed)` };
  return { kind: 'failed', error };
}

export type HttpPost = (delivery: Delivery, body: string) => Promise<DeliveryResult>;

/** Posts `body` (JSON) with retries; each attempt is signed afresh with the current timestamp. */
export function httpChannel(options: HttpChannelOptions): HttpPost {
  const now = options.now ?? Date.now;
  const url = checkHttpUrl(options.id, options.url);
  return (delivery, body) => {
    const deliveryId = randomUUID();
    return deliverWithRetry({
      channel: options.id,
      delivery,
      policy: options.policy,
      onDeadLetter: options.onDeadLetter,
      now,
      ...(options.random ? { random: options.random } : {}),
      attempt: () => {
        const nowMs = now();
        const headers: Record<string, string> = {
          'content-type': 'application/json',
          'user-agent': 'ordertrace-notifier',
          [DELIVERY_HEADER]: deliveryId,
        };
        if (options.secret !== undefined) {
          const timestamp = String(Math.floor(nowMs / 1000));
          headers[TIMESTAMP_HEADER] = timestamp;
          headers[SIGNATURE_HEADER] = signBody(options.secret, timestamp, body);
        }
        return postOnce(url, body, headers, options.policy.timeoutMs, nowMs);
      },
    });
  };
}

/** A notifier that posts each delivery, formatted by `format`, through an httpChannel. */
export class HttpNotifier implements Notifier {
  readonly id: string;
  readonly type: 'webhook' | 'slack';
  readonly #post: HttpPost;
  readonly #format: (delivery: Delivery) => string;

  constructor(type: 'webhook' | 'slack', format: (delivery: Delivery) => string, options: HttpChannelOptions) {
    this.id = options.id;
    this.type = type;
    this.#format = format;
    this.#post = httpChannel(options);
  }

  send(delivery: Delivery): Promise<DeliveryResult> {
    return this.#post(delivery, this.#format(delivery));
  }

  async close(): Promise<void> {}
}
