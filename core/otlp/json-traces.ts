// OTLP/JSON ExportTraceServiceRequest → Span[].

import type { MappingResult, Span, SpanEvent, SpanLink } from '../model.ts';
import { decodeExportJson, type JsonItemCodec } from './json-export.ts';
import {
  field,
  isObject,
  jsonAttributes,
  jsonDropped,
  jsonEnum,
  jsonId,
  jsonString,
  jsonUint32,
  jsonUint64,
  type JsonObject,
} from './json-values.ts';
import { emptySpan, finishSpan, type ItemContext } from './records.ts';

export const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};

export const STATUS_CODE_NAMES: Readonly<Record<string, number>> = {
  STATUS_CODE_UNSET: 0,
  STATUS_CODE_OK: 1,
  STATUS_CODE_ERROR: 2,
};

function jsonEvent(v: unknown): SpanEvent {
  const o: JsonObject = isObject(v) ? v : {};
  const t = jsonUint64(field(o, 'timeUnixNano', 'time_unix_nano'));
  return {
    timeUnixNano: t === '' ? '0' : t,
    name: jsonString(o['name']),
    attributes: jsonAttributes(o['attributes']),
    droppedAttributesCount: jsonDropped(o),
  };
}

function jsonLink(v: unknown): SpanLink {
  const o: JsonObject = isObject(v) ? v : {};
  return {
    traceId: jsonId(field(o, 'traceId', 'trace_id')),
    spanId: jsonId(field(o, 'spanId', 'span_id')),
    traceState: jsonString(field(o, 'traceState', 'trace_state')),
    attributes: jsonAttributes(o['attributes']),
    droppedAttributesCount: jsonDropped(o),
    flags: jsonUint32(o['flags']),
  };
}

function jsonSpan(o: JsonObject, ctx: ItemContext): Span {
  const s = emptySpan(ctx);
  s.traceId = jsonId(field(o, 'traceId', 'trace_id'));
  s.spanId = jsonId(field(o, 'spanId', 'span_id'));
  s.parentSpanId = jsonId(field(o, 'parentSpanId', 'parent_span_id'));
  s.traceState = jsonString(field(o, 'traceState', 'trace_state'));
  s.name = jsonString(o['name']);
  s.kind = jsonEnum(o['kind'], SPAN_KIND_NAMES);
  s.startTimeUnixNano = jsonUint64(field(o, 'startTimeUnixNano', 'start_time_unix_nano'));
  s.endTimeUnixNano = jsonUint64(field(o, 'endTimeUnixNano', 'end_time_unix_nano'));
  s.attributes = jsonAttributes(o['attributes']);
  s.droppedAttributesCount = jsonDropped(o);
  const events = o['events'];
  if (Array.isArray(events)) s.events = events.map(jsonEvent);
  s.droppedEventsCount = jsonUint32(field(o, 'droppedEventsCount', 'dropped_events_count'));
  const links = o['links'];
  if (Array.isArray(links)) s.links = links.map(jsonLink);
  s.droppedLinksCount = jsonUint32(field(o, 'droppedLinksCount', 'dropped_links_count'));
  const status = o['status'];
  if (isObject(status)) {
    s.status.code = jsonEnum(status['code'], STATUS_CODE_NAMES);
    s.status.message = jsonString(status['message']);
  }
  s.flags = jsonUint32(o['flags']);
  return s;
}

const spanCodec: JsonItemCodec<Span> = {
  label: 'span',
  resources: ['resourceSpans', 'resource_spans'],
  scopes: ['scopeSpans', 'scope_spans'],
  items: ['spans', 'spans'],
  decode: jsonSpan,
  finish: finishSpan,
};

/** Decodes an OTLP/JSON ExportTraceServiceRequest. Throws OT_ERR_DECODE when the body is not one. */
export function decodeTracesJson(body: string, nowMs: number): MappingResult<Span> {
  return decodeExportJson(body, nowMs, spanCodec);
}
