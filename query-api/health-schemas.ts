// JSON Schemas of the health dashboard's responses (core/stats.ts; docs/health.md): components
// registered with fastify by $id and emitted as OpenAPI components. The routes are in schemas.ts.
import { INT, MS, STR, arrayOf, object, type JsonSchema } from './schema-kit.ts';

const WINDOW = {
  fromMs: { ...MS, description: 'Window start (inclusive), ms since the Unix epoch.' },
  toMs: { ...MS, description: 'Window end (exclusive), ms since the Unix epoch.' },
};
const BUCKETED = { ...WINDOW, bucketMs: { type: 'integer', description: 'Bucket width, ms; bucket starts are multiples of it since the epoch.' } };
const BUCKET_START = { ...MS, description: 'Bucket start, ms since the Unix epoch.' };
const DURATION_MS = { type: 'number', description: 'Milliseconds (fractions down to the nanosecond).' };

export const HEALTH_COMPONENTS: JsonSchema[] = [
  object(
    {
      tMs: BUCKET_START,
      count: { type: 'integer', description: 'Completions whose end event falls in the bucket.' },
      p50Ms: { ...DURATION_MS, description: 'Median duration, ms (nearest rank).' },
      p95Ms: { ...DURATION_MS, description: '95th percentile duration, ms (nearest rank).' },
      overdue: { type: 'integer', description: 'Completions that took longer than expectedMs.' },
    },
    { $id: 'StagePoint' },
  ),
  object(
    { stageId: STR, title: STR, expectedMs: { type: 'number', description: 'Expected duration, ms.' }, points: { ...arrayOf('StagePoint'), description: 'By tMs; buckets without completions are left out.' } },
    { $id: 'StageSeries' },
  ),
  object({ ...BUCKETED, stages: { ...arrayOf('StageSeries'), description: 'Stage catalog order.' } }, { $id: 'StageStats', description: 'Stage durations per bucket of the end event.' }),
  object({ tMs: BUCKET_START, spans: INT, errors: { type: 'integer', description: 'Spans with status error.' } }, { $id: 'ThroughputPoint' }),
  object({ service: STR, total: INT, points: arrayOf('ThroughputPoint') }, { $id: 'ServiceThroughput' }),
  object({ tMs: BUCKET_START, count: INT }, { $id: 'CountPoint' }),
  object(
    {
      ...BUCKETED,
      services: { ...arrayOf('ServiceThroughput'), description: 'By total descending, then service name.' },
      events: { ...arrayOf('CountPoint'), description: 'Order events per bucket.' },
      logs: { ...arrayOf('CountPoint'), description: 'Log records per bucket.' },
    },
    { $id: 'Throughput', description: 'Spans by start time, order events and log records by their time.' },
  ),
  object({ ruleId: STR, total: INT, points: arrayOf('CountPoint') }, { $id: 'RuleAnomalies' }),
  object(
    { ...BUCKETED, rules: { ...arrayOf('RuleAnomalies'), description: 'By total descending, then rule ID.' } },
    { $id: 'AnomalyStats', description: 'Alerts fired per rule and bucket (each alert once, any state).' },
  ),
  object(
    { stageId: STR, title: STR, started: { type: 'integer', description: 'Population orders that started the stage.' }, breached: { type: 'integer', description: 'Population orders with the stage breached.' } },
    { $id: 'StageHealth' },
  ),
  object(
    {
      ...WINDOW,
      nowMs: { ...MS, description: 'The clock open stages were measured against.' },
      orders: { type: 'integer', description: 'Orders whose first order event is in the window.' },
      healthy: { type: 'integer', description: 'Of those, orders without a breached stage.' },
      index: { type: ['number', 'null'], description: 'healthy / orders; null when orders is 0.' },
      stages: { ...arrayOf('StageHealth'), description: 'Stage catalog order.' },
    },
    { $id: 'OrderHealth', description: 'The order health index (docs/health.md).' },
  ),
  object({ service: STR, spans: INT, errors: INT }, { $id: 'DependencyNode' }),
  object(
    {
      source: { type: 'string', description: 'Service of the parent span.' },
      target: { type: 'string', description: 'Service of the child span.' },
      calls: { type: 'integer', description: 'Child spans starting in the window.' },
      errors: { type: 'integer', description: 'Of those, spans with status error.' },
      p95Ms: { ...DURATION_MS, description: '95th percentile duration of the child spans, ms (nearest rank).' },
    },
    { $id: 'DependencyEdge' },
  ),
  object(
    {
      ...WINDOW,
      nodes: { ...arrayOf('DependencyNode'), description: 'Services with spans in the window, by name.' },
      edges: { ...arrayOf('DependencyEdge'), description: 'By calls descending, then source, then target.' },
    },
    { $id: 'DependencyGraph', description: 'Calls between services: a span whose parent span is another service’s.' },
  ),
];
