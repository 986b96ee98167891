// OTLP/protobuf ExportLogsServiceRequest → LogRecord[] (opentelemetry/proto/logs/v1/logs.proto).

import type { LogRecord, MappingResult } from '../model.ts';
import { decodeExportProto } from './proto-export.ts';
import type { ProtoReader } from './proto-reader.ts';
import { readAnyValue, readKeyValue } from './proto-values.ts';
import { emptyLog, finishLog, type ItemContext } from './records.ts';

/** LogRecord fields, by whole tag (field number << 3 | wire type). */
function readLogRecord(r: ProtoReader, end: number, ctx: ItemContext): LogRecord {
  const l = emptyLog(ctx);
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x09: // 1 time_unix_nano (fixed64)
        l.timeUnixNano = r.fixed64();
        break;
      case 0x10: // 2 severity_number
        l.severityNumber = r.int32();
        break;
      case 0x1a: // 3 severity_text
        l.severityText = r.string();
        break;
      case 0x2a: // 5 body
        l.body = readAnyValue(r, r.messageEnd());
        break;
      case 0x32: // 6 attributes
        readKeyValue(r, l.attributes);
        break;
      case 0x38: // 7 dropped_attributes_count
        l.droppedAttributesCount = r.uint32();
        break;
      case 0x45: // 8 flags (fixed32)
        l.flags = r.fixed32();
        break;
      case 0x4a: // 9 trace_id
        l.traceId = r.hex();
        break;
      case 0x52: // 10 span_id
        l.spanId = r.hex();
        break;
      case 0x59: // 11 observed_time_unix_nano (fixed64)
        l.observedTimeUnixNano = r.fixed64();
        break;
      case 0x62: // 12 event_name
        l.eventName = r.string();
        break;
      default:
        r.skipTag(tag);
    }
  }
  r.expectEnd(end);
  return l;
}

const logCodec = { label: 'log record', decode: readLogRecord, finish: finishLog };

/** Decodes an OTLP/protobuf ExportLogsServiceRequest. Throws OT_ERR_DECODE on a malformed body. */
export function decodeLogsProto(body: Uint8Array, nowMs: number): MappingResult<LogRecord> {
  return decodeExportProto(body, nowMs, logCodec);
}
