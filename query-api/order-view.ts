// The order response: the computed journey plus the raw spans and logs support needs, which key
// matched, the order's alerts and what it waits for by the deadline rules. Pure: the same records,
// catalog, alerts, rules and clock give the same payload.
import type { Alert } from '../core/alerts.ts';
import { computeJourney, type OrderJourney } from '../core/journey.ts';
import type { AnyValue, Attributes, LogRecord, Span } from '../core/model.ts';
import type { StageDef } from '../core/stages.ts';
import type { OrderRecords } from '../core/store/store.ts';
import type { RuleSet } from '../rules/model.ts';
import { expectedStages, type ExpectedStage } from './expected-stages.ts';
import { normalizeTraceId } from './params.ts';

export interface OrderView extends OrderJourney {
  key: string;
  /** 'order.id', 'trace.id', the business-key attribute that carries the key, or 'key' when no record shows it. */
  matchedBy: string;
  spans: Span[];
  logs: LogRecord[];
  /** The order's alerts, newest first. */
  alerts: Alert[];
  expectedStages: ExpectedStage[];
}

/** What the rules say about the order: its stored alerts and the loaded rule set. */
export interface OrderRulesView {
  alerts: Alert[];
  ruleSet: Pick<RuleSet, 'rules' | 'calendars'>;
}

/** The exact string form the store matches attribute filters and keys against. */
function stringForm(value: AnyValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && 'int' in value) return value.int;
  return undefined;
}

function carries(attributes: Attributes, name: string, key: string): boolean {
  return stringForm(attributes[name]) === key;
}

/** How `key` led to this order: by its ID, a Trace ID, or a configured business-key attribute. */
export function matchedBy(key: string, records: OrderRecords, keyAttributes: readonly string[]): string {
  if (key === records.orderId) return 'order.id';
  const traceId = normalizeTraceId(key);
  if (traceId !== null && (records.traceIds.includes(traceId) || records.spans.some((s) => s.traceId === traceId))) return 'trace.id';
  for (const name of keyAttributes) {
    if (records.events.some((e) => e.attributes[name] === key)) return name;
    if (records.spans.some((s) => carries(s.attributes, name, key) || carries(s.resource.attributes, name, key))) return name;
    if (records.logs.some((l) => carries(l.attributes, name, key) || carries(l.resource.attributes, name, key))) return name;
  }
  return 'key';
}

function compareNs(a: string, b: string): number {
  const d = BigInt(a) - BigInt(b);
  return d < 0n ? -1 : d > 0n ? 1 : 0;
}

export function orderView(key: string, records: OrderRecords, stages: StageDef[], nowMs: number, keyAttributes: readonly string[], rules: OrderRulesView): OrderView {
  const journey = computeJourney(records, stages, nowMs);
  const spans = [...records.spans].sort((a, b) => compareNs(a.startTimeUnixNano, b.startTimeUnixNano) || a.spanId.localeCompare(b.spanId));
  const logs = [...records.logs].sort((a, b) => compareNs(a.timeUnixNano, b.timeUnixNano) || a.logId.localeCompare(b.logId));
  return {
    ...journey,
    key,
    matchedBy: matchedBy(key, records, keyAttributes),
    spans,
    logs,
    alerts: rules.alerts,
    expectedStages: expectedStages(journey.events, rules.ruleSet.rules, rules.ruleSet.calendars, stages, nowMs),
  };
}
