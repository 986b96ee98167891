// The StatsStore contract against a real ClickHouse (18.16 from deploy/dev/clickhouse.sh, or any server
// at ORDERTRACE_TEST_CLICKHOUSE_URL), in a fresh database per run. An unreachable server fails the
// suite with instructions; it never skips.
//
// Merges are stopped on the record tables for the whole run, so every redelivered copy the contract
// writes stays on disk: the suite passes on query-time de-duplication alone, and cleanup checks that
// the copies really were there.
import { expect, it } from 'vitest';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { Table } from '../../core/store/clickhouse/schema.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, rawSql, requireClickHouse } from '../clickhouse/server.ts';
import { statsStoreContract } from './stats-store.contract.ts';

const database = freshDatabase('stats');
const identities: Record<string, string> = { [Table.spans]: 'tuple(trace_id, span_id)', [Table.logs]: 'log_id', [Table.events]: 'event_id' };

it(`reaches ClickHouse at ${CLICKHOUSE_URL}`, requireClickHouse);

statsStoreContract('clickhouse', {
  async open() {
    await requireClickHouse();
    const store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: [] });
    for (const table of Object.keys(identities)) await rawSql(`SYSTEM STOP MERGES \`${database}\`.\`${table}\``);
    return store;
  },
  async cleanup() {
    try {
      for (const [table, identity] of Object.entries(identities)) {
        const [row] = await rawRows<{ rows: string; keys: string }>(`SELECT count() AS rows, uniqExact(${identity}) AS keys FROM \`${database}\`.\`${table}\``);
        expect(Number(row!.rows), `${table} holds redelivered copies`).toBeGreaterThan(Number(row!.keys));
      }
    } finally {
      await dropDatabase(database);
    }
  },
});
