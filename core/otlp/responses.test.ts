import { ProtobufLogsSerializer, ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import { describe, expect, it } from 'vitest';
import { encodeExportResponseProto, encodeRpcStatusProto, exportResponseJson, rpcStatusJson } from './index.ts';
import { ProtoReader } from './proto-reader.ts';

function decodeStatus(b: Uint8Array): { code: number; message: string } {
  const r = new ProtoReader(b);
  const out = { code: 0, message: '' };
  while (r.pos < r.len) {
    const t = r.tag();
    if (t === 0x08) out.code = r.int32();
    else if (t === 0x12) out.message = r.string();
    else r.skipTag(t);
  }
  return out;
}

describe('export responses', () => {
  it('encodes full success as the empty message', () => {
    expect(encodeExportResponseProto(0, '')).toEqual(new Uint8Array(0));
    expect(exportResponseJson('traces', 0, '')).toEqual({});
    expect(exportResponseJson('logs', 0, '')).toEqual({});
  });

  it('encodes partial success that the OTel SDK decodes (traces and logs)', () => {
    const b = encodeExportResponseProto(3, 'span 0 of scope 0 of resource 0: invalid traceId');
    expect(Array.from(b.subarray(0, 4))).toEqual([0x0a, b.length - 2, 0x08, 3]);
    const traces = ProtobufTraceSerializer.deserializeResponse(b);
    expect(Number(traces.partialSuccess?.rejectedSpans)).toBe(3);
    expect(traces.partialSuccess?.errorMessage).toBe('span 0 of scope 0 of resource 0: invalid traceId');
    const logs = ProtobufLogsSerializer.deserializeResponse(encodeExportResponseProto(300, 'ünïcode'));
    expect(Number(logs.partialSuccess?.rejectedLogRecords)).toBe(300);
    expect(logs.partialSuccess?.errorMessage).toBe('ünïcode');
  });

  it('encodes a warning without rejections and a large count', () => {
    expect(Array.from(encodeExportResponseProto(0, 'hi'))).toEqual([0x0a, 4, 0x12, 2, 0x68, 0x69]);
    expect(Array.from(encodeExportResponseProto(2 ** 35, ''))).toEqual([0x0a, 7, 0x08, 0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  });

  it('builds the proto-JSON form with int64 as strings', () => {
    expect(exportResponseJson('traces', 3, 'bad')).toEqual({ partialSuccess: { rejectedSpans: '3', errorMessage: 'bad' } });
    expect(exportResponseJson('logs', 2, '')).toEqual({ partialSuccess: { rejectedLogRecords: '2' } });
    expect(exportResponseJson('logs', 0, 'warn')).toEqual({ partialSuccess: { errorMessage: 'warn' } });
  });
});

describe('google.rpc.Status', () => {
  it('encodes code and message', () => {
    expect(Array.from(encodeRpcStatusProto(3, 'ab'))).toEqual([0x08, 3, 0x12, 2, 0x61, 0x62]);
    expect(decodeStatus(encodeRpcStatusProto(14, 'storage unavailable'))).toEqual({ code: 14, message: 'storage unavailable' });
    expect(encodeRpcStatusProto(0, '')).toEqual(new Uint8Array(0));
    expect(decodeStatus(encodeRpcStatusProto(-2, 'neg'))).toEqual({ code: -2, message: 'neg' });
  });

  it('has a JSON form', () => {
    expect(rpcStatusJson(3, 'invalid')).toEqual({ code: 3, message: 'invalid' });
  });
});
