// OTLP/protobuf ExportTraceServiceRequest → Span[] (opentelemetry/proto/trace/v1/trace.proto).

import type { MappingResult, Span, SpanEvent, SpanLink } from '../model.ts';
import { decodeExportProto } from './proto-export.ts';
import type { ProtoReader } from './proto-reader.ts';
import { readKeyValue } from './proto-values.ts';
import { emptySpan, finishSpan, type ItemContext } from './records.ts';

/** Span fields, by whole tag (field number << 3 | wire type). */
function readSpan(r: ProtoReader, end: number, ctx: ItemContext): Span {
  const s = emptySpan(ctx);
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a: // 1 trace_id
        s.traceId = r.hex();
        break;
      case 0x12: // 2 span_id
        s.spanId = r.hex();
        break;
      case 0x1a: // 3 trace_state
        s.traceState = r.string();
        break;
      case 0x22: // 4 parent_span_id
        s.parentSpanId = r.hex();
        break;
      case 0x2a: // 5 name
        s.name = r.string();
        break;
      case 0x30: // 6 kind
        s.kind = r.int32();
        break;
      case 0x39: // 7 start_time_unix_nano (fixed64)
        s.startTimeUnixNano = r.fixed64();
        break;
      case 0x41: // 8 end_time_unix_nano (fixed64)
        s.endTimeUnixNano = r.fixed64();
        break;
      case 0x4a: // 9 attributes
        readKeyValue(r, s.attributes);
        break;
      case 0x50: // 10 dropped_attributes_count
        s.droppedAttributesCount = r.uint32();
        break;
      case 0x5a: // 11 events
        s.events.push(readEvent(r, r.messageEnd()));
        break;
      case 0x60: // 12 dropped_events_count
        s.droppedEventsCount = r.uint32();
        break;
      case 0x6a: // 13 links
        s.links.push(readLink(r, r.messageEnd()));
        break;
      case 0x70: // 14 dropped_links_count
        s.droppedLinksCount = r.uint32();
        break;
      case 0x7a: // 15 status
        readStatus(r, r.messageEnd(), s.status);
        break;
      case 0x85: // 16 flags (fixed32): tag 0x85 0x01 as a varint
        s.flags = r.fixed32();
        break;
      default:
        r.skipTag(tag);
    }
  }
  r.expectEnd(end);
  return s;
}

/** Span.Event { fixed64 time_unix_nano = 1; name = 2; attributes = 3; dropped_attributes_count = 4 } */
function readEvent(r: ProtoReader, end: number): SpanEvent {
  const e: SpanEvent = { timeUnixNano: '0', name: '', attributes: {}, droppedAttributesCount: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x09:
        e.timeUnixNano = r.fixed64();
        break;
      case 0x12:
        e.name = r.string();
        break;
      case 0x1a:
        readKeyValue(r, e.attributes);
        break;
      case 0x20:
        e.droppedAttributesCount = r.uint32();
        break;
      default:
        r.skipTag(tag);
    }
  }
  r.expectEnd(end);
  return e;
}

/** Span.Link { trace_id = 1; span_id = 2; trace_state = 3; attributes = 4; dropped_attributes_count = 5; fixed32 flags = 6 } */
function readLink(r: ProtoReader, end: number): SpanLink {
  const l: SpanLink = { traceId: '', spanId: '', traceState: '', attributes: {}, droppedAttributesCount: 0, flags: 0 };
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        l.traceId = r.hex();
        break;
      case 0x12:
        l.spanId = r.hex();
        break;
      case 0x1a:
        l.traceState = r.string();
        break;
      case 0x22:
        readKeyValue(r, l.attributes);
        break;
      case 0x28:
        l.droppedAttributesCount = r.uint32();
        break;
      case 0x35:
        l.flags = r.fixed32();
        break;
      default:
        r.skipTag(tag);
    }
  }
  r.expectEnd(end);
  return l;
}

/** Status { reserved 1; string message = 2; StatusCode code = 3 } */
function readStatus(r: ProtoReader, end: number, status: Span['status']): void {
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) status.message = r.string();
    else if (tag === 0x18) status.code = r.int32();
    else r.skipTag(tag);
  }
  r.expectEnd(end);
}

const spanCodec = { label: 'span', decode: readSpan, finish: finishSpan };

/** Decodes an OTLP/protobuf ExportTraceServiceRequest. Throws OT_ERR_DECODE on a malformed body. */
export function decodeTracesProto(body: Uint8Array, nowMs: number): MappingResult<Span> {
  return decodeExportProto(body, nowMs, spanCodec);
}
