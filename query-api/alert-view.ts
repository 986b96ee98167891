// Pure: an alert as GET /api/v1/alerts/{id} shows it — the alert, its rule's remediation guide rendered
// with the order's context (rules/guide.ts), and the stored records its evidence names.
import type { Alert } from '../core/alerts.ts';
import { computeJourney } from '../core/journey.ts';
import type { LogRecord, OrderEvent, Span } from '../core/model.ts';
import type { StageDef } from '../core/stages.ts';
import type { OrderRecords } from '../core/store/store.ts';
import { renderGuide, type RenderedGuide } from '../rules/guide.ts';
import { buildGuideContext } from '../rules/guide-context.ts';
import type { Rule } from '../rules/model.ts';

export interface AlertEvidence {
  events: OrderEvent[];
  spans: Span[];
  logs: LogRecord[];
}

export interface AlertDetail {
  alert: Alert;
  guide: RenderedGuide | null;
  evidence: AlertEvidence;
}

const byNs = (a: string, b: string) => (BigInt(a) < BigInt(b) ? -1 : BigInt(a) > BigInt(b) ? 1 : 0);

/** The order's records that the alert's evidence refers to (events by eventId, spans by trace/span ID, logs by logId). */
export function alertEvidence(alert: Alert, records: OrderRecords | null): AlertEvidence {
  if (records === null) return { events: [], spans: [], logs: [] };
  const refs = (kind: Alert['evidence'][number]['kind']) => alert.evidence.filter((e) => e.kind === kind);
  const eventIds = new Set(refs('event').map((e) => e.id));
  const spanKeys = new Set(refs('span').map((e) => `${e.traceId}/${e.spanId}`));
  const logIds = new Set(refs('log').map((e) => e.id));
  return {
    events: records.events.filter((e) => eventIds.has(e.eventId)).sort((a, b) => byNs(a.timeUnixNano, b.timeUnixNano)),
    spans: records.spans.filter((s) => spanKeys.has(`${s.traceId}/${s.spanId}`)).sort((a, b) => byNs(a.startTimeUnixNano, b.startTimeUnixNano)),
    logs: records.logs.filter((l) => logIds.has(l.logId)).sort((a, b) => byNs(a.timeUnixNano, b.timeUnixNano)),
  };
}

export interface AlertDetailInput {
  alert: Alert;
  /** The alert's rule in the loaded set; undefined once the rule was removed. */
  rule: Rule | undefined;
  records: OrderRecords | null;
  stages: StageDef[];
  nowMs: number;
  uiBaseUrl: string;
}

export function alertDetail({ alert, rule, records, stages, nowMs, uiBaseUrl }: AlertDetailInput): AlertDetail {
  let guide: RenderedGuide | null = null;
  if (rule && rule.guide.trim() !== '') {
    const journey = records ? computeJourney(records, stages, nowMs) : null;
    guide = renderGuide(rule.guide, buildGuideContext({ alert, rule, journey, records, uiBaseUrl }));
  }
  return { alert, guide, evidence: alertEvidence(alert, records) };
}
