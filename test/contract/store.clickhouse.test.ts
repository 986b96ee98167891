// The Store contract against a real ClickHouse (18.16 from deploy/dev/clickhouse.sh, or any server
// at ORDERTRACE_TEST_CLICKHOUSE_URL), in a fresh database per run. An unreachable server fails the
// suite with instructions; it never skips.
import { it } from 'vitest';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, requireClickHouse } from '../clickhouse/server.ts';
import { storeContract } from './store.contract.ts';

const database = freshDatabase('contract');

// A failed test of its own (besides the suite's failing beforeAll) when the server is not there.
it(`reaches ClickHouse at ${CLICKHOUSE_URL}`, requireClickHouse);

storeContract('clickhouse', {
  async create(keyAttributes) {
    await requireClickHouse();
    return ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes });
  },
  async cleanup() {
    await dropDatabase(database);
  },
});
