// OTLP/JSON ExportLogsServiceRequest → LogRecord[].

import type { LogRecord, MappingResult } from '../model.ts';
import { decodeExportJson, type JsonItemCodec } from './json-export.ts';
import {
  field,
  jsonAnyValue,
  jsonAttributes,
  jsonDropped,
  jsonEnum,
  jsonId,
  jsonString,
  jsonUint32,
  jsonUint64,
  type JsonObject,
} from './json-values.ts';
import { emptyLog, finishLog, type ItemContext } from './records.ts';

/** SEVERITY_NUMBER_UNSPECIFIED = 0, SEVERITY_NUMBER_TRACE = 1, …, SEVERITY_NUMBER_FATAL4 = 24. */
export const SEVERITY_NUMBER_NAMES: Readonly<Record<string, number>> = (() => {
  const names: Record<string, number> = { SEVERITY_NUMBER_UNSPECIFIED: 0 };
  const levels = ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'];
  levels.forEach((level, i) => {
    for (let k = 1; k <= 4; k++) names[`SEVERITY_NUMBER_${level}${k === 1 ? '' : k}`] = i * 4 + k;
  });
  return names;
})();

function jsonLogRecord(o: JsonObject, ctx: ItemContext): LogRecord {
  const l = emptyLog(ctx);
  l.timeUnixNano = jsonUint64(field(o, 'timeUnixNano', 'time_unix_nano'));
  l.observedTimeUnixNano = jsonUint64(field(o, 'observedTimeUnixNano', 'observed_time_unix_nano'));
  l.severityNumber = jsonEnum(field(o, 'severityNumber', 'severity_number'), SEVERITY_NUMBER_NAMES);
  l.severityText = jsonString(field(o, 'severityText', 'severity_text'));
  l.body = jsonAnyValue(o['body']);
  l.attributes = jsonAttributes(o['attributes']);
  l.droppedAttributesCount = jsonDropped(o);
  l.flags = jsonUint32(o['flags']);
  l.traceId = jsonId(field(o, 'traceId', 'trace_id'));
  l.spanId = jsonId(field(o, 'spanId', 'span_id'));
  l.eventName = jsonString(field(o, 'eventName', 'event_name'));
  return l;
}

const logCodec: JsonItemCodec<LogRecord> = {
  label: 'log record',
  resources: ['resourceLogs', 'resource_logs'],
  scopes: ['scopeLogs', 'scope_logs'],
  items: ['logRecords', 'log_records'],
  decode: jsonLogRecord,
  finish: finishLog,
};

/** Decodes an OTLP/JSON ExportLogsServiceRequest. Throws OT_ERR_DECODE when the body is not one. */
export function decodeLogsJson(body: string, nowMs: number): MappingResult<LogRecord> {
  return decodeExportJson(body, nowMs, logCodec);
}
