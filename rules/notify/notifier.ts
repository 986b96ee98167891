// The notifier seam: one configured channel (NotifierDef in rules/model.ts) that can deliver any
// Delivery. Implementations: webhook.ts (also tickets and status pushes), slack.ts, email.ts.
//
// Contract (test/contract/notifier.contract.ts):
// - send() resolves once the receiver accepted the delivery, or once it gave up: then the delivery
//   was handed to the dead-letter sink and the result says ok: false;
// - transient failures (network, timeouts, 5xx, 429, SMTP 4xx) are retried with backoff per the
//   RetryPolicy; permanent ones (other 4xx, SMTP 5xx, bad credentials) are dead-lettered at once;
// - send() rejects only when the dead-letter sink itself fails.
import type { DeadLetter, NotifierDef } from '../model.ts';
import type { Delivery } from './notification.ts';

export interface DeliveryResult {
  channel: string;
  ok: boolean;
  attempts: number;
  /** The last error, when ok is false. */
  error?: string;
}

export interface Notifier {
  readonly id: string;
  readonly type: NotifierDef['type'];
  send(delivery: Delivery): Promise<DeliveryResult>;
  /** Releases connections (SMTP transports). */
  close(): Promise<void>;
}

/** Where given-up deliveries go; the rules worker wires it to AlertStore.addDeadLetter. */
export type DeadLetterSink = (letter: DeadLetter) => Promise<void> | void;
