// The bus contract against KafkaBus on a real broker: ORDERTRACE_TEST_KAFKA_BROKERS, default the dev
// broker of deploy/dev/kafka.sh (127.0.0.1:19092). An unreachable broker fails every test (beforeEach, see requireBroker).
// Topics and groups are unique per test (uniqueName), so nothing needs cleaning up between tests.
import { beforeEach } from 'vitest';
import { KafkaBus } from '../../core/bus/kafka-bus.ts';
import { brokers, requireBroker, testBusOptions } from '../kafka/broker.ts';
import { busContract } from './bus.contract.ts';

beforeEach(requireBroker, 30_000);

const open = () => KafkaBus.open(testBusOptions({ clientId: 'ordertrace-contract' }));

busContract(`KafkaBus (${brokers.join(',')})`, {
  create: open,
  reopen: open,
  async cleanup() {},
});
