// Real OpenTelemetry exporters (OTLP/HTTP JSON, OTLP/HTTP protobuf, OTLP/gRPC; traces and logs) send
// to a running all-in-one; the query API must return exactly what was sent.
import { afterAll, beforeAll } from 'vitest';
import { startTestInstance, type TestInstance } from '../helpers/all-in-one.ts';
import { describeExporterScenarios } from '../helpers/otel-scenarios.ts';

let app: TestInstance;
beforeAll(async () => { app = await startTestInstance(); });
afterAll(async () => { await app?.dispose(); });

describeExporterScenarios('all-in-one collector → query API', () => app);
