// The AlertStore contract against a real ClickHouse (18.16 from deploy/dev/clickhouse.sh, or any server
// at ORDERTRACE_TEST_CLICKHOUSE_URL), in a fresh database per run. An unreachable server fails the
// suite with instructions; it never skips.
//
// Merges are stopped on the alert tables for the whole run, so every superseded or repeated row the
// contract writes stays on disk: the suite passes on query-time de-duplication alone, and cleanup
// checks that the copies really were there.
import { expect, it } from 'vitest';
import { AlertTable } from '../../core/store/clickhouse/alerts-schema.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, rawRows, rawSql, requireClickHouse } from '../clickhouse/server.ts';
import { alertStoreContract } from './alert-store.contract.ts';

const database = freshDatabase('alerts');
const tables = Object.values(AlertTable);
let mergesStopped = false;

it(`reaches ClickHouse at ${CLICKHOUSE_URL}`, requireClickHouse);

alertStoreContract('clickhouse', {
  async open() {
    await requireClickHouse();
    const store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: [] });
    if (!mergesStopped) {
      for (const table of tables) await rawSql(`SYSTEM STOP MERGES \`${database}\`.\`${table}\``);
      mergesStopped = true;
    }
    return store;
  },
  async cleanup() {
    try {
      const keys: Record<string, string> = {
        alerts: 'id',
        silences: 'id',
        order_states: 'order_id',
        status_projections: 'order_id',
        rule_counts: 'tuple(rule_id, bucket_ms, worker_id)',
        dead_letters: 'id',
      };
      for (const table of tables) {
        const [row] = await rawRows<{ rows: string; keys: string }>(
          `SELECT count() AS rows, uniqExact(${keys[table]}) AS keys FROM \`${database}\`.\`${table}\``,
        );
        expect(Number(row!.rows), `${table} holds superseded copies`).toBeGreaterThan(Number(row!.keys));
      }
    } finally {
      await dropDatabase(database);
    }
  },
});
