// OTLP export responses and google.rpc.Status, in protobuf and proto-JSON form.
//   Export{Trace,Logs}ServiceResponse { Export*PartialSuccess partial_success = 1 }
//   Export*PartialSuccess { int64 rejected_spans|rejected_log_records = 1; string error_message = 2 }
//   google.rpc.Status { int32 code = 1; string message = 2; repeated Any details = 3 }

const utf8 = new TextEncoder();

/** Appends a varint for a non-negative integer up to 2^53, or a negative int32/int64 (10 bytes). */
function pushVarint(out: number[], n: number): void {
  if (n < 0) {
    // Two's complement over 64 bits, as int32/int64 fields are encoded.
    let v = BigInt.asUintN(64, BigInt(Math.trunc(n)));
    while (v >= 0x80n) {
      out.push(Number(v & 0x7fn) | 0x80);
      v >>= 7n;
    }
    out.push(Number(v));
    return;
  }
  let v = Math.trunc(n);
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

function pushString(out: number[], tag: number, s: string): void {
  const bytes = utf8.encode(s);
  out.push(tag);
  pushVarint(out, bytes.length);
  for (const b of bytes) out.push(b);
}

/**
 * ExportTraceServiceResponse / ExportLogsServiceResponse (same wire shape). Full success
 * (nothing rejected, no message) is the empty message.
 */
export function encodeExportResponseProto(rejected: number, message: string): Uint8Array {
  if (rejected <= 0 && message === '') return new Uint8Array(0);
  const inner: number[] = [];
  if (rejected > 0) {
    inner.push(0x08);
    pushVarint(inner, rejected);
  }
  if (message !== '') pushString(inner, 0x12, message);
  const out: number[] = [0x0a];
  pushVarint(out, inner.length);
  return Uint8Array.from(out.concat(inner));
}

export interface ExportResponseJson {
  partialSuccess?: {
    rejectedSpans?: string;
    rejectedLogRecords?: string;
    errorMessage?: string;
  };
}

/** The proto-JSON form: {} on full success; int64 counts as strings; default values omitted. */
export function exportResponseJson(kind: 'traces' | 'logs', rejected: number, message: string): ExportResponseJson {
  if (rejected <= 0 && message === '') return {};
  const partialSuccess: NonNullable<ExportResponseJson['partialSuccess']> = {};
  if (rejected > 0) partialSuccess[kind === 'traces' ? 'rejectedSpans' : 'rejectedLogRecords'] = String(rejected);
  if (message !== '') partialSuccess.errorMessage = message;
  return { partialSuccess };
}

/** google.rpc.Status without details (OTLP/HTTP error bodies). */
export function encodeRpcStatusProto(code: number, message: string): Uint8Array {
  const out: number[] = [];
  if (code !== 0) {
    out.push(0x08);
    pushVarint(out, code | 0);
  }
  if (message !== '') pushString(out, 0x12, message);
  return Uint8Array.from(out);
}

export function rpcStatusJson(code: number, message: string): { code: number; message: string } {
  return { code, message };
}
