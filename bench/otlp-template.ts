// Pre-encoded OTLP/protobuf trace requests that are cheap to make unique: one request is serialised once
// (through the OpenTelemetry JS serializer), then copies are patched in place per request number — the
// trace IDs, span IDs, order IDs and timestamps are fixed-width fields of the protobuf, so request r gets
// its own traces, spans and orders (and its own time, r × stepMs later) without re-encoding. Used by the
// pipeline benchmark and the fault tests, which need millions of distinct spans or their own order IDs.
import { randomBytes } from 'node:crypto';
import { ProtobufTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { benchSpan } from './bench-span.ts';

const ORDER_MARK = 'QQQQQQQQ';

export interface TemplateOptions {
  /** Run ID: 8 characters [a-z0-9]; part of every order ID and the span attribute `test.run`. */
  runId: string;
  spansPerRequest: number;
  /** Spans per trace (one order per trace); divides spansPerRequest. Default 16. */
  spansPerTrace?: number;
  /** Start time of request 0, ms since the epoch. */
  baseMs: number;
  /** Request r starts r × stepMs after request 0 (default 10). */
  stepMs?: number;
}

export interface TraceTemplate {
  readonly runId: string;
  readonly spansPerRequest: number;
  readonly spansPerTrace: number;
  readonly tracesPerRequest: number;
  readonly size: number;
  /** The encoded request number r (0 ≤ r < 2^32), a new buffer. */
  build(r: number): Buffer;
  traceId(r: number, t: number): string;
  orderId(r: number, t: number): string;
  /** Every span of request r as `traceId/spanId`. */
  spanKeys(r: number): string[];
}

const hex = (b: Buffer) => b.toString('hex');
const u32hex = (r: number) => (r >>> 0).toString(16).padStart(8, '0');

function positionsOf(buffer: Buffer, needle: Buffer): number[] {
  const found: number[] = [];
  for (let at = buffer.indexOf(needle); at !== -1; at = buffer.indexOf(needle, at + 1)) found.push(at);
  return found;
}

export function traceTemplate(options: TemplateOptions): TraceTemplate {
  const { runId, spansPerRequest, baseMs } = options;
  if (!/^[a-z0-9]{8}$/.test(runId)) throw new Error(`runId must be 8 characters [a-z0-9], got ${runId}`);
  const spansPerTrace = options.spansPerTrace ?? 16;
  if (spansPerRequest % spansPerTrace !== 0) throw new Error('spansPerTrace must divide spansPerRequest');
  const tracesPerRequest = spansPerRequest / spansPerTrace;
  const stepNs = BigInt(Math.round((options.stepMs ?? 10) * 1e6));
  // Trace ID = seed(4) | r(4) | tail(8); span ID = r(4) | tail(4). Tails are random per template.
  const seed = randomBytes(4);
  const traceTails = Array.from({ length: tracesPerRequest }, () => randomBytes(8));
  const spanTails = Array.from({ length: spansPerRequest }, (_, i) => Buffer.concat([randomBytes(2), Buffer.from([i >> 8, i & 0xff])]));
  const markR = randomBytes(4);
  const traceIdBytes = (t: number) => Buffer.concat([seed, markR, traceTails[t]!]);
  const spanIdBytes = (i: number) => Buffer.concat([markR, spanTails[i]!]);

  const times = new Set<bigint>();
  const spans: ReadableSpan[] = [];
  for (let i = 0; i < spansPerRequest; i++) {
    const t = Math.floor(i / spansPerTrace);
    const k = i % spansPerTrace;
    const root = i - k;
    const startNs = BigInt(baseMs) * 1_000_000n + BigInt(i) * 1_000_003n + 7n;
    const endNs = startNs + BigInt(1_000_000 + (i % 50) * 250_000) + 11n;
    const eventNs = startNs + 1013n;
    times.add(startNs).add(endNs);
    if (k === 0) times.add(eventNs);
    spans.push(
      benchSpan({
        index: i,
        traceId: hex(traceIdBytes(t)),
        spanId: hex(spanIdBytes(i)),
        parentSpanId: k === 0 ? undefined : hex(spanIdBytes(root)),
        startNs,
        endNs,
        attributes: { 'order.id': `ORD-${runId}-${ORDER_MARK}-${String(t).padStart(4, '0')}`, 'test.run': runId },
        milestone: k === 5,
        eventNs: k === 0 ? eventNs : undefined,
      }),
    );
  }
  const template = Buffer.from(ProtobufTraceSerializer.serializeRequest(spans)!);

  // Where request r's number goes: the r(4) part of every trace ID and span ID (parents included) …
  const rPositions: number[] = [];
  for (let t = 0; t < tracesPerRequest; t++) rPositions.push(...positionsOf(template, traceIdBytes(t)).map((p) => p + 4));
  for (let i = 0; i < spansPerRequest; i++) rPositions.push(...positionsOf(template, spanIdBytes(i)));
  // … the 8 hex characters in every order ID …
  const orderPositions = positionsOf(template, Buffer.from(ORDER_MARK));
  // … and every fixed64 timestamp (shifted by r × step).
  const timePositions: number[] = [];
  for (const ns of times) {
    const le = Buffer.alloc(8);
    le.writeBigUInt64LE(ns);
    timePositions.push(...positionsOf(template, le));
  }
  const expectIds = tracesPerRequest * spansPerTrace + spansPerRequest * 2; // trace IDs + span IDs + parent IDs (roots have none)
  if (rPositions.length < expectIds - tracesPerRequest * 2 || orderPositions.length !== spansPerRequest || timePositions.length !== times.size) {
    throw new Error(`template patch points not found as expected (ids ${rPositions.length}, orders ${orderPositions.length}, times ${timePositions.length}/${times.size})`);
  }

  return {
    runId,
    spansPerRequest,
    spansPerTrace,
    tracesPerRequest,
    size: template.length,
    build(r) {
      const out = Buffer.from(template);
      for (const p of rPositions) out.writeUInt32BE(r >>> 0, p);
      const rHex = Buffer.from(u32hex(r));
      for (const p of orderPositions) rHex.copy(out, p);
      const shift = BigInt(r) * stepNs;
      if (shift !== 0n) for (const p of timePositions) out.writeBigUInt64LE(out.readBigUInt64LE(p) + shift, p);
      return out;
    },
    traceId: (r, t) => hex(seed) + u32hex(r) + hex(traceTails[t]!),
    orderId: (r, t) => `ORD-${runId}-${u32hex(r)}-${String(t).padStart(4, '0')}`,
    spanKeys(r) {
      return spans.map((_, i) => `${hex(seed) + u32hex(r) + hex(traceTails[Math.floor(i / spansPerTrace)]!)}/${u32hex(r)}${hex(spanTails[i]!)}`);
    },
  };
}

/** A run ID: 8 random characters [a-z0-9]. */
export const newRunId = (): string => randomBytes(8).toString('hex').slice(0, 8);
