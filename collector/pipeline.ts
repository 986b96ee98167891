// The collector's core, independent of transport (HTTP, gRPC, /v1/events): derive order events from
// mapped spans and logs, key every record by order (falling back to trace), and publish to the bus.
// It resolves only once the bus has made every record durable, so an acknowledgement means "kept".
import type { Bus, BusRecord } from '../core/bus/bus.ts';
import { Topics } from '../core/bus/bus.ts';
import { encodeRecords, groupByKey } from '../core/codec.ts';
import { OrdertraceError } from '../core/errors.ts';
import type { LogRecord, MappingResult, OrderEvent, Span } from '../core/model.ts';
import { deriveOrderEvents, type SpanNameEventRule } from '../core/otlp/order-events.ts';
import type { CollectorMetrics } from './metrics.ts';

export interface PipelineOptions {
  bus: Bus;
  keyAttributes: string[];
  spanNameEvents: SpanNameEventRule[];
  /** Requests being published at once before new ones get 429 (default 512). */
  maxInFlight?: number;
  metrics: CollectorMetrics;
}

export interface IngestOutcome {
  rejected: number;
  /** Empty on full success. */
  message: string;
}

export const spanKey = (s: Span): string => s.orderId || s.traceId;
export const logKey = (l: LogRecord): string => l.orderId || l.traceId || l.logId;
export const eventKey = (e: OrderEvent): string => e.orderId;

/** One bus message per key: a JSON array of that key's records. */
function toMessages<T>(records: T[], keyOf: (record: T) => string): BusRecord[] {
  return [...groupByKey(records, keyOf)].map(([key, group]) => ({ key, value: encodeRecords(group) }));
}

function partialMessage(result: MappingResult<unknown>): string {
  if (result.rejected === 0) return '';
  const more = result.rejected > result.errors.length ? ` (and ${result.rejected - result.errors.length} more)` : '';
  return `OT_ERR_INVALID_ITEMS: ${result.rejected} item(s) rejected: ${result.errors.join('; ')}${more}`;
}

export class IngestPipeline {
  private readonly options: PipelineOptions;
  private inFlight = 0;

  constructor(options: PipelineOptions) {
    this.options = options;
  }

  async ingestSpans(result: MappingResult<Span>): Promise<IngestOutcome> {
    const events = deriveOrderEvents(result.items, [], this.options);
    await this.publish([
      [Topics.spans, toMessages(result.items, spanKey)],
      [Topics.events, toMessages(events, eventKey)],
    ]);
    this.options.metrics.accepted('spans', result.items.length, result.rejected);
    this.options.metrics.accepted('events', events.length, 0);
    return { rejected: result.rejected, message: partialMessage(result) };
  }

  async ingestLogs(result: MappingResult<LogRecord>): Promise<IngestOutcome> {
    const events = deriveOrderEvents([], result.items, this.options);
    await this.publish([
      [Topics.logs, toMessages(result.items, logKey)],
      [Topics.events, toMessages(events, eventKey)],
    ]);
    this.options.metrics.accepted('logs', result.items.length, result.rejected);
    this.options.metrics.accepted('events', events.length, 0);
    return { rejected: result.rejected, message: partialMessage(result) };
  }

  async ingestEvents(events: OrderEvent[]): Promise<void> {
    await this.publish([[Topics.events, toMessages(events, eventKey)]]);
    this.options.metrics.accepted('events', events.length, 0);
  }

  private async publish(parts: Array<[string, BusRecord[]]>): Promise<void> {
    const limit = this.options.maxInFlight ?? 512;
    if (this.inFlight >= limit) {
      throw new OrdertraceError('OT_ERR_OVERLOADED', `collector has ${this.inFlight} requests in flight; retry later`, 1);
    }
    this.inFlight++;
    try {
      await Promise.all(parts.filter(([, messages]) => messages.length > 0).map(([topic, messages]) => this.options.bus.publish(topic, messages)));
    } finally {
      this.inFlight--;
    }
  }
}
