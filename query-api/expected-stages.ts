// Pure: what an order is waiting for according to the loaded deadline rules — for each rule whose
// `after` event happened and none of whose `expect` events has, the deadline (business-calendar
// aware) and whether it has passed. It counts events as the engine does (rules/evaluators/deadline.ts:
// the earliest A opens, any B closes whatever its time; for per-shipment rules a B without a shipment
// closes every shipment and any B closes an A without one) and takes the due time from the engine's
// deadline core (rules/deadline.ts), so the journey and the alerts agree.
import type { OrderEvent } from '../core/model.ts';
import { TERMINAL_EVENTS, type StageDef } from '../core/stages.ts';
import { dueAfter } from '../rules/deadline.ts';
import { shipmentOf } from '../rules/evaluators/context.ts';
import { eventFact } from '../rules/facts.ts';
import type { CalendarDef, DeadlineRule, EventFact, Rule, Severity } from '../rules/model.ts';

export interface ExpectedStage {
  ruleId: string;
  title: string;
  severity: Severity;
  after: string;
  afterEventId: string;
  afterNs: string;
  expect: string[];
  /** The catalog stage the expected event completes, when there is one. */
  stageId: string | null;
  /** Per-shipment rules: the shipment ('' when the event names none); null for per-order rules. */
  shipmentId: string | null;
  calendar: string | null;
  dueNs: string;
  overdue: boolean;
}

const NS_PER_MS = 1_000_000n;

/** The stage the rule watches: opened by `after` and closed by an expected event, else any closed by one. */
function stageFor(rule: DeadlineRule, stages: StageDef[]): string | null {
  const closing = stages.filter((s) => rule.expect.includes(s.end));
  return (closing.find((s) => s.start === rule.after) ?? closing[0])?.id ?? null;
}

/** The earliest `after` event per scope (a shipment, '' for none). */
function openings(rule: DeadlineRule, facts: EventFact[]): Map<string, EventFact> {
  const first = new Map<string, EventFact>();
  for (const fact of facts) {
    if (fact.event !== rule.after) continue;
    const scope = rule.per === 'shipment' ? shipmentOf(fact) : '';
    const earlier = first.get(scope);
    if (!earlier || fact.timeMs < earlier.timeMs) first.set(scope, fact);
  }
  return first;
}

function isClosed(rule: DeadlineRule, closings: EventFact[], scope: string): boolean {
  if (rule.per !== 'shipment' || scope === '') return closings.length > 0;
  return closings.some((fact) => shipmentOf(fact) === '' || shipmentOf(fact) === scope);
}

function isDeadline(rule: Rule): rule is DeadlineRule {
  return rule.kind === 'deadline' && rule.enabled;
}

export function expectedStages(events: readonly OrderEvent[], rules: readonly Rule[], calendars: readonly CalendarDef[], stages: StageDef[], nowMs: number): ExpectedStage[] {
  // order.cancelled closes every pending deadline
  if (events.some((e) => TERMINAL_EVENTS.includes(e.type))) return [];
  const facts = events.map(eventFact);
  const byId = new Map(events.map((e) => [e.eventId, e]));
  const expected: ExpectedStage[] = [];
  for (const rule of rules.filter(isDeadline)) {
    const closings = facts.filter((f) => rule.expect.includes(f.event));
    const calendar = calendars.find((c) => c.id === rule.calendar) ?? null;
    for (const [scope, start] of openings(rule, facts)) {
      if (isClosed(rule, closings, scope)) continue;
      const dueMs = dueAfter(start.timeMs, rule.withinMs, calendar);
      expected.push({
        ruleId: rule.id,
        title: rule.title,
        severity: rule.severity,
        after: rule.after,
        afterEventId: start.eventId,
        afterNs: byId.get(start.eventId)!.timeUnixNano,
        expect: rule.expect,
        stageId: stageFor(rule, stages),
        shipmentId: rule.per === 'shipment' ? scope : null,
        calendar: rule.calendar,
        dueNs: (BigInt(dueMs) * NS_PER_MS).toString(),
        overdue: nowMs >= dueMs,
      });
    }
  }
  return expected.sort((a, b) => (BigInt(a.dueNs) < BigInt(b.dueNs) ? -1 : BigInt(a.dueNs) > BigInt(b.dueNs) ? 1 : a.ruleId.localeCompare(b.ruleId)));
}
