// The one retry loop every notifier shares. A channel reports each attempt as data — ok, retryable
// (with an optional server-requested delay) or failed — and this wrapper decides whether to wait and
// try again or to give up and dead-letter the delivery.
import { randomUUID } from 'node:crypto';
import type { DeadLetterSink, DeliveryResult } from './notifier.ts';
import type { Delivery } from './notification.ts';

export type AttemptResult =
  | { kind: 'ok' }
  | { kind: 'retryable'; error: string; retryAfterMs?: number }
  | { kind: 'failed'; error: string };

export interface RetryPolicy {
  /** Attempts in all, the first included. */
  maxAttempts: number;
  /** Delay after the first failed attempt; doubles after each further one. */
  baseDelayMs: number;
  /** Cap on one delay; a Retry-After longer than this gives up at once. */
  maxDelayMs: number;
  /** 0…1: a delay d becomes a random value in [d·(1−jitter), d]. */
  jitter: number;
  /** Per-attempt timeout. */
  timeoutMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 5, baseDelayMs: 1000, maxDelayMs: 300_000, jitter: 0.5, timeoutMs: 10_000 };

export function retryPolicy(overrides: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...overrides };
  const bad = (Object.keys(policy) as (keyof RetryPolicy)[]).find((k) => !Number.isFinite(policy[k]) || policy[k] < 0);
  if (bad) throw new Error(`retry policy: ${bad} must be a non-negative number, got ${String(policy[bad])}`);
  if (policy.maxAttempts < 1) throw new Error(`retry policy: maxAttempts must be at least 1, got ${policy.maxAttempts}`);
  if (policy.jitter > 1) throw new Error(`retry policy: jitter must be between 0 and 1, got ${policy.jitter}`);
  return policy;
}

/** The wait after failed attempt number `attempt` (1-based), before the server's Retry-After. */
export function backoffDelayMs(attempt: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const exponential = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return exponential * (1 - policy.jitter * random());
}

/** Retry-After as delta-seconds or an HTTP date → ms to wait, or undefined when absent or unreadable. */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

export interface RetryRun {
  /** Notifier ID, for the result and the dead letter. */
  channel: string;
  delivery: Delivery;
  policy: RetryPolicy;
  onDeadLetter: DeadLetterSink;
  /** One attempt; `attempt` is 1-based. Must not throw: report failures as results. */
  attempt: (attempt: number) => Promise<AttemptResult>;
  now?: () => number;
  random?: () => number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Runs attempts until one succeeds, one fails permanently, or the policy is spent; then dead-letters. */
export async function deliverWithRetry(run: RetryRun): Promise<DeliveryResult> {
  const now = run.now ?? Date.now;
  let error = '';
  let attempts = 0;
  for (;;) {
    attempts += 1;
    const result = await run.attempt(attempts);
    if (result.kind === 'ok') return { channel: run.channel, ok: true, attempts };
    error = result.error;
    if (result.kind === 'failed' || attempts >= run.policy.maxAttempts) break;
    const delay = Math.max(backoffDelayMs(attempts, run.policy, run.random), result.retryAfterMs ?? 0);
    if (delay > run.policy.maxDelayMs) {
      error = `${error}; the receiver asked to retry after ${Math.round(delay / 1000)} s, beyond the ${Math.round(run.policy.maxDelayMs / 1000)} s limit`;
      break;
    }
    await sleep(delay);
  }
  await run.onDeadLetter({
    id: randomUUID(),
    channel: run.channel,
    payload: JSON.stringify(run.delivery),
    error,
    attempts,
    createdAtMs: now(),
  });
  return { channel: run.channel, ok: false, attempts, error };
}
