// A separate process for SqliteBus crash tests (sqlite-bus.test.ts kills it with SIGKILL).
//   publish <path> <topic> [first]    publishes forever (N = first, first+1, …), 32 publishes in flight;
//                                     prints "acked N" per resolved publish
//   consume <path> <topic> <group>    handles batches of 10; the first 3 succeed ("done P FIRST LAST"),
//                                     the 4th prints "hang P FIRST LAST" and never finishes
// Lines go to a pipe, which Node writes synchronously: a printed line was written before the kill.
import { SqliteBus } from '../sqlite-bus.ts';

const [mode, path, topic, extra] = process.argv.slice(2);
if (!path || !topic) throw new Error('usage: sqlite-bus-child.ts publish|consume <path> <topic> [group]');

const bus = await SqliteBus.open({ path, durability: 'full', retentionIntervalMs: 0 });

if (mode === 'publish') {
  let next = Number(extra ?? 0);
  const publisher = async (): Promise<never> => {
    for (;;) {
      const n = next++;
      await bus.publish(topic, [{ key: `key-${n % 50}`, value: Buffer.from(JSON.stringify({ n })) }]);
      process.stdout.write(`acked ${n}\n`);
    }
  };
  await Promise.all(Array.from({ length: 32 }, publisher));
} else if (mode === 'consume') {
  const groupId = extra;
  if (!groupId) throw new Error('consume needs a group');
  let batches = 0;
  await bus.subscribe({
    groupId,
    topics: [topic],
    maxBatchRecords: 10,
    handler: async (batch) => {
      batches += 1;
      const line = `${batch.partition} ${batch.records[0]!.offset} ${batch.records.at(-1)!.offset}`;
      if (batches <= 3) {
        process.stdout.write(`done ${line}\n`);
        return;
      }
      process.stdout.write(`hang ${line}\n`);
      await new Promise(() => undefined);
    },
  });
} else {
  throw new Error(`unknown mode ${mode}`);
}
