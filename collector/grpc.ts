// OTLP/gRPC receiver (TraceService/Export, LogsService/Export) on @grpc/grpc-js. Messages are handed
// to the same hand-written protobuf decoders as OTLP/HTTP; no .proto files are loaded at run time.
import * as grpc from '@grpc/grpc-js';
import { OrdertraceError } from '../core/errors.ts';
import type { MappingResult } from '../core/model.ts';
import { decodeLogsProto, decodeTracesProto, encodeExportResponseProto } from '../core/otlp/index.ts';
import type { CollectorMetrics } from './metrics.ts';
import type { IngestOutcome, IngestPipeline } from './pipeline.ts';

export interface CollectorGrpcOptions {
  pipeline: IngestPipeline;
  metrics: CollectorMetrics;
  maxBodyBytes: number;
  host: string;
  port: number;
  now?: () => number;
}

const identity = (b: Buffer): Buffer => b;

function exportMethod(service: string): grpc.ServiceDefinition {
  return {
    Export: {
      path: `/opentelemetry.proto.collector.${service}/Export`,
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
}

/** gRPC status for an error: retryable ones are UNAVAILABLE / RESOURCE_EXHAUSTED, as OTLP clients expect. */
function toStatus(error: unknown): Partial<grpc.StatusObject> {
  if (error instanceof OrdertraceError) {
    const code =
      error.status === 503 ? grpc.status.UNAVAILABLE
      : error.status === 429 ? grpc.status.RESOURCE_EXHAUSTED
      : error.status === 413 ? grpc.status.RESOURCE_EXHAUSTED
      : grpc.status.INVALID_ARGUMENT;
    return { code, details: `${error.code}: ${error.message}` };
  }
  return { code: grpc.status.UNAVAILABLE, details: `OT_ERR_STORE_UNAVAILABLE: ${(error as Error).message}` };
}

export interface RunningGrpc {
  port: number;
  close(): Promise<void>;
}

export async function startCollectorGrpc(options: CollectorGrpcOptions): Promise<RunningGrpc> {
  const now = options.now ?? Date.now;
  const server = new grpc.Server({
    'grpc.max_receive_message_length': options.maxBodyBytes,
  });
  const handler = <T>(decode: (bytes: Uint8Array, nowMs: number) => MappingResult<T>, ingest: (r: MappingResult<T>) => Promise<IngestOutcome>) =>
    (call: grpc.ServerUnaryCall<Buffer, Buffer>, callback: grpc.sendUnaryData<Buffer>) => {
      Promise.resolve()
        .then(() => ingest(decode(call.request, now())))
        .then((outcome) => callback(null, Buffer.from(encodeExportResponseProto(outcome.rejected, outcome.message))))
        .catch((error: unknown) => {
          const status = toStatus(error);
          options.metrics.requestFailed(error instanceof OrdertraceError ? error.code : 'OT_ERR_STORE_UNAVAILABLE');
          callback(status as grpc.ServiceError);
        });
    };
  server.addService(exportMethod('trace.v1.TraceService'), { Export: handler(decodeTracesProto, (r) => options.pipeline.ingestSpans(r)) });
  server.addService(exportMethod('logs.v1.LogsService'), { Export: handler(decodeLogsProto, (r) => options.pipeline.ingestLogs(r)) });
  // Metrics accepted and dropped, like OTLP/HTTP.
  server.addService(exportMethod('metrics.v1.MetricsService'), { Export: (_call: unknown, callback: grpc.sendUnaryData<Buffer>) => callback(null, Buffer.alloc(0)) });

  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync(`${options.host}:${options.port}`, grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.tryShutdown(() => resolve());
        // Do not wait forever on clients that keep streams open.
        setTimeout(() => { server.forceShutdown(); resolve(); }, 2000).unref();
      }),
  };
}
