// OTLP → model mapping: pure functions, split by signal and encoding.

export { decodeTracesJson } from './json-traces.ts';
export { decodeLogsJson } from './json-logs.ts';
export { decodeTracesProto } from './proto-traces.ts';
export { decodeLogsProto } from './proto-logs.ts';
export { parseJsonLossless } from './json-lossless.ts';
export { deriveOrderEvents, type DeriveOptions, type SpanNameEventRule } from './order-events.ts';
export {
  encodeExportResponseProto,
  exportResponseJson,
  encodeRpcStatusProto,
  rpcStatusJson,
  type ExportResponseJson,
} from './responses.ts';
export { computeLogId } from './log-id.ts';
export { MAX_FUTURE_MS, MAX_ERRORS } from './validate.ts';
