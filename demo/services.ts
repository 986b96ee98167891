// One OpenTelemetry SDK setup per simulated service — its own Resource, TracerProvider
// (BatchSpanProcessor) and LoggerProvider (BatchLogRecordProcessor), each with its own OTLP
// exporters — exactly as six separate service processes would have.
//
// Why not NodeSDK: it configures one resource per process and registers global providers,
// propagators and instrumentations. The demo needs seven resources in one process, and it also
// runs inside `ordertrace start`, where touching the globals would hijack the product's own
// telemetry. So: plain providers, never registered globally; emit.ts asks for tracers by service.
import type { Tracer } from '@opentelemetry/api';
import type { Logger } from '@opentelemetry/api-logs';
import { AlwaysOnSampler, BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { BatchLogRecordProcessor, LoggerProvider, type LogRecordExporter, type ReadableLogRecord } from '@opentelemetry/sdk-logs';
import { defaultResource, resourceFromAttributes } from '@opentelemetry/resources';
import { SERVICES, type ServiceName } from './plan.ts';
import { SERVICE_INFO } from './world.ts';
import { createRng } from './rng.ts';
import { messageId, podName } from './ids.ts';

export type Protocol = 'http/protobuf' | 'http/json' | 'grpc';

export interface ExportTarget {
  /** OTLP/HTTP base URL, e.g. http://127.0.0.1:4318 (the /v1/traces and /v1/logs paths are appended). */
  endpoint: string;
  protocol: Protocol;
  /** OTLP/gRPC URL; default: the HTTP endpoint with port 4318 replaced by 4317. */
  grpcEndpoint?: string;
}

export interface ExportCounters {
  spansSent: number;
  spansFailed: number;
  logsSent: number;
  logsFailed: number;
  /** Export calls (one per OTLP request). */
  requests: number;
  lastError: string;
}

/** What emit.ts needs from the telemetry setup (an in-memory setup satisfies it in tests). */
export interface TelemetrySink {
  tracer(service: ServiceName): Tracer;
  logger(service: ServiceName): Logger;
}

type ExportResultCallback = Parameters<SpanExporter['export']>[1];
type ExportResult = Parameters<ExportResultCallback>[0];
/** ExportResultCode.SUCCESS in @opentelemetry/core (not a direct dependency, so the value is spelled out). */
const SUCCESS = 0;

/** Counts what each exporter really delivered (and reports failures) without changing its behaviour. */
class CountingSpanExporter implements SpanExporter {
  private readonly inner: SpanExporter;
  private readonly counters: ExportCounters;
  private readonly onError: (message: string) => void;

  constructor(inner: SpanExporter, counters: ExportCounters, onError: (message: string) => void) {
    this.inner = inner;
    this.counters = counters;
    this.onError = onError;
  }

  export(spans: ReadableSpan[], done: ExportResultCallback): void {
    this.counters.requests += 1;
    this.inner.export(spans, (result: ExportResult) => {
      if (result.code === SUCCESS) this.counters.spansSent += spans.length;
      else {
        this.counters.spansFailed += spans.length;
        this.onError(`span export failed: ${result.error?.message ?? 'unknown error'}`);
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

class CountingLogExporter implements LogRecordExporter {
  private readonly inner: LogRecordExporter;
  private readonly counters: ExportCounters;
  private readonly onError: (message: string) => void;

  constructor(inner: LogRecordExporter, counters: ExportCounters, onError: (message: string) => void) {
    this.inner = inner;
    this.counters = counters;
    this.onError = onError;
  }

  export(logs: ReadableLogRecord[], done: ExportResultCallback): void {
    this.counters.requests += 1;
    this.inner.export(logs, (result: ExportResult) => {
      if (result.code === SUCCESS) this.counters.logsSent += logs.length;
      else {
        this.counters.logsFailed += logs.length;
        this.onError(`log export failed: ${result.error?.message ?? 'unknown error'}`);
      }
      done(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }
}

/** The OTLP/gRPC URL: grpcEndpoint, or the HTTP endpoint with port 4318 replaced by 4317. */
export function grpcUrl(t: ExportTarget): string {
  if (t.grpcEndpoint) return t.grpcEndpoint;
  const u = new URL(t.endpoint);
  if (u.port === '4318' || u.port === '') u.port = '4317';
  return `${u.protocol}//${u.host}`;
}

/** A fresh pair of exporters for one service (exporters are not shared: shutting one down must not break another). */
async function exporters(t: ExportTarget): Promise<{ spans: SpanExporter; logs: LogRecordExporter }> {
  const base = t.endpoint.replace(/\/+$/, '');
  // Generous concurrency: the backfill sends thousands of backdated spans at once.
  const http = (path: string) => ({ url: `${base}${path}`, concurrencyLimit: 64, timeoutMillis: 15_000 });
  switch (t.protocol) {
    case 'http/protobuf': {
      const [{ OTLPTraceExporter }, { OTLPLogExporter }] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-proto'), import('@opentelemetry/exporter-logs-otlp-proto'),
      ]);
      return { spans: new OTLPTraceExporter(http('/v1/traces')), logs: new OTLPLogExporter(http('/v1/logs')) };
    }
    case 'http/json': {
      const [{ OTLPTraceExporter }, { OTLPLogExporter }] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-http'), import('@opentelemetry/exporter-logs-otlp-http'),
      ]);
      return { spans: new OTLPTraceExporter(http('/v1/traces')), logs: new OTLPLogExporter(http('/v1/logs')) };
    }
    case 'grpc': {
      const [{ OTLPTraceExporter }, { OTLPLogExporter }] = await Promise.all([
        import('@opentelemetry/exporter-trace-otlp-grpc'), import('@opentelemetry/exporter-logs-otlp-grpc'),
      ]);
      const url = grpcUrl(t);
      return {
        spans: new OTLPTraceExporter({ url, concurrencyLimit: 64, timeoutMillis: 15_000 }),
        logs: new OTLPLogExporter({ url, concurrencyLimit: 64, timeoutMillis: 15_000 }),
      };
    }
    default: {
      const never: never = t.protocol;
      throw new Error(`unknown OTLP protocol ${String(never)}`);
    }
  }
}

/** Resource attributes of one service instance (host names are stable for a given seed). */
export function serviceResourceAttributes(service: ServiceName, seed: number): Record<string, string> {
  const info = SERVICE_INFO[service];
  const rng = createRng(seed ^ (service.length * 7919 + (service.charCodeAt(0) << 8)));
  const pod = podName(rng, info.deployment);
  return {
    'service.name': service,
    'service.namespace': 'acme-shop',
    'service.version': info.version,
    'service.instance.id': messageId(rng),
    'deployment.environment': 'demo',
    'deployment.environment.name': 'demo',
    'host.name': pod,
    'k8s.pod.name': pod,
    'k8s.namespace.name': info.namespace,
    'k8s.deployment.name': info.deployment,
    'k8s.cluster.name': 'eu-central-1-prod',
    'cloud.provider': 'aws',
    'cloud.region': 'eu-central-1',
    'process.runtime.name': info.runtime,
  };
}

export interface ServiceTelemetry extends TelemetrySink {
  readonly counters: ExportCounters;
  /** Resolves when every queued span and log record was exported or failed (never rejects). */
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface TelemetryOptions extends ExportTarget {
  seed: number;
  /** Called (at most once per distinct message) when an export fails. */
  onExportError?: (message: string) => void;
}

export async function createServiceTelemetry(opts: TelemetryOptions): Promise<ServiceTelemetry> {
  const counters: ExportCounters = { spansSent: 0, spansFailed: 0, logsSent: 0, logsFailed: 0, requests: 0, lastError: '' };
  const reported = new Set<string>();
  const onError = (message: string): void => {
    counters.lastError = message;
    if (reported.has(message)) return;
    reported.add(message);
    opts.onExportError?.(message);
  };
  const tracers = new Map<ServiceName, { provider: BasicTracerProvider; tracer: Tracer }>();
  const loggers = new Map<ServiceName, { provider: LoggerProvider; logger: Logger }>();
  for (const service of SERVICES) {
    const resource = defaultResource().merge(resourceFromAttributes(serviceResourceAttributes(service, opts.seed)));
    const ex = await exporters(opts);
    const buffer = { maxQueueSize: 200_000, maxExportBatchSize: 512, scheduledDelayMillis: 500, exportTimeoutMillis: 30_000 };
    const provider = new BasicTracerProvider({
      resource,
      // Always on: milestone spans (those carrying order.event) must never be sampled away —
      // ordertrace's absence rules ("no inventory.locked within 2h") would cry wolf on a dropped
      // milestone. A subsystem that samples the rest of its spans must still keep these.
      sampler: new AlwaysOnSampler(),
      spanProcessors: [new BatchSpanProcessor(new CountingSpanExporter(ex.spans, counters, onError), buffer)],
    });
    const version = SERVICE_INFO[service].version;
    tracers.set(service, { provider, tracer: provider.getTracer(`acme.${service}`, version) });
    const logProvider = new LoggerProvider({
      resource,
      processors: [new BatchLogRecordProcessor({ exporter: new CountingLogExporter(ex.logs, counters, onError), ...buffer })],
    });
    loggers.set(service, { provider: logProvider, logger: logProvider.getLogger(`acme.${service}`, version) });
  }
  const get = <T>(map: Map<ServiceName, T>, service: ServiceName): T => {
    const v = map.get(service);
    if (!v) throw new Error(`no telemetry for service ${service}`);
    return v;
  };
  return {
    counters,
    tracer: (service) => get(tracers, service).tracer,
    logger: (service) => get(loggers, service).logger,
    // Export failures are counted and reported through onExportError; flushing itself never throws,
    // so a collector that is down (or not up yet) does not end the demo.
    forceFlush: async () => {
      await Promise.allSettled([...tracers.values()].map((t) => t.provider.forceFlush()));
      await Promise.allSettled([...loggers.values()].map((l) => l.provider.forceFlush()));
    },
    shutdown: async () => {
      await Promise.allSettled([
        ...[...tracers.values()].map((t) => t.provider.shutdown()),
        ...[...loggers.values()].map((l) => l.provider.shutdown()),
      ]);
    },
  };
}
