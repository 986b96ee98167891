// The query API's response shapes as the UI reads them. The core shapes are the server's own types
// (type-only imports, erased from the bundle); the rules engine's additions mirror
// query-api/alert-schemas.ts and are optional, because a server may not offer them yet.
import type { Alert } from '../../../core/alerts.ts';
import type { LogRecord, Span } from '../../../core/model.ts';
import type { AnomalyStats, DependencyGraph, OrderHealth, StageStats, Throughput } from '../../../core/stats.ts';
import type { Page, ServiceInfo } from '../../../core/store/store.ts';
import type { ExpectedStage } from '../../../query-api/expected-stages.ts';
import type { OrderView } from '../../../query-api/order-view.ts';
import type { ReturnQueue } from '../../../query-api/return-queues.ts';

export type { Alert, ExpectedStage, LogRecord, Span };
export type { JourneyStage, StageState, SystemStatus } from '../../../core/journey.ts';
export type SpanPage = Page<Span>;
export type LogPage = Page<LogRecord>;
export interface ServiceList {
  services: ServiceInfo[];
}

export interface Trace {
  traceId: string;
  spans: Span[];
  logs: LogRecord[];
}

/** The canonical status and each system's mapped status, when the server computes it. */
export interface StatusProjection {
  canonical: string;
  systems: { system: string; status: string; mapped: string; sinceMs: number }[];
}

/** The order journey; the rules engine's parts are optional (older servers do not send them). */
export type Order = Omit<OrderView, 'alerts' | 'expectedStages'> &
  Partial<Pick<OrderView, 'alerts' | 'expectedStages'>> & { statusProjection?: StatusProjection | null };

export interface AlertPage {
  items: Alert[];
  nextCursor: string | null;
}

export interface AlertDetail {
  alert: Alert;
  guide: { markdown: string; html: string } | null;
  evidence: { spans: Span[]; logs: LogRecord[] };
}

export interface RuleSummary {
  id: string;
  kind: string;
  title: string;
  severity: string;
  enabled: boolean;
  source: { file: string; line: number };
  firing: number;
  acknowledged: number;
}

export interface RuleList {
  rules: RuleSummary[];
  files: string[];
  loadedAtMs: number;
  errors: { file: string; line: number; column: number; path: string; message: string }[];
}

export interface ReturnQueues {
  nowMs: number;
  queues: ReturnQueue[];
}

// The health dashboard (GET /api/v1/health/*): the server's own shapes (core/stats.ts). Times are
// ms since the epoch; buckets start at multiples of bucketMs; omitted buckets had nothing to count.
export type { AnomalyStats, DependencyEdge, DependencyGraph, DependencyNode, OrderHealth, StageStats, Throughput } from '../../../core/stats.ts';

/** Each health route's answer, by the last part of its path. */
export interface HealthResponses {
  stages: StageStats;
  throughput: Throughput;
  anomalies: AnomalyStats;
  index: OrderHealth;
  dependencies: DependencyGraph;
}
