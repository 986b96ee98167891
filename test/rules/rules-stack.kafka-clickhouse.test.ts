// The rules worker scenarios on the production stack: real Kafka and real ClickHouse (fresh database,
// a consumer group positioned at the topics' end so it sees only what this suite publishes). An
// unreachable service fails the suite; it never skips.
import { randomUUID } from 'node:crypto';
import { Topics } from '../../core/bus/bus.ts';
import { KafkaBus } from '../../core/bus/kafka-bus.ts';
import { ClickHouseStore } from '../../core/store/clickhouse-store.ts';
import { startIngester } from '../../collector/ingester.ts';
import { DEFAULT_KEY_ATTRIBUTES } from '../../core/domain-config.ts';
import { CLICKHOUSE_URL, dropDatabase, freshDatabase, requireClickHouse } from '../clickhouse/server.ts';
import { startGroupAtEnd } from '../helpers/distributed.ts';
import { requireBroker, testBusOptions } from '../kafka/broker.ts';
import { rulesStackContract } from './rules-stack.contract.ts';

const PARTITIONS = 3;

rulesStackContract('Kafka and ClickHouse', {
  timeoutMs: 180_000,
  async open() {
    await requireBroker();
    await requireClickHouse();
    const database = freshDatabase('rules');
    const bus = await KafkaBus.open(testBusOptions({ clientId: 'ordertrace-rules-test' }));
    await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: PARTITIONS })));
    const store = await ClickHouseStore.open({ url: CLICKHOUSE_URL, database, keyAttributes: DEFAULT_KEY_ATTRIBUTES });
    const suffix = randomUUID().slice(0, 8);
    const groupId = `ordertrace-rules-test-${suffix}`;
    const ingestGroup = `ordertrace-ingester-rules-test-${suffix}`;
    await startGroupAtEnd(groupId);
    await startGroupAtEnd(ingestGroup);
    const ingester = await startIngester({ bus, store, groupId: ingestGroup, lingerMs: 50 });
    return {
      bus, store, groupId,
      partitions: PARTITIONS,
      async close() {
        await ingester.stop();
        await bus.close();
        await store.close();
        await dropDatabase(database);
      },
    };
  },
  extraBus: () => KafkaBus.open(testBusOptions({ clientId: 'ordertrace-rules-test-2' })),
});
