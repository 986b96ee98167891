// Error-pattern counting across workers: each worker buckets its own matches per minute and saves
// the cumulative count of every bucket it touched (AlertStore.saveRuleCounts is an idempotent set
// per rule × bucket × worker); the sum over workers decides whether the threshold is crossed.
import type { RuleCount } from '../core/store/alert-store.ts';

export const BUCKET_MS = 60_000;

export function bucketOf(timeMs: number, bucketMs = BUCKET_MS): number {
  return Math.floor(timeMs / bucketMs) * bucketMs;
}

/**
 * The bucket range [fromMs, toMs) covering a window ending now: whole buckets, so a window of
 * 10 minutes counts the current minute and the ten before it.
 */
export function windowBuckets(nowMs: number, windowMs: number, bucketMs = BUCKET_MS): { fromMs: number; toMs: number } {
  return { fromMs: bucketOf(nowMs - windowMs, bucketMs), toMs: bucketOf(nowMs, bucketMs) + bucketMs };
}

export class WindowCounter {
  private readonly bucketMs: number;
  /** ruleId → bucket start → count. */
  private readonly counts = new Map<string, Map<number, number>>();
  private readonly changed = new Map<string, Set<number>>();

  constructor(bucketMs = BUCKET_MS) {
    this.bucketMs = bucketMs;
  }

  add(ruleId: string, timeMs: number, count = 1): void {
    const bucket = bucketOf(timeMs, this.bucketMs);
    let perRule = this.counts.get(ruleId);
    if (!perRule) this.counts.set(ruleId, (perRule = new Map()));
    perRule.set(bucket, (perRule.get(bucket) ?? 0) + count);
    let dirty = this.changed.get(ruleId);
    if (!dirty) this.changed.set(ruleId, (dirty = new Set()));
    dirty.add(bucket);
  }

  /** Buckets changed since the last call, with their cumulative counts (rows for saveRuleCounts). */
  drainChanged(workerId: string): RuleCount[] {
    const rows: RuleCount[] = [];
    for (const [ruleId, buckets] of this.changed) {
      for (const bucketMs of buckets) rows.push({ ruleId, bucketMs, workerId, count: this.counts.get(ruleId)?.get(bucketMs) ?? 0 });
    }
    this.changed.clear();
    return rows;
  }

  /** This counter's own matches in buckets starting within [fromMs, toMs). */
  sum(ruleId: string, fromMs: number, toMs: number): number {
    let total = 0;
    for (const [bucket, count] of this.counts.get(ruleId) ?? []) if (bucket >= fromMs && bucket < toMs) total += count;
    return total;
  }

  /** Forgets buckets that start before `beforeMs` (older than every window). */
  prune(beforeMs: number): void {
    for (const [ruleId, buckets] of this.counts) {
      for (const bucket of buckets.keys()) if (bucket < beforeMs) buckets.delete(bucket);
      if (buckets.size === 0) this.counts.delete(ruleId);
    }
  }
}
