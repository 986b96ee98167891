// Proves the ClickHouse store's SQL runs on CURRENT ClickHouse: the modern variant of every DDL
// statement (generated for server version 26.9: LowCardinality, codecs, skip indexes, TTL), inserts of
// rows made by the store's own row mappers, and every query text builder in
// core/store/clickhouse/queries.ts and of the alert and stats stores — run through chDB (the ClickHouse
// 26.x engine in-process, deploy/dev/chdb.sh). Fails, with instructions, when chDB is not installed.
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { LogRecord, OrderEvent, Span } from '../../core/model.ts';
import { linkTag, lookupRows, operationRows, operationTag, WrittenCache } from '../../core/store/clickhouse/lookup-rows.ts';
import { tabSeparated } from '../../core/store/clickhouse/insert-format.ts';
import { appliedVersionQuery, columnExistsQuery } from '../../core/store/clickhouse/migrate.ts';
import * as queries from '../../core/store/clickhouse/queries.ts';
import { attrTerm, eventRow, logRow, spanRow } from '../../core/store/clickhouse/rows.ts';
import { allDdl, DAY_TABLES, LATEST_VERSION, qualified, Table } from '../../core/store/clickhouse/schema.ts';
import { capabilities } from '../../core/store/clickhouse/version.ts';
import { ALERT_SQL_MODULES, alertQuerySamples, alertSampleInserts } from './chdb-alert-samples.ts';
import { STATS_SQL_MODULES, statsQuerySamples, statsSampleInserts } from './chdb-stats-samples.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const CHDB_SH = join(ROOT, 'deploy', 'dev', 'chdb.sh');
const DB = 'ot_modern';
const MODERN = capabilities('26.9');

interface ChdbResult {
  index: number;
  sql: string;
  ok: boolean;
  error?: string;
  rows?: Array<Record<string, unknown>>;
  rowCount?: number;
}

function requireChdb(): void {
  const status = spawnSync('bash', [CHDB_SH, 'status'], { encoding: 'utf8' });
  if (status.status !== 0) {
    throw new Error(
      `chDB is not installed (${(status.stdout + status.stderr).trim()}). Install it with \`bash deploy/dev/chdb.sh install\` ` +
        '(a Python virtualenv with the pinned chdb package, see deploy/dev/README.md).',
    );
  }
}

/** Runs the statements in one chDB session; one result per statement. */
function runChdb(statements: string[]): ChdbResult[] {
  const run = spawnSync('bash', [CHDB_SH, 'run', '--max-rows', '1000'], {
    input: JSON.stringify(statements),
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (run.status !== 0 && run.status !== 1) throw new Error(`chdb-run failed (exit ${run.status}): ${run.stderr}\n${run.stdout}`);
  return run.stdout
    .split('\n')
    .filter((line) => line.trim())
    .map((line) => JSON.parse(line) as ChdbResult);
}

// ------------------------------------------------------------ sample data from the store's mappers

const NOW = BigInt(Date.now()) * 1_000_000n;
const MS = 1_000_000n;
const resource = (service: string) => ({ attributes: { 'service.name': service, region: "eu-'1" }, droppedAttributesCount: 0 });
const scope = { name: 'chdb', version: '1', attributes: {}, droppedAttributesCount: 0 };
const TRACE = 'a'.repeat(32);
const ORDER = "ORD-'quoted'\\1";

function span(spanId: string, offset: bigint, extra: Partial<Span> = {}): Span {
  return {
    traceId: TRACE,
    spanId,
    parentSpanId: '',
    traceState: '',
    name: 'pay',
    kind: 2,
    startTimeUnixNano: (NOW + offset).toString(),
    endTimeUnixNano: (NOW + offset + 5n * MS).toString(),
    attributes: { 'order.id': ORDER, 'return.id': 'RET-1', 'http.status_code': { int: '500' } },
    droppedAttributesCount: 0,
    events: [],
    droppedEventsCount: 0,
    links: [],
    droppedLinksCount: 0,
    status: { code: 2, message: 'declined' },
    flags: 1,
    service: 'payments',
    resource: resource('payments'),
    scope,
    orderId: ORDER,
    ...extra,
  };
}

const spans = [span('1111111111111111', 0n), span('2222222222222222', 20n * MS, { name: 'charge' })];
const logs: LogRecord[] = [
  {
    logId: 'log-1',
    timeUnixNano: (NOW + MS).toString(),
    observedTimeUnixNano: '0',
    severityNumber: 17,
    severityText: 'ERROR',
    body: 'Deduction FAILED for SKU-1',
    attributes: { sku: 'SKU-1' },
    droppedAttributesCount: 0,
    flags: 0,
    traceId: TRACE,
    spanId: '1111111111111111',
    eventName: '',
    service: 'payments',
    resource: resource('payments'),
    scope,
    orderId: ORDER,
  },
  {
    logId: 'log-2',
    timeUnixNano: (NOW + 2n * MS).toString(),
    observedTimeUnixNano: '0',
    severityNumber: 9,
    severityText: 'INFO',
    body: 'untraced',
    attributes: {},
    droppedAttributesCount: 0,
    flags: 0,
    traceId: '',
    spanId: '',
    eventName: '',
    service: 'shop',
    resource: resource('shop'),
    scope,
    orderId: ORDER,
  },
];
const events: OrderEvent[] = [
  {
    eventId: 'ev-1',
    orderId: ORDER,
    type: 'payment.succeeded',
    system: 'payments',
    timeUnixNano: NOW.toString(),
    status: 'paid',
    traceId: TRACE,
    spanId: '1111111111111111',
    source: 'span',
    attributes: { 'shipment.id': 'SH-1' },
  },
];

/** The store's own insert: TabSeparated text with the column list (connection.ts, insert-format.ts). */
function insert(table: string, rows: object[]): string {
  const { columns, data } = tabSeparated(rows);
  return `INSERT INTO ${qualified(DB, table)} (${columns.join(', ')}) FORMAT TabSeparated\n${data.toString('utf8')}`;
}

function sampleInserts(): string[] {
  const spanRows = spans.map((s) => ({ span: s, row: spanRow(s) }));
  const logRows = logs.map((l) => ({ log: l, row: logRow(l) }));
  const eventRows = events.map((e) => ({ event: e, row: eventRow(e) }));
  const batch = { spans: spanRows, logs: logRows, events: eventRows.map((e) => ({ event: e.event, day: e.row.day })) };
  const { ranges, links } = lookupRows(batch, ['return.id', 'shipment.id']);
  const cache = new WrittenCache();
  const statements = [
    insert(Table.spans, spanRows.map((s) => s.row)),
    insert(Table.logs, logRows.map((l) => l.row)),
    insert(Table.events, eventRows.map((e) => e.row)),
    insert(Table.lookup, [...ranges, ...cache.fresh(links, linkTag).map((l) => l.row)]),
    insert(Table.operations, cache.fresh(operationRows(batch), operationTag).map((o) => o.row)),
    insert(Table.migrations, [{ version: LATEST_VERSION, description: 'chdb', applied_at_ms: String(Date.now()), server_version: '26.9' }]),
  ];
  // Redelivery: the same batch again; every query below must still see each record once.
  return [...statements.slice(0, 4), ...statements.slice(0, 3), ...statements.slice(4)];
}

// ------------------------------------------------------------ every query builder, with sample arguments

const day = Number(NOW / 86_400_000_000_000n);
const range = (service: string, lo: bigint, hi: bigint): queries.TimeRange => ({ day, service, lo: lo.toString(), hi: hi.toString() });
const window: queries.SearchWindow = { fromNs: NOW - 3_600_000n * MS, toNs: NOW + 3_600_000n * MS, limit: 11 };
const spanKeys: queries.SpanKey[] = spans.map((s) => ({ start_ns: s.startTimeUnixNano, trace_id: s.traceId, span_id: s.spanId, service: s.service }));
const logKeys: queries.LogKey[] = logs.map((l) => ({ time_ns: l.timeUnixNano, log_id: l.logId, service: l.service }));

/** Builder name → [sample SQL, expected row count (or the first row's values, e.g. `{ n }`), null when any]. */
const QUERY_SAMPLES: Record<string, Array<[string, number | Record<string, number> | null]>> = {
  versionQuery: [[queries.versionQuery(), 1]],
  lookupQuery: [
    [queries.lookupQuery(DB, [TRACE]), null],
    [queries.lookupQuery(DB, [ORDER, 'RET-1', 'SH-1']), null],
  ],
  spansInRangesQuery: [[queries.spansInRangesQuery(DB, [TRACE], [range('payments', NOW, NOW + 20n * MS), range('other', NOW, NOW)]), 4]], // bodies, duplicates included: the store keeps one per span ID,
  logsInRangesQuery: [
    [queries.logsInRangesQuery(DB, { traceIds: [TRACE] }, [range('payments', NOW, NOW + MS)]), 2],
    [queries.logsInRangesQuery(DB, { untracedOf: ORDER }, [range('shop', NOW, NOW + 2n * MS)]), 2],
  ],
  eventsQuery: [[queries.eventsQuery(DB, ORDER), 1]],
  orderLookupQuery: [[queries.orderLookupQuery(DB, ORDER), null]],
  servicesQuery: [[queries.servicesQuery(DB), 4]],
  partitionsQuery: [[queries.partitionsQuery(DB, DAY_TABLES), null]],
  countInDaysQuery: [
    [queries.countInDaysQuery(DB, Table.spans, [day, day - 3]), { n: 4 }], // physical rows: the batch went in twice
    [queries.countInDaysQuery(DB, Table.events, [day]), { n: 2 }],
  ],
  spanSearchKeysQuery: [
    [queries.spanSearchKeysQuery(DB, window, { attrTerms: [] }), 2],
    [
      queries.spanSearchKeysQuery(
        DB,
        window,
        {
          service: 'payments',
          name: 'pay',
          status: 2,
          minDurationNs: 1n,
          maxDurationNs: 10n * MS,
          attrTerms: [attrTerm('http.status_code', '500'), attrTerm('region', "eu-'1")],
        },
        { t: (NOW + 30n * MS).toString(), traceId: TRACE, spanId: 'ffff' },
      ),
      1,
    ],
  ],
  spansByKeysQuery: [[queries.spansByKeysQuery(DB, spanKeys), 4]],
  logSearchKeysQuery: [
    [queries.logSearchKeysQuery(DB, window, { attrTerms: [] }), 2],
    [
      queries.logSearchKeysQuery(
        DB,
        window,
        {
          service: 'payments',
          traceId: TRACE,
          traceRanges: [range('payments', NOW, NOW + MS)],
          spanId: '1111111111111111',
          minSeverity: 13,
          needle: 'deduction failed',
          attrTerms: [attrTerm('sku', 'SKU-1')],
        },
        { t: (NOW + 10n * MS).toString(), logId: 'zzz' },
      ),
      1,
    ],
  ],
  logsByKeysQuery: [[queries.logsByKeysQuery(DB, logKeys), 4]],
  appliedVersionQuery: [[appliedVersionQuery(DB), 1]],
  // The columns schema version 3 adds, as migrate.ts looks for them.
  columnExistsQuery: [
    [columnExistsQuery(DB, Table.spans, 'parent_span_id'), { n: 1 }],
    [columnExistsQuery(DB, Table.spans, 'kind'), { n: 1 }],
  ],
  ...alertQuerySamples(DB),
  ...statsQuerySamples(DB, { fromMs: Number(window.fromNs / MS), toMs: Number(window.toNs / MS) }),
  // Statements that change data run last.
  dropPartitionStatement: [[queries.dropPartitionStatement(DB, Table.lookup, day), null]],
  dropDatabaseStatement: [[queries.dropDatabaseStatement(DB), null]],
};

describe('modern ClickHouse (chDB) runs the store’s DDL and query texts', () => {
  let ddl: ChdbResult[] = [];
  let inserts: ChdbResult[] = [];
  let results: ChdbResult[] = [];
  let portable: ChdbResult[] = [];
  const ddlStatements = allDdl({ database: DB, caps: MODERN, retentionDays: 30 });
  // A database created on an old server keeps its portable DDL after an upgrade: that must run too.
  const portableStatements = allDdl({ database: 'ot_portable', caps: capabilities('18.16.1'), retentionDays: 30 });
  const insertStatements = [...sampleInserts(), ...alertSampleInserts(insert), ...statsSampleInserts(insert)];
  const querySamples = Object.entries(QUERY_SAMPLES).flatMap(([name, samples]) => samples.map(([sql, rows]) => ({ name, sql, rows })));

  // A missing chDB fails every test below (with the install hint), rather than skipping them.
  let unavailable: Error | undefined;
  beforeEach(() => {
    if (unavailable) throw unavailable;
  });

  beforeAll(() => {
    try {
      requireChdb();
    } catch (error) {
      unavailable = error as Error;
      return;
    }
    const all = runChdb([...ddlStatements, ...insertStatements, ...querySamples.map((s) => s.sql), ...portableStatements]);
    ddl = all.slice(0, ddlStatements.length);
    inserts = all.slice(ddlStatements.length, ddlStatements.length + insertStatements.length);
    results = all.slice(ddlStatements.length + insertStatements.length, all.length - portableStatements.length);
    portable = all.slice(all.length - portableStatements.length);
  }, 120_000);

  it('the DDL for 26.9 uses the modern features, and every statement succeeds', () => {
    const text = ddlStatements.join('\n');
    for (const feature of ['LowCardinality(String)', 'CODEC(', 'TYPE bloom_filter', ' TTL ', 'ttl_only_drop_parts']) expect(text).toContain(feature);
    expect(ddl).toHaveLength(ddlStatements.length);
    for (const r of ddl) expect(r, `${r.sql}\n→ ${r.error}`).toMatchObject({ ok: true });
  });

  it('the portable DDL (as generated for 18.16) also runs on 26.9', () => {
    const text = portableStatements.join('\n');
    for (const feature of ['LowCardinality', 'CODEC(', 'INDEX ', ' TTL ']) expect(text).not.toContain(feature);
    expect(portable).toHaveLength(portableStatements.length);
    for (const r of portable) expect(r, `${r.sql}\n→ ${r.error}`).toMatchObject({ ok: true });
  });

  it('accepts the rows the store’s mappers produce (JSONEachRow inserts)', () => {
    expect(inserts).toHaveLength(insertStatements.length);
    for (const r of inserts) expect(r, `${r.sql.slice(0, 200)}\n→ ${r.error}`).toMatchObject({ ok: true });
  });

  it('runs every query builder’s text (searches and events de-duplicate the redelivered rows in SQL)', () => {
    expect(results).toHaveLength(querySamples.length);
    querySamples.forEach((sample, i) => {
      const r = results[i]!;
      expect(r, `${sample.name}: ${sample.sql}\n→ ${r.error}`).toMatchObject({ ok: true });
      if (typeof sample.rows === 'number') expect(r.rowCount, `${sample.name}: ${sample.sql}`).toBe(sample.rows);
      else if (sample.rows !== null) {
        const first = r.rows?.[0] ?? {};
        const got = Object.fromEntries(Object.keys(sample.rows).map((column) => [column, Number(first[column])]));
        expect(got, `${sample.name}: ${sample.sql}`).toEqual(sample.rows);
      }
    });
  });

  it('covers every SQL builder exported by queries.ts', () => {
    const builders = Object.entries(queries)
      .filter(([name, value]) => typeof value === 'function' && /(Query|Statement)$/.test(name))
      .map(([name]) => name);
    expect(builders.length).toBeGreaterThan(10);
    for (const name of builders) expect(Object.keys(QUERY_SAMPLES), `no chDB sample for ${name}`).toContain(name);
    for (const [module, exports] of Object.entries({ ...ALERT_SQL_MODULES, ...STATS_SQL_MODULES })) {
      for (const [name, value] of Object.entries(exports)) {
        if (typeof value === 'function' && /Query$/.test(name)) expect(Object.keys(QUERY_SAMPLES), `no chDB sample for ${module}.${name}`).toContain(name);
      }
    }
  });
});
