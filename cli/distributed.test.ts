// The distributed-mode commands: their --help lists the Kafka/ClickHouse settings with their variables,
// and bad settings are refused at start-up, naming the setting.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { SETTINGS, type SettingKey } from '../core/settings.ts';

const root = new URL('..', import.meta.url).pathname;

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { status: number; stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(process.execPath, ['cli/main.ts', ...args], { cwd: root, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, ...env } });
    return { status: 0, stdout, stderr: '' };
  } catch (error) {
    const e = error as { status: number; stdout: string; stderr: string };
    return { status: e.status, stdout: e.stdout, stderr: e.stderr };
  }
}

const flat = (text: string) => text.replace(/\s+/g, ' ');

const expected: Record<string, SettingKey[]> = {
  collector: ['bus', 'kafkaBrokers', 'kafkaPartitions', 'otlpPort', 'otlpGrpcPort', 'host'],
  ingester: ['bus', 'kafkaBrokers', 'kafkaPartitions', 'store', 'clickhouseUrl', 'clickhouseUser', 'clickhousePassword', 'clickhouseDatabase', 'metricsPort'],
  rules: ['bus', 'kafkaBrokers', 'kafkaPartitions', 'store', 'clickhouseUrl', 'clickhouseDatabase', 'metricsPort', 'rulesDir'],
  'query-api': ['store', 'clickhouseUrl', 'clickhouseUser', 'clickhousePassword', 'clickhouseDatabase', 'httpPort', 'rulesDir'],
  start: ['bus', 'store', 'kafkaBrokers', 'clickhouseUrl', 'clickhouseDatabase', 'demo', 'rules', 'rulesDir'],
};

describe('distributed-mode commands', () => {
  it.each(Object.entries(expected))('%s --help lists its settings with their environment variables', (command, keys) => {
    const { status, stdout } = cli([command, '--help']);
    expect(status).toBe(0);
    const help = flat(stdout);
    expect(help).toContain(`Usage: ordertrace ${command}`);
    for (const key of keys) {
      const def = SETTINGS[key];
      expect(help, key).toMatch(new RegExp(`${def.flag}( <value>)? .*?\\(env ${def.env}`));
    }
  });

  it('the top-level help lists the four roles and all-in-one', () => {
    const help = cli(['--help']).stdout;
    for (const command of ['collector', 'ingester', 'rules', 'query-api', 'start']) expect(help).toMatch(new RegExp(`^ {2}${command} `, 'm'));
  });

  it('ingester --kafka-brokers "" fails naming the setting', () => {
    const { status, stderr } = cli(['ingester', '--bus', 'kafka', '--kafka-brokers', '']);
    expect(status).toBe(2);
    expect(stderr).toContain('--kafka-brokers (ORDERTRACE_KAFKA_BROKERS) must not be empty');
    expect(cli(['ingester', '--kafka-brokers', '']).stderr).toContain('--kafka-brokers (ORDERTRACE_KAFKA_BROKERS)');
  });

  it('refuses malformed brokers and ClickHouse URLs, from flags or variables', () => {
    expect(cli(['collector', '--bus', 'kafka', '--kafka-brokers', 'kafka-1']).stderr).toContain(
      '--kafka-brokers (ORDERTRACE_KAFKA_BROKERS) must be a comma-separated list of host:port, got "kafka-1"',
    );
    const url = cli(['query-api'], { ORDERTRACE_STORE: 'clickhouse', ORDERTRACE_CLICKHOUSE_URL: 'clickhouse:8123' });
    expect(url.status).toBe(2);
    expect(url.stderr).toContain('--clickhouse-url (ORDERTRACE_CLICKHOUSE_URL) must be an http:// or https:// URL');
    expect(cli(['ingester', '--bus', 'kafka', '--kafka-partitions', '0']).stderr).toContain('--kafka-partitions (ORDERTRACE_KAFKA_PARTITIONS) must be at least 1');
  });

  it('refuses Kafka/ClickHouse settings that the chosen embedded backends would ignore', () => {
    const { status, stderr } = cli(['ingester', '--kafka-brokers', 'k:9092', '--clickhouse-url', 'http://ch:8123']);
    expect(status).toBe(2);
    expect(stderr).toContain('--kafka-brokers given but --bus (ORDERTRACE_BUS) is inprocess; add --bus kafka');
    expect(stderr).toContain('--clickhouse-url given but --store (ORDERTRACE_STORE) is sqlite; add --store clickhouse');
  });

  it('exits 1 with the setting named when Kafka cannot be reached', () => {
    const { status, stderr } = cli(['collector', '--bus', 'kafka', '--kafka-brokers', '127.0.0.1:1', '--otlp-port', '0', '--otlp-grpc-port', '0', '--log-level', 'silent']);
    expect(status).toBe(1);
    expect(stderr).toContain('cannot reach Kafka at 127.0.0.1:1 (--kafka-brokers (ORDERTRACE_KAFKA_BROKERS))');
  });
});
