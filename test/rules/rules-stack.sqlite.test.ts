// The rules worker scenarios on the all-in-one stack: the durable in-process bus and SQLite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Bus } from '../../core/bus/bus.ts';
import { Topics } from '../../core/bus/bus.ts';
import { SqliteBus } from '../../core/bus/sqlite-bus.ts';
import { SqliteStore } from '../../core/store/sqlite-store.ts';
import { startIngester } from '../../collector/ingester.ts';
import { DEFAULT_KEY_ATTRIBUTES } from '../../core/domain-config.ts';
import { rulesStackContract } from './rules-stack.contract.ts';

const PARTITIONS = 8;
let shared: Bus | null = null;

rulesStackContract('the in-process bus and SQLite', {
  timeoutMs: 60_000,
  async open() {
    const dir = mkdtempSync(join(tmpdir(), 'ot-rules-stack-'));
    const bus = await SqliteBus.open({ path: join(dir, 'bus.sqlite'), durability: 'normal', defaultPartitions: PARTITIONS });
    await bus.ensureTopics(Object.values(Topics).map((name) => ({ name, partitions: PARTITIONS })));
    const store = await SqliteStore.open({ dataDir: dir, durability: 'normal', keyAttributes: DEFAULT_KEY_ATTRIBUTES });
    const ingester = await startIngester({ bus, store, lingerMs: 20 });
    shared = bus;
    return {
      bus, store, partitions: PARTITIONS, groupId: 'ordertrace-rules',
      async close() {
        await ingester.stop();
        await bus.close();
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
  // One process holds the log file: a second worker is a second group member on the same bus.
  async extraBus() {
    const bus = shared!;
    return { ...bus, ensureTopics: bus.ensureTopics.bind(bus), publish: bus.publish.bind(bus), subscribe: bus.subscribe.bind(bus), lag: bus.lag.bind(bus), close: async () => undefined };
  },
});
