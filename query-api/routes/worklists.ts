// GET /api/v1/orders — worklists: orders with alerts of a rule in a state, as JSON pages or a CSV export.
import type { FastifyInstance } from 'fastify';
import type { Alert, AlertQuery } from '../../core/alerts.ts';
import { parseWorklistQuery, type WorklistQuery } from '../alert-params.ts';
import { csvTable } from '../csv.ts';
import { allPages } from '../../core/paging.ts';
import { MAX_LIMIT, ROUTES } from '../schemas.ts';
import type { RouteContext } from './context.ts';
import { parserCompiler, routeOptions } from './route.ts';

/** Most rows one CSV export holds; beyond it the request must be narrowed. */
export const MAX_EXPORT_ROWS = 100_000;
export const CSV_COLUMNS = ['orderId', 'rule', 'state', 'severity', 'firedAt', 'dueAt', 'summary'] as const;

export interface WorklistRow {
  alertId: string;
  orderId: string;
  scope: string;
  rule: string;
  state: Alert['state'];
  severity: Alert['severity'];
  firedAt: string;
  dueAt: string | null;
  summary: string;
}

export function worklistRow(alert: Alert): WorklistRow {
  return {
    alertId: alert.id,
    orderId: alert.orderId,
    scope: alert.scope,
    rule: alert.ruleId,
    state: alert.state,
    severity: alert.severity,
    firedAt: new Date(alert.firedAtMs).toISOString(),
    dueAt: alert.dueMs === null ? null : new Date(alert.dueMs).toISOString(),
    summary: alert.summary,
  };
}

/** q-value of each media range in an Accept header. */
function acceptWeights(accept: string): Map<string, number> {
  const weights = new Map<string, number>();
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    if (type) weights.set(type, q ? Number(q.slice(2)) || 0 : 1);
  }
  return weights;
}

/** True when the Accept header asks for CSV at least as much as for JSON. */
export function prefersCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  const weights = acceptWeights(accept);
  const csv = weights.get('text/csv') ?? 0;
  return csv > 0 && csv >= (weights.get('application/json') ?? 0);
}

function exportName(query: WorklistQuery): string {
  const part = (text: string) => text.replace(/[^A-Za-z0-9_.-]+/g, '_');
  return `ordertrace-orders-${part(query.ruleId ?? 'all-rules')}-${query.state ?? 'any-state'}.csv`;
}

export function registerWorklistRoutes(app: FastifyInstance, { alerts }: RouteContext): void {
  app.route<{ Querystring: WorklistQuery }>({
    ...routeOptions(ROUTES.listOrders),
    validatorCompiler: parserCompiler(parseWorklistQuery),
    handler: async (request, reply) => {
      const query = request.query;
      const filter: Omit<AlertQuery, 'limit'> = { ruleId: query.ruleId, state: query.state };
      const csv = query.format === 'csv' || (query.format === undefined && prefersCsv(request.headers.accept));
      if (!csv) {
        const page = await alerts.listAlerts({ ...filter, limit: query.limit, cursor: query.cursor });
        return { items: page.items.map(worklistRow), nextCursor: page.nextCursor };
      }
      const all = await allPages((cursor) => alerts.listAlerts({ ...filter, limit: MAX_LIMIT, cursor }), MAX_EXPORT_ROWS, 'rows to export');
      const rows = all.map(worklistRow).map((row) => CSV_COLUMNS.map((column) => row[column]));
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${exportName(query)}"`)
        .send(csvTable(CSV_COLUMNS, rows));
    },
  });
}
