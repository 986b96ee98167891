// Migrations on the real server: versioned, idempotent, safe for concurrent starters, version-gated DDL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Span } from '../../core/model.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { Connection } from '../../core/store/clickhouse/connection.ts';
import { migrate } from '../../core/store/clickhouse/migrate.ts';
import { spanRow } from '../../core/store/clickhouse/rows.ts';
import { LATEST_VERSION, MIGRATIONS, qualified, Table } from '../../core/store/clickhouse/schema.ts';
import { capabilities } from '../../core/store/clickhouse/version.ts';
import { spanRecord } from '../helpers/records.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, rawSql, requireClickHouse } from './server.ts';

const databases: string[] = [];
function database(purpose: string): string {
  const name = freshDatabase(purpose);
  databases.push(name);
  return name;
}

/** Waits for an asynchronous change (an ALTER … DELETE mutation), failing after 5 s. */
async function waitUntil(done: () => Promise<boolean>): Promise<void> {
  for (let i = 0; !(await done()); i++) {
    if (i === 100) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const open = (db: string) => ClickHouseStore.open({ url: CLICKHOUSE_URL, database: db, keyAttributes: [] });

async function ledger(db: string): Promise<Array<{ version: number }>> {
  return rawRows<{ version: number }>(`SELECT version FROM \`${db}\`.${Table.migrations} ORDER BY version`);
}

async function tables(db: string): Promise<string[]> {
  const rows = await rawRows<{ name: string }>(`SELECT name FROM system.tables WHERE database = '${db}' ORDER BY name`);
  return rows.map((r) => r.name);
}

const EXPECTED_TABLES = Object.values(Table).sort();

/** Migrations up to (and including) version 2: the schema before the span parent columns. */
const BEFORE_V3 = MIGRATIONS.filter((m) => m.version <= 2);

/** A database as an ordertrace before schema version 3 left it, holding these spans as it wrote them. */
async function databaseAtV2(db: string, spans: readonly Span[]): Promise<void> {
  const conn = new Connection({ url: CLICKHOUSE_URL });
  try {
    const version = (await rawRows<{ v: string }>('SELECT version() AS v'))[0]!.v;
    await migrate(conn, { database: db, caps: capabilities(version) }, BEFORE_V3);
    const rows = spans.map((span) => {
      const { parent_span_id: _parent, kind: _kind, ...row } = spanRow(span);
      return row;
    });
    if (rows.length) await conn.insert(qualified(db, Table.spans), rows, 'write v2 spans');
  } finally {
    await conn.close();
  }
}

async function spanColumns(db: string): Promise<string[]> {
  const rows = await rawRows<{ name: string }>(`SELECT name FROM system.columns WHERE database = '${db}' AND table = 'spans' ORDER BY name`);
  return rows.map((r) => r.name);
}

describe('ClickHouse migrations', () => {
  beforeAll(requireClickHouse);
  afterAll(async () => {
    for (const db of databases) await dropDatabase(db);
  });

  it('creates the database and every table, and records each version once', async () => {
    const db = database('migrate');
    const store = await open(db);
    await store.close();
    expect(await tables(db)).toEqual(EXPECTED_TABLES);
    expect((await ledger(db)).map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('is a no-op when applied again (init twice, a second process, a restart)', async () => {
    const db = database('again');
    const first = await open(db);
    const before = await rawSql(`SELECT name, create_table_query FROM system.tables WHERE database = '${db}' ORDER BY name FORMAT TSV`);
    await first.init();
    await first.init();
    const second = await open(db);
    await second.init();
    await Promise.all([first.close(), second.close()]);
    const third = await open(db);
    await third.close();
    expect(await ledger(db)).toHaveLength(MIGRATIONS.length);
    expect(await rawSql(`SELECT name, create_table_query FROM system.tables WHERE database = '${db}' ORDER BY name FORMAT TSV`)).toBe(before);
  });

  it('lets concurrent starters all succeed on a fresh database', async () => {
    const db = database('concurrent');
    const stores = await Promise.all(Array.from({ length: 6 }, () => open(db)));
    await Promise.all(stores.map((s) => s.close()));
    expect(await tables(db)).toEqual(EXPECTED_TABLES);
    const versions = new Set((await ledger(db)).map((r) => Number(r.version)));
    expect([...versions].sort((a, b) => a - b)).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('adds the span parent columns to a version-2 database; its old rows read as \'\' and 0, their calls still map from the body', async () => {
    const db = database('upgrade');
    const at = Date.now() - 60_000;
    const caller = spanRecord({ service: 'web', kind: 2, startMs: at });
    const old = spanRecord({ service: 'api', kind: 2, traceId: caller.traceId, parentSpanId: caller.spanId, startMs: at + 1 });
    await databaseAtV2(db, [caller, old]);
    expect(await spanColumns(db)).not.toContain('parent_span_id');

    const store = await open(db);
    try {
      expect(await spanColumns(db)).toEqual(expect.arrayContaining(['parent_span_id', 'kind']));
      const fresh = spanRecord({ service: 'db', kind: 3, traceId: caller.traceId, parentSpanId: old.spanId, startMs: at + 2 });
      await store.write({ spans: [fresh] });
      const rows = await rawRows<{ span_id: string; parent_span_id: string; kind: number }>(`SELECT span_id, parent_span_id, kind FROM \`${db}\`.spans ORDER BY start_ns`);
      expect(rows.map((r) => [r.span_id, r.parent_span_id, Number(r.kind)])).toEqual([
        [caller.spanId, '', 0],
        [old.spanId, '', 0],
        [fresh.spanId, old.spanId, 3],
      ]);
      const graph = await store.stats.dependencies({ fromMs: at - 1_000, toMs: at + 1_000, bucketMs: 60_000, nowMs: at + 1_000, stages: [] });
      expect(graph.edges.map((e) => [e.source, e.target, e.calls])).toEqual([['api', 'db', 1], ['web', 'api', 1]]);
    } finally {
      await store.close();
    }
    expect((await ledger(db)).map((r) => Number(r.version))).toEqual(MIGRATIONS.map((m) => m.version));
  });

  it('adds a column only while it is missing: a version 3 that ran but was not recorded, and concurrent upgraders, succeed', async () => {
    const db = database('readd');
    await databaseAtV2(db, []);
    const upgraders = await Promise.all(Array.from({ length: 4 }, () => open(db)));
    await Promise.all(upgraders.map((s) => s.close()));
    const columns = await spanColumns(db);
    // As if a process stopped between the ALTER and recording the version: the next one runs version 3 again.
    await rawSql(`ALTER TABLE \`${db}\`.${Table.migrations} DELETE WHERE version = 3`);
    await waitUntil(async () => (await ledger(db)).every((r) => Number(r.version) < 3));
    await (await open(db)).close();
    expect(await spanColumns(db)).toEqual(columns);
    expect(new Set((await ledger(db)).map((r) => Number(r.version)))).toEqual(new Set(MIGRATIONS.map((m) => m.version)));
  });

  it('refuses a database migrated by a newer ordertrace', async () => {
    const db = database('newer');
    await (await open(db)).close();
    await rawSql(`INSERT INTO \`${db}\`.${Table.migrations} (version, description, applied_at_ms, server_version) VALUES (${LATEST_VERSION + 1}, 'future', 0, '')`);
    await expect(open(db)).rejects.toThrow(/newer than this ordertrace understands/);
  });

  it('uses only the portable DDL on an old server, and the modern features on a new one', async () => {
    const db = database('gating');
    const store = await open(db);
    const caps = store.serverCaps!;
    await store.close();
    const version = (await rawRows<{ version: string }>('SELECT version() AS version'))[0]!.version;
    expect(caps).toEqual(capabilities(version));
    const ddl = (await rawRows<{ q: string }>(`SELECT create_table_query AS q FROM system.tables WHERE database = '${db}' AND name = 'spans'`))[0]!.q;
    expect(ddl.includes('LowCardinality')).toBe(caps.lowCardinality);
    expect(ddl.includes('CODEC(')).toBe(caps.codecs);
    expect(ddl.includes('bloom_filter')).toBe(caps.skipIndexes);
    if (version.startsWith('18.')) {
      expect(caps).toMatchObject({ lowCardinality: false, codecs: false, skipIndexes: false, ttl: false });
    }
  });

  it('gates each modern feature by server version', () => {
    expect(capabilities('18.16.1')).toMatchObject({ lowCardinality: false, codecs: false, skipIndexes: false, ttl: false });
    expect(capabilities('19.9.2.4')).toMatchObject({ lowCardinality: true, codecs: false, skipIndexes: false, ttl: false });
    expect(capabilities('24.8.4.13')).toMatchObject({ lowCardinality: true, codecs: true, skipIndexes: true, ttl: true });
    expect(capabilities('26.9.2.1')).toMatchObject({ lowCardinality: true, codecs: true, skipIndexes: true, ttl: true });
    expect(() => capabilities('unknown')).toThrow();
  });
});
