// Alert-store tables of the ClickHouse store (schema.ts registers them as migration 2).
//
// Every table is a ReplacingMergeTree whose version column picks the surviving row when parts merge,
// but merges happen whenever the server likes, so no read relies on them: every query keeps the
// highest version per key itself (argMax(…, version) … GROUP BY key, see alerts-queries.ts). The
// ORDER BY key is the row's identity, so merges only ever drop superseded copies.
//
//   alerts              ORDER BY id; filter columns (rule, order, state, severity, fired time) + body.
//   silences            ORDER BY id; ends_at_ms + body.
//   order_states        ORDER BY order_id; part (bus partition), deleted (1 = tombstone: the state is
//                       gone, the row stays so an older copy cannot win), state. Not Nullable on
//                       purpose: aggregate functions skip NULL arguments, so argMax(state, version)
//                       over a NULL tombstone would return the previous live state.
//   status_projections  ORDER BY order_id; body.
//   rule_counts         ORDER BY (rule_id, bucket_ms, worker_id); matches, version = write clock
//                       (alerts-rows.ts), so the latest write of a worker's count wins.
//   dead_letters        ReplacingMergeTree(attempts) ORDER BY id: the copy with the most attempts wins.
//
// Version gating as in schema.ts: LowCardinality for the few-valued columns, ZSTD for bodies and
// bloom-filter skip indexes for the alert filters only on servers that have them.
import type { SchemaContext } from './schema.ts';
import { identifier } from './sql.ts';

export const AlertTable = {
  alerts: 'alerts',
  silences: 'silences',
  orderStates: 'order_states',
  statusProjections: 'status_projections',
  ruleCounts: 'rule_counts',
  deadLetters: 'dead_letters',
} as const;

function lowCardinality(ctx: SchemaContext): string {
  return ctx.caps.lowCardinality ? 'LowCardinality(String)' : 'String';
}

function zstd(ctx: SchemaContext): string {
  return ctx.caps.codecs ? ' CODEC(ZSTD(1))' : '';
}

function createTable(ctx: SchemaContext, table: string, columns: string[], engine: string, orderBy: string, indexes: string[] = []): string {
  const parts = ctx.caps.skipIndexes ? [...columns, ...indexes] : columns;
  return (
    `CREATE TABLE IF NOT EXISTS ${identifier(ctx.database)}.${identifier(table)} (${parts.join(', ')}) ` +
    `ENGINE = ${engine} ORDER BY ${orderBy} SETTINGS index_granularity = 1024`
  );
}

/** Idempotent DDL of every alert-store table. */
export function alertTablesDdl(ctx: SchemaContext): string[] {
  const few = lowCardinality(ctx);
  const body = `body String${zstd(ctx)}`;
  return [
    createTable(
      ctx,
      AlertTable.alerts,
      ['id String', 'version UInt64', `rule_id ${few}`, 'order_id String', `state ${few}`, `severity ${few}`, 'fired_at_ms Int64', body],
      'ReplacingMergeTree(version)',
      'id',
      ['INDEX rule_bf rule_id TYPE bloom_filter(0.01) GRANULARITY 4', 'INDEX order_bf order_id TYPE bloom_filter(0.01) GRANULARITY 4'],
    ),
    createTable(ctx, AlertTable.silences, ['id String', 'version UInt64', 'ends_at_ms Int64', body], 'ReplacingMergeTree(version)', 'id'),
    createTable(
      ctx,
      AlertTable.orderStates,
      ['order_id String', 'version UInt64', 'part UInt32', 'deleted UInt8', `state String${zstd(ctx)}`],
      'ReplacingMergeTree(version)',
      'order_id',
    ),
    createTable(ctx, AlertTable.statusProjections, ['order_id String', 'version UInt64', body], 'ReplacingMergeTree(version)', 'order_id'),
    createTable(
      ctx,
      AlertTable.ruleCounts,
      [`rule_id ${few}`, 'bucket_ms Int64', `worker_id ${few}`, 'matches UInt64', 'version UInt64'],
      'ReplacingMergeTree(version)',
      '(rule_id, bucket_ms, worker_id)',
    ),
    createTable(
      ctx,
      AlertTable.deadLetters,
      ['id String', 'attempts UInt64', 'created_at_ms Int64', body],
      'ReplacingMergeTree(attempts)',
      'id',
    ),
  ];
}
