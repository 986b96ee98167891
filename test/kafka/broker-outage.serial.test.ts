// Broker outages: this file STOPS AND RESTARTS the shared dev broker (deploy/dev/kafka.sh), so it must
// not run alongside other Kafka tests — hence *.serial.test.ts, run in a separate sequential vitest pass.
// afterAll starts the broker again whatever happened.
import { readFileSync } from 'node:fs';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { KafkaBus } from '../../core/bus/kafka-bus.ts';
import type { KafkaBusOptions } from '../../core/bus/kafka-options.ts';
import { UnavailableError } from '../../core/errors.ts';
import { message, Recorder, sleep, uniqueName, waitFor } from '../contract/bus.contract.ts';
import { kafkaScript, requireBroker, testBusOptions } from './broker.ts';

const PUBLISH_TIMEOUT_MS = 4000;
const options: Partial<KafkaBusOptions> = { publishTimeoutMs: PUBLISH_TIMEOUT_MS, sessionTimeoutMs: 10_000, heartbeatIntervalMs: 1000 };

async function stopBroker(): Promise<void> {
  const result = await kafkaScript('stop');
  if (!result.ok) throw new Error(`kafka.sh stop failed:\n${result.output}`);
}
async function startBroker(): Promise<void> {
  const result = await kafkaScript('start');
  if (!result.ok) throw new Error(`kafka.sh start failed:\n${result.output}`);
}

/** The dev broker's pid (deploy/dev/kafka.sh writes it under the run dir). */
function brokerPid(): number {
  const runDir = process.env.ORDERTRACE_DEV_RUN_DIR ?? new URL('../../.deploy-run', import.meta.url).pathname;
  return Number(readFileSync(`${runDir}/kafka/kafka.pid`, 'utf8').trim());
}

let frozen: number | undefined;
function thaw(): void {
  if (frozen !== undefined) process.kill(frozen, 'SIGCONT');
  frozen = undefined;
}

beforeEach(requireBroker, 30_000);
afterAll(async () => {
  thaw();
  await startBroker();
}, 120_000);

const timed = async <T>(fn: () => Promise<T>): Promise<{ ms: number; value?: T; error?: unknown }> => {
  const started = Date.now();
  try {
    const value = await fn();
    return { ms: Date.now() - started, value };
  } catch (error) {
    return { ms: Date.now() - started, error };
  }
};

describe('KafkaBus across a broker outage', () => {
  it('rejects publishes with UnavailableError within the timeout while the broker is down, and recovers after it restarts', { timeout: 180_000 }, async () => {
    const bus = await KafkaBus.open(testBusOptions(options));
    try {
      const topic = uniqueName('outage');
      await bus.ensureTopics([{ name: topic, partitions: 3 }]);
      const recorder = new Recorder();
      const subscription = await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
      const acknowledged: string[] = [];
      const before = Array.from({ length: 30 }, (_, i) => message(`before${i}`, `k${i % 5}`, i));
      await bus.publish(topic, before);
      acknowledged.push(...before.map((r) => JSON.parse(r.value.toString()).id as string));
      await waitFor(() => recorder.countOf(acknowledged) === acknowledged.length, { timeoutMs: 30_000 });

      await stopBroker();

      // One publish, then a burst of concurrent ones: each fails as UnavailableError (503), in time.
      const single = await timed(() => bus.publish(topic, [message('down-0', 'k0', 0)]));
      expect(single.error).toBeInstanceOf(UnavailableError);
      expect(single.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + 1000);
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => timed(() => bus.publish(topic, [message(`down-${i + 1}`, `k${i}`, 0)]))));
      for (const result of burst) {
        expect(result.error).toBeInstanceOf(UnavailableError);
        expect(result.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + 1000);
      }
      console.log(`publish while down: single rejected after ${single.ms} ms, burst of 20 after ≤ ${Math.max(...burst.map((r) => r.ms))} ms`);
      const lag = await timed(() => bus.lag('any', topic));
      expect(lag.error).toBeInstanceOf(UnavailableError);
      const reopen = await timed(() => KafkaBus.open(testBusOptions(options)));
      expect(reopen.error).toBeInstanceOf(UnavailableError);
      console.log(`while down: lag() rejected after ${lag.ms} ms, open() after ${reopen.ms} ms`);

      await startBroker();

      // The same bus (same producer) publishes again once the broker is back.
      const restarted = Date.now();
      let recovered = false;
      for (let attempt = 0; !recovered && Date.now() - restarted < 60_000; attempt += 1) {
        const probe = message(`probe${attempt}`, `k${attempt % 5}`, attempt);
        const result = await timed(() => bus.publish(topic, [probe]));
        if (result.error === undefined) {
          acknowledged.push(`probe${attempt}`);
          recovered = true;
        } else {
          expect(result.error).toBeInstanceOf(UnavailableError);
          await sleep(200);
        }
      }
      expect(recovered).toBe(true);
      console.log(`publish recovered ${Date.now() - restarted} ms after the broker was ready again`);
      const after = Array.from({ length: 30 }, (_, i) => message(`after${i}`, `k${i % 5}`, i));
      await bus.publish(topic, after);
      acknowledged.push(...after.map((r) => JSON.parse(r.value.toString()).id as string));

      // The subscription made before the outage resumes and gets everything acknowledged.
      await waitFor(() => recorder.countOf(acknowledged) === acknowledged.length, { timeoutMs: 90_000, describe: () => recorder.summary() });
      expect(await bus.lag('nobody', topic)).toBeGreaterThanOrEqual(acknowledged.length);
      console.log(`consumer across the outage: all delivered ${Date.now() - restarted} ms after the broker was ready; ${JSON.stringify(subscription.stats)}`);
    } finally {
      await startBroker();
      await bus.close();
    }
  });

  it('rejects with UnavailableError at the publish timeout when the broker hangs (SIGSTOP), and recovers on SIGCONT', { timeout: 120_000 }, async () => {
    const bus = await KafkaBus.open(testBusOptions(options));
    try {
      const topic = uniqueName('hang');
      await bus.ensureTopics([{ name: topic, partitions: 2 }]);
      await bus.publish(topic, [message('before', 'k', 0)]);
      frozen = brokerPid();
      process.kill(frozen, 'SIGSTOP'); // connections stay open, nothing answers
      const hung = await timed(() => bus.publish(topic, [message('hung', 'k', 1)]));
      expect(hung.error).toBeInstanceOf(UnavailableError);
      expect(hung.ms).toBeGreaterThanOrEqual(PUBLISH_TIMEOUT_MS - 50);
      expect(hung.ms).toBeLessThan(PUBLISH_TIMEOUT_MS + 1000);
      console.log(`hung broker: publish rejected after ${hung.ms} ms`);
      thaw();
      await waitFor(async () => (await timed(() => bus.publish(topic, [message('after', 'k', 2)]))).error === undefined, {
        timeoutMs: 60_000,
        intervalMs: 200,
      });
    } finally {
      thaw();
      await bus.close();
    }
  });

  it('loses no acknowledged publish when the broker stops and restarts under load, and never hangs a publish', { timeout: 180_000 }, async () => {
    const bus = await KafkaBus.open(testBusOptions(options));
    try {
      const topic = uniqueName('load');
      await bus.ensureTopics([{ name: topic, partitions: 4 }]);
      const acknowledged = new Set<string>();
      let rejected = 0;
      let slowest = 0;
      let running = true;
      let next = 0;
      const worker = async (w: number) => {
        while (running) {
          const batch = Array.from({ length: 10 }, () => {
            next += 1;
            return message(`m${next}`, `order-${next % 37}`, next);
          });
          const result = await timed(() => bus.publish(topic, batch));
          slowest = Math.max(slowest, result.ms);
          if (result.error === undefined) for (const r of batch) acknowledged.add(JSON.parse(r.value.toString()).id as string);
          else {
            expect(result.error, `worker ${w}`).toBeInstanceOf(UnavailableError);
            rejected += 1;
            await sleep(100);
          }
        }
      };
      const workers = Array.from({ length: 8 }, (_, w) => worker(w));
      await sleep(1500);
      await stopBroker();
      await sleep(3000);
      await startBroker();
      await sleep(4000);
      running = false;
      await Promise.all(workers);
      console.log(`under load: ${acknowledged.size} records acknowledged, ${rejected} publishes rejected, slowest publish ${slowest} ms`);
      expect(rejected).toBeGreaterThan(0);
      expect(slowest).toBeLessThan(PUBLISH_TIMEOUT_MS + 1000);

      const recorder = new Recorder();
      await bus.subscribe({ groupId: uniqueName('g'), topics: [topic], handler: recorder.handler });
      await waitFor(() => recorder.countOf(acknowledged) === acknowledged.size, {
        timeoutMs: 60_000,
        describe: () => `${recorder.countOf(acknowledged)} of ${acknowledged.size} acknowledged records delivered`,
      });
    } finally {
      await startBroker();
      await bus.close();
    }
  });
});
