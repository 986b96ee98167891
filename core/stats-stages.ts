// Stage instances of one order, as the health dashboard counts them (docs/health.md): the reference
// the embedded store runs in JavaScript and the ClickHouse store's SQL (clickhouse/stats-queries.ts)
// reproduces; the stats contract suite holds both to the same answers.
//
// Instances follow the order journey (core/journey.ts): a per-order stage has one; a per-shipment
// stage has one per shipment.id seen on the order's events (one for the order when there is none),
// and an event without shipment.id counts for every shipment. An instance's start/end is the time of
// the first start/end event that counts for it; failed = some failOn event counts for it.
import type { OrderEvent } from './model.ts';
import type { StageDef } from './stages.ts';
import { TERMINAL_EVENTS } from './stages.ts';
import { bucketStart } from './stats-buckets.ts';
import { nearestRank, type StagePointRow } from './stats-assemble.ts';

export interface StageInstance {
  /** Index of the stage in the catalog. */
  stageIndex: number;
  /** '' for per-order stages, and for per-shipment ones of an order without shipment IDs. */
  shipmentId: string;
  startNs: bigint | null;
  endNs: bigint | null;
  failed: boolean;
}

/** A stage instance that ended (first end at or after its first start). */
export interface Completion {
  stageIndex: number;
  endNs: bigint;
  durationNs: bigint;
}

const SHIPMENT = 'shipment.id';
const NS_PER_MS = 1_000_000n;

function firstTime(events: readonly OrderEvent[], types: readonly string[], shipmentId: string): bigint | null {
  let first: bigint | null = null;
  for (const e of events) {
    if (!types.includes(e.type)) continue;
    const own = e.attributes[SHIPMENT] ?? '';
    if (shipmentId !== '' && own !== '' && own !== shipmentId) continue;
    const t = BigInt(e.timeUnixNano);
    if (first === null || t < first) first = t;
  }
  return first;
}

/** Every stage instance of one order (its events, each once), catalog order. */
export function stageInstances(events: readonly OrderEvent[], catalog: readonly StageDef[]): StageInstance[] {
  const shipments = [...new Set(events.map((e) => e.attributes[SHIPMENT] ?? '').filter((id) => id !== ''))].sort();
  const out: StageInstance[] = [];
  catalog.forEach((def, stageIndex) => {
    const keys = def.per === 'shipment' && shipments.length > 0 ? shipments : [''];
    for (const shipmentId of keys) {
      out.push({
        stageIndex,
        shipmentId,
        startNs: firstTime(events, [def.start], shipmentId),
        endNs: firstTime(events, [def.end], shipmentId),
        failed: firstTime(events, def.failOn, shipmentId) !== null,
      });
    }
  });
  return out;
}

/** A stage's expected duration in ns (whole ms, as the order journey rounds it). */
export function expectedNs(def: StageDef): bigint {
  return BigInt(Math.round(def.expectedMs)) * NS_PER_MS;
}

export function completionOf(instance: StageInstance): Completion | null {
  const { startNs, endNs } = instance;
  if (startNs === null || endNs === null || endNs < startNs) return null;
  return { stageIndex: instance.stageIndex, endNs, durationNs: endNs - startNs };
}

/**
 * Breached: started, and either ended more than expectedMs after its start, or still open (no end, no
 * failOn event, and — for the forward flow — the order not cancelled) more than expectedMs before nowNs.
 */
export function isBreached(instance: StageInstance, def: StageDef, cancelled: boolean, nowNs: bigint): boolean {
  if (instance.startNs === null) return false;
  const due = instance.startNs + expectedNs(def);
  if (instance.endNs !== null) return instance.endNs > due;
  if (instance.failed || (cancelled && def.flow === 'forward')) return false;
  return nowNs > due;
}

/** Per catalog stage: did the order start it, is it breached (any instance). */
export function orderStageHealth(events: readonly OrderEvent[], catalog: readonly StageDef[], nowNs: bigint): { started: boolean[]; breached: boolean[] } {
  const cancelled = events.some((e) => TERMINAL_EVENTS.includes(e.type));
  const started = catalog.map(() => false);
  const breached = catalog.map(() => false);
  for (const instance of stageInstances(events, catalog)) {
    if (instance.startNs !== null) started[instance.stageIndex] = true;
    if (isBreached(instance, catalog[instance.stageIndex]!, cancelled, nowNs)) breached[instance.stageIndex] = true;
  }
  return { started, breached };
}

/** Completions summarised per stage and bucket of their end time (count, p50, p95, overdue). */
export function stagePointRows(completions: readonly Completion[], catalog: readonly StageDef[], bucketMs: number): StagePointRow[] {
  const groups = new Map<string, { stageIndex: number; tMs: number; durations: number[]; overdue: number }>();
  for (const c of completions) {
    const tMs = bucketStart(Number(c.endNs / NS_PER_MS), bucketMs);
    const key = `${c.stageIndex}:${tMs}`;
    let group = groups.get(key);
    if (!group) groups.set(key, (group = { stageIndex: c.stageIndex, tMs, durations: [], overdue: 0 }));
    group.durations.push(Number(c.durationNs));
    if (c.durationNs > expectedNs(catalog[c.stageIndex]!)) group.overdue++;
  }
  return [...groups.values()].map((g) => {
    const sorted = g.durations.sort((a, b) => a - b);
    return { stageIndex: g.stageIndex, tMs: g.tMs, count: sorted.length, p50Ns: nearestRank(sorted, 0.5), p95Ns: nearestRank(sorted, 0.95), overdue: g.overdue };
  });
}
