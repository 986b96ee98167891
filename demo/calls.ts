// Building blocks for planning: an HTTP call (client span + the callee's server span), a gRPC
// call, a database query, a Kafka publish/consume pair, an internal step. Each appends spans to
// the order's PlanBuilder with realistic, jittered durations and returns when it finished.
import type { PlanBuilder, PlannedSpan, Attrs, ServiceName, Severity } from './plan.ts';
import type { Rng } from './rng.ts';
import { SERVICE_INFO, DATABASES, CONSUMER_GROUPS } from './world.ts';
import {
  httpClient, httpServer, httpSpanName, db, dbSpanName, rpc, rpcSpanName, kafkaProducer, kafkaConsumer,
  type HttpCall, type KafkaMessage,
} from './semconv.ts';
import { messageId } from './ids.ts';

/** What every planning helper needs: the order's builder, its random source and its ID. */
export interface Planning {
  b: PlanBuilder;
  rng: Rng;
  orderId: string;
}

export interface Place {
  trace: number;
  parent: PlannedSpan | null;
  links?: PlannedSpan[];
}

/** A span of this order (every span carries order.id, as a baggage-copying span processor would). */
export function addSpan(
  p: Planning,
  place: Place,
  service: ServiceName,
  name: string,
  kind: PlannedSpan['kind'],
  startMs: number,
  durationMs: number,
  attributes: Attrs = {},
): PlannedSpan {
  return p.b.span({
    trace: place.trace,
    parent: place.parent,
    links: place.links ?? [],
    service,
    name,
    kind,
    startMs,
    durationMs,
    attributes: { 'order.id': p.orderId, ...attributes },
  });
}

export function addLog(p: Planning, span: PlannedSpan, severity: Severity, body: string, attributes: Attrs = {}, atMs?: number): void {
  p.b.log(span, severity, body, { 'order.id': p.orderId, ...attributes }, atMs);
}

/** Network hop inside the cluster, ms. */
function hop(rng: Rng): number {
  return rng.between(0.3, 1.8);
}

export interface HttpCallArgs {
  from: ServiceName;
  to: ServiceName;
  method: HttpCall['method'];
  route: string;
  path: string;
  status: number;
  at: number;
  /** Runs inside the server span from time t; returns when the handler's work ended. */
  work?: (server: PlannedSpan, t: number) => number;
  /** Client gives up after this long (the server may go on and finish later). */
  clientTimeoutMs?: number;
  serverAttrs?: Attrs;
  clientAttrs?: Attrs;
}

export interface CallResult {
  client: PlannedSpan;
  server: PlannedSpan;
  /** When the caller got its answer (or gave up). */
  end: number;
  timedOut: boolean;
}

export function httpCall(p: Planning, place: Place, a: HttpCallArgs): CallResult {
  const target = SERVICE_INFO[a.to];
  const scheme = target.port === 443 ? 'https' : 'http';
  const call: HttpCall = { method: a.method, route: a.route, path: a.path, status: a.status, host: target.host, port: target.port, scheme };
  const name = httpSpanName(call);
  const client = addSpan(p, place, a.from, name, 'client', a.at, 0, httpClient(call, a.clientAttrs));
  const serverStart = a.at + hop(p.rng);
  const server = addSpan(p, { trace: place.trace, parent: client }, a.to, name, 'server', serverStart, 0,
    httpServer(call, { 'client.address': `10.42.${p.rng.int(0, 15)}.${p.rng.int(2, 250)}`, ...a.serverAttrs }));
  const workStart = serverStart + p.rng.between(0.2, 1.2);
  const workEnd = a.work ? a.work(server, workStart) : workStart + p.rng.latency(3);
  server.endMs = workEnd + p.rng.between(0.2, 1.5);
  if (a.status >= 500) server.status = { code: 'error', message: `HTTP ${a.status}` };
  let end = server.endMs + hop(p.rng);
  let timedOut = false;
  if (a.clientTimeoutMs !== undefined && end - a.at > a.clientTimeoutMs) {
    end = a.at + a.clientTimeoutMs;
    timedOut = true;
    delete client.attributes['http.response.status_code'];
    client.attributes['error.type'] = 'timeout';
    client.status = { code: 'error', message: `request timed out after ${a.clientTimeoutMs}ms` };
  } else if (a.status >= 400) {
    client.attributes['error.type'] = String(a.status);
    client.status = { code: 'error', message: `HTTP ${a.status}` };
  }
  client.endMs = end;
  return { client, server, end, timedOut };
}

/** A call to a third party (PSP, carrier API, mailer): only our client span exists. */
export function externalCall(
  p: Planning, place: Place, from: ServiceName,
  x: { host: string; method: HttpCall['method']; route: string; path: string; status: number; at: number; durationMs: number; attrs?: Attrs },
): PlannedSpan {
  const call: HttpCall = { method: x.method, route: x.route, path: x.path, status: x.status, host: x.host };
  const span = addSpan(p, place, from, httpSpanName(call), 'client', x.at, x.durationMs, httpClient(call, x.attrs));
  if (x.status >= 400) {
    span.attributes['error.type'] = String(x.status);
    span.status = { code: 'error', message: `HTTP ${x.status}` };
  }
  return span;
}

export interface GrpcCallArgs {
  from: ServiceName;
  to: ServiceName;
  service: string;
  method: string;
  /** gRPC status code returned. */
  code: number;
  at: number;
  work?: (server: PlannedSpan, t: number) => number;
}

export function grpcCall(p: Planning, place: Place, a: GrpcCallArgs): CallResult {
  const target = SERVICE_INFO[a.to];
  const attrs = rpc({ service: a.service, method: a.method, code: a.code, host: target.host, port: target.port });
  const name = rpcSpanName(a);
  const client = addSpan(p, place, a.from, name, 'client', a.at, 0, attrs);
  const serverStart = a.at + hop(p.rng);
  const server = addSpan(p, { trace: place.trace, parent: client }, a.to, name, 'server', serverStart, 0, attrs);
  const workStart = serverStart + p.rng.between(0.1, 0.8);
  const workEnd = a.work ? a.work(server, workStart) : workStart + p.rng.latency(2);
  server.endMs = workEnd + p.rng.between(0.1, 0.6);
  client.endMs = server.endMs + hop(p.rng);
  if (a.code !== 0) {
    const message = GRPC_CODES[a.code] ?? `code ${a.code}`;
    server.status = { code: 'error', message };
    client.status = { code: 'error', message };
  }
  return { client, server, end: client.endMs, timedOut: false };
}

const GRPC_CODES: Record<number, string> = { 4: 'DEADLINE_EXCEEDED', 5: 'NOT_FOUND', 9: 'FAILED_PRECONDITION', 10: 'ABORTED', 14: 'UNAVAILABLE' };

export function dbQuery(
  p: Planning, place: Place, service: keyof typeof DATABASES,
  q: { operation: string; table: string; statement: string; at: number; medianMs?: number; attrs?: Attrs },
): PlannedSpan {
  const target = DATABASES[service];
  const attrs = db({ system: target.system, database: target.database, host: target.host, operation: q.operation, table: q.table, statement: q.statement });
  return addSpan(p, place, service, dbSpanName(q), 'client', q.at, p.rng.latency(q.medianMs ?? 2.5), { ...attrs, ...q.attrs });
}

export function internal(p: Planning, place: Place, service: ServiceName, name: string, at: number, durationMs: number, attrs: Attrs = {}): PlannedSpan {
  return addSpan(p, place, service, name, 'internal', at, durationMs, attrs);
}

export interface Published {
  producer: PlannedSpan;
  message: KafkaMessage;
}

export function publish(p: Planning, place: Place, service: ServiceName, topic: string, partition: number, at: number, attrs: Attrs = {}): Published {
  const message: KafkaMessage = {
    topic, partition, key: p.orderId, messageId: messageId(p.rng), offset: p.rng.int(1_000_000, 9_000_000),
  };
  const producer = addSpan(p, place, service, `publish ${topic}`, 'producer', at, p.rng.latency(2.5), { ...kafkaProducer(message), ...attrs });
  return { producer, message };
}

/** The consumer side of a message: a CONSUMER span parented on the producer (context from the message headers). */
export function consume(
  p: Planning, pub: Published, service: ServiceName, at: number,
  work?: (consumer: PlannedSpan, t: number) => number, attrs: Attrs = {},
): PlannedSpan {
  const group = service === 'wms' ? CONSUMER_GROUPS.wms : service === 'crm' ? CONSUMER_GROUPS.crm : CONSUMER_GROUPS.shop;
  const span = addSpan(p, { trace: pub.producer.trace, parent: pub.producer }, service, `process ${pub.message.topic}`, 'consumer', at, 0,
    { ...kafkaConsumer({ ...pub.message, consumerGroup: group }), ...attrs });
  const t = at + p.rng.between(0.1, 0.6);
  span.endMs = (work ? work(span, t) : t + p.rng.latency(3)) + p.rng.between(0.1, 0.5);
  return span;
}

/** A plausible consumer lag for a healthy consumer group, ms. */
export function consumerLag(rng: Rng): number {
  return rng.latency(60);
}

/** A SERVER span for a request arriving from outside the simulated services (browser, carrier webhook, agent UI, scanner). */
export function inbound(
  p: Planning, place: Place, service: ServiceName,
  x: { method: HttpCall['method']; route: string; path: string; status: number; host: string; port?: number; scheme?: 'http' | 'https'; at: number; attrs?: Attrs },
): PlannedSpan {
  const call: HttpCall = { method: x.method, route: x.route, path: x.path, status: x.status, host: x.host, port: x.port ?? 443, scheme: x.scheme ?? 'https' };
  const span = addSpan(p, place, service, httpSpanName(call), 'server', x.at, 0, httpServer(call, x.attrs));
  if (x.status >= 500) span.status = { code: 'error', message: `HTTP ${x.status}` };
  return span;
}
