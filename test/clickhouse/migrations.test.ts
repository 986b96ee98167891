// Migrations on the real server: versioned, idempotent, safe for concurrent starters, version-gated DDL.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { LATEST_VERSION, MIGRATIONS, Table } from '../../core/store/clickhouse/schema.ts';
import { capabilities } from '../../core/store/clickhouse/version.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, rawSql, requireClickHouse } from './server.ts';

const databases: string[] = [];
function database(purpose: string): string {
  const name = freshDatabase(purpose);
  databases.push(name);
  return name;
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
