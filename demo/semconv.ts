// Attribute sets following OpenTelemetry semantic conventions (stable HTTP names; database
// attributes in "dup" mode — the classic db.system/db.statement next to db.system.name/db.query.text,
// as instrumentations emit while OTEL_SEMCONV_STABILITY_OPT_IN=database/dup), plus the ordertrace
// order attributes. Names are literal strings so the demo does not depend on
// @opentelemetry/semantic-conventions (only a transitive dependency here).
import type { Attrs, ServiceName } from './plan.ts';

export interface HttpCall {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Route template, e.g. /api/orders/:orderId/cancel */
  route: string;
  /** Concrete path, e.g. /api/orders/ORD-2026-004217/cancel */
  path: string;
  status: number;
  host: string;
  port?: number;
  scheme?: 'http' | 'https';
}

export function httpServer(call: HttpCall, extra: Attrs = {}): Attrs {
  return {
    'http.request.method': call.method,
    'http.route': call.route,
    'url.path': call.path,
    'url.scheme': call.scheme ?? 'https',
    'http.response.status_code': call.status,
    'server.address': call.host,
    'server.port': call.port ?? 443,
    'network.protocol.version': '1.1',
    ...extra,
  };
}

export function httpClient(call: HttpCall, extra: Attrs = {}): Attrs {
  const scheme = call.scheme ?? 'https';
  const port = call.port ?? 443;
  const defaultPort = scheme === 'https' ? 443 : 80;
  return {
    'http.request.method': call.method,
    'url.full': `${scheme}://${call.host}${port === defaultPort ? '' : `:${port}`}${call.path}`,
    'url.template': call.route,
    'http.response.status_code': call.status,
    'server.address': call.host,
    'server.port': port,
    'network.protocol.version': '1.1',
    ...extra,
  };
}

export function httpSpanName(call: Pick<HttpCall, 'method' | 'route'>): string {
  return `${call.method} ${call.route}`;
}

export interface DbCall {
  system: 'postgresql' | 'mysql' | 'redis';
  database: string;
  operation: string;
  table: string;
  statement: string;
  host: string;
}

export function db(call: DbCall): Attrs {
  return {
    'db.system': call.system,
    'db.statement': call.statement,
    'db.name': call.database,
    'db.operation': call.operation,
    'db.sql.table': call.table,
    'db.system.name': call.system,
    'db.query.text': call.statement,
    'db.namespace': call.database,
    'db.operation.name': call.operation,
    'db.collection.name': call.table,
    'server.address': call.host,
    'server.port': call.system === 'mysql' ? 3306 : call.system === 'redis' ? 6379 : 5432,
  };
}

export function dbSpanName(call: Pick<DbCall, 'operation' | 'table'>): string {
  return `${call.operation} ${call.table}`;
}

export interface RpcCall {
  service: string;
  method: string;
  /** gRPC status code (0 = OK, 4 = DEADLINE_EXCEEDED, 10 = ABORTED, …). */
  code: number;
  host: string;
  port?: number;
}

export function rpc(call: RpcCall): Attrs {
  return {
    'rpc.system': 'grpc',
    'rpc.service': call.service,
    'rpc.method': call.method,
    'rpc.grpc.status_code': call.code,
    'server.address': call.host,
    'server.port': call.port ?? 50051,
  };
}

export function rpcSpanName(call: Pick<RpcCall, 'service' | 'method'>): string {
  return `${call.service}/${call.method}`;
}

export interface KafkaMessage {
  topic: string;
  messageId: string;
  key: string;
  partition: number;
  offset: number;
  consumerGroup?: string;
}

export function kafkaProducer(msg: KafkaMessage): Attrs {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'send',
    'messaging.operation.name': 'publish',
    'messaging.destination.name': msg.topic,
    'messaging.destination.partition.id': String(msg.partition),
    'messaging.message.id': msg.messageId,
    'messaging.kafka.message.key': msg.key,
    'server.address': 'kafka-0.kafka.prod.svc',
    'server.port': 9092,
  };
}

export function kafkaConsumer(msg: KafkaMessage): Attrs {
  return {
    'messaging.system': 'kafka',
    'messaging.operation.type': 'process',
    'messaging.operation.name': 'process',
    'messaging.destination.name': msg.topic,
    'messaging.destination.partition.id': String(msg.partition),
    'messaging.message.id': msg.messageId,
    'messaging.kafka.message.key': msg.key,
    'messaging.kafka.offset': msg.offset,
    'messaging.consumer.group.name': msg.consumerGroup ?? 'default',
  };
}

/** Attributes of a milestone span: order.event with the emitting system's own status word. */
export function milestone(orderId: string, event: string, system: ServiceName, status: string, extra: Attrs = {}): Attrs {
  return { 'order.id': orderId, 'order.event': event, 'order.system': system, 'order.status': status, ...extra };
}

/** Stack trace text for exception events and logs (Java-flavoured for the JVM-based inventory service). */
export function javaStack(type: string, message: string, frames: string[]): string {
  return [`${type}: ${message}`, ...frames.map((f) => `\tat ${f}`)].join('\n');
}
