// Shared by the Kafka tests: where the broker is, a fail-fast reachability check, and the dev scripts
// that stop/start the (shared) broker for the fault tests.
import { execFile } from 'node:child_process';
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { KafkaBus, type KafkaBusOptions } from '../../core/bus/kafka-bus.ts';

export const brokers = (process.env.ORDERTRACE_TEST_KAFKA_BROKERS ?? '127.0.0.1:19092')
  .split(',')
  .map((b) => b.trim())
  .filter((b) => b !== '');

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Options for buses under test: quiet kafkajs logs, handler failures collected instead of printed. */
export function testBusOptions(overrides: Partial<KafkaBusOptions> = {}): KafkaBusOptions {
  return { brokers, clientId: 'ordertrace-test', logLevel: 'nothing', onError: () => undefined, ...overrides };
}

function tcpReachable(hostPort: string, timeoutMs: number): Promise<boolean> {
  const index = hostPort.lastIndexOf(':');
  const host = hostPort.slice(0, index);
  const port = Number(hostPort.slice(index + 1));
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

let brokerCheck: Promise<void> | undefined;

/**
 * Throws when the broker does not answer: a TCP connect, then a real client round trip (open a bus,
 * which connects the admin client and the producer). Checked once per file, the outcome is remembered.
 * Use it in beforeEach, not beforeAll: a failing beforeAll makes vitest report the tests as skipped,
 * a failing beforeEach makes every test FAIL with this message, which is what an absent broker must do.
 */
export function requireBroker(): Promise<void> {
  brokerCheck ??= checkBroker();
  return brokerCheck;
}

async function checkBroker(): Promise<void> {
  const hint =
    'Start it with `bash deploy/dev/kafka.sh install && bash deploy/dev/kafka.sh start` ' +
    '(or point ORDERTRACE_TEST_KAFKA_BROKERS at another broker).';
  const reachable = await Promise.all(brokers.map((b) => tcpReachable(b, 3000)));
  if (!reachable.some(Boolean)) {
    throw new Error(`Kafka broker unreachable at ${brokers.join(',')}: nothing accepts TCP connections there. ${hint}`);
  }
  try {
    const bus = await KafkaBus.open(testBusOptions());
    await bus.close();
  } catch (error) {
    throw new Error(`Kafka broker at ${brokers.join(',')} accepts connections but does not answer Kafka requests: ${String(error)}. ${hint}`);
  }
}

const run = promisify(execFile);

/** Runs `deploy/dev/kafka.sh <command>` (stop, start, status) against the shared dev broker. */
export async function kafkaScript(command: 'start' | 'stop' | 'status'): Promise<{ ok: boolean; output: string }> {
  try {
    const { stdout, stderr } = await run('bash', ['deploy/dev/kafka.sh', command], { cwd: repoRoot, timeout: 120_000 });
    return { ok: true, output: stdout + stderr };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, output: `${e.stdout ?? ''}${e.stderr ?? ''}` };
  }
}
