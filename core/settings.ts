// The one table of runtime settings: each has a CLI flag, an ORDERTRACE_* environment variable,
// a default and a validator. The CLI, the README and deploy/ manifests are all checked against it.

export type SettingKind = 'port' | 'int' | 'number' | 'string' | 'bool' | 'enum';

export interface SettingDef {
  flag: string;
  env: string;
  kind: SettingKind;
  default: string | number | boolean | undefined;
  description: string;
  choices?: readonly string[];
  min?: number;
}

export const SETTINGS = {
  host: { flag: '--host', env: 'ORDERTRACE_HOST', kind: 'string', default: '127.0.0.1', description: 'address every listener binds to (0.0.0.0 to accept remote clients)' },
  httpPort: { flag: '--http-port', env: 'ORDERTRACE_HTTP_PORT', kind: 'port', default: 8080, description: 'query API (and UI) port' },
  otlpPort: { flag: '--otlp-port', env: 'ORDERTRACE_OTLP_PORT', kind: 'port', default: 4318, description: 'OTLP/HTTP and /v1/events port' },
  otlpGrpcPort: { flag: '--otlp-grpc-port', env: 'ORDERTRACE_OTLP_GRPC_PORT', kind: 'port', default: 4317, description: 'OTLP/gRPC port (0 disables gRPC)' },
  dataDir: { flag: '--data-dir', env: 'ORDERTRACE_DATA_DIR', kind: 'string', default: './data', description: 'directory for the embedded store and bus' },
  durability: { flag: '--durability', env: 'ORDERTRACE_DURABILITY', kind: 'enum', choices: ['full', 'normal'], default: 'full', description: "'full': fsync before acknowledging (survives power loss); 'normal': survives a process crash only" },
  retentionDays: { flag: '--retention-days', env: 'ORDERTRACE_RETENTION_DAYS', kind: 'number', min: 0.001, default: 7, description: 'delete data older than this many days' },
  maxBodyMiB: { flag: '--max-body-mib', env: 'ORDERTRACE_MAX_BODY_MIB', kind: 'number', min: 0.001, default: 16, description: 'largest accepted request body after decompression, MiB' },
  config: { flag: '--config', env: 'ORDERTRACE_CONFIG', kind: 'string', default: undefined, description: 'YAML file with stages, business keys and span-name mappings (defaults built in)' },
  demo: { flag: '--demo', env: 'ORDERTRACE_DEMO', kind: 'bool', default: true, description: 'run the demo order pipeline (embedded store only); --no-demo to disable' },
  demoRate: { flag: '--demo-rate', env: 'ORDERTRACE_DEMO_RATE', kind: 'number', min: 0.01, default: 2, description: 'demo orders per second' },
  logLevel: { flag: '--log-level', env: 'ORDERTRACE_LOG_LEVEL', kind: 'enum', choices: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], default: 'info', description: 'log level' },
  store: { flag: '--store', env: 'ORDERTRACE_STORE', kind: 'enum', choices: ['sqlite', 'clickhouse'], default: 'sqlite', description: "where spans, logs and events are kept: embedded 'sqlite' or 'clickhouse'" },
  bus: { flag: '--bus', env: 'ORDERTRACE_BUS', kind: 'enum', choices: ['inprocess', 'kafka'], default: 'inprocess', description: "how the collector hands records to the ingester: 'inprocess' (durable log in the data dir) or 'kafka'" },
  kafkaBrokers: { flag: '--kafka-brokers', env: 'ORDERTRACE_KAFKA_BROKERS', kind: 'string', default: '127.0.0.1:9092', description: 'comma-separated Kafka bootstrap brokers (host:port)' },
  kafkaPartitions: { flag: '--kafka-partitions', env: 'ORDERTRACE_KAFKA_PARTITIONS', kind: 'int', min: 1, default: 12, description: 'partitions per topic when ordertrace creates its Kafka topics' },
  clickhouseUrl: { flag: '--clickhouse-url', env: 'ORDERTRACE_CLICKHOUSE_URL', kind: 'string', default: 'http://127.0.0.1:8123', description: 'ClickHouse HTTP URL' },
  clickhouseUser: { flag: '--clickhouse-user', env: 'ORDERTRACE_CLICKHOUSE_USER', kind: 'string', default: 'default', description: 'ClickHouse user' },
  clickhousePassword: { flag: '--clickhouse-password', env: 'ORDERTRACE_CLICKHOUSE_PASSWORD', kind: 'string', default: undefined, description: 'ClickHouse password (prefer the environment variable)' },
  clickhouseDatabase: { flag: '--clickhouse-database', env: 'ORDERTRACE_CLICKHOUSE_DATABASE', kind: 'string', default: 'ordertrace', description: 'ClickHouse database (created if missing)' },
  metricsPort: { flag: '--metrics-port', env: 'ORDERTRACE_METRICS_PORT', kind: 'port', default: 9464, description: 'ingester /metrics, /healthz and /readyz port' },
  rules: { flag: '--rules', env: 'ORDERTRACE_RULES', kind: 'bool', default: true, description: 'run the rules engine in this all-in-one process; --no-rules to disable' },
  rulesDir: { flag: '--rules-dir', env: 'ORDERTRACE_RULES_DIR', kind: 'string', default: undefined, description: 'directory of your rule files (YAML): merged over the shipped defaults, hot-reloaded (docs/rules.md)' },
  endpoint: { flag: '--endpoint', env: 'ORDERTRACE_ENDPOINT', kind: 'string', default: 'http://127.0.0.1:4318', description: 'collector URL the demo sends to' },
  protocol: { flag: '--protocol', env: 'ORDERTRACE_PROTOCOL', kind: 'enum', choices: ['http/protobuf', 'http/json', 'grpc'], default: 'http/protobuf', description: 'OTLP protocol the demo uses' },
  orders: { flag: '--orders', env: 'ORDERTRACE_ORDERS', kind: 'int', min: 0, default: undefined, description: 'stop the demo after this many live orders (default: run until stopped)' },
} as const satisfies Record<string, SettingDef>;

export type SettingKey = keyof typeof SETTINGS;

type ValueOf<K extends SettingKey> = (typeof SETTINGS)[K]['kind'] extends 'port' | 'int' | 'number'
  ? number
  : (typeof SETTINGS)[K]['kind'] extends 'bool'
    ? boolean
    : (typeof SETTINGS)[K] extends { choices: readonly (infer C)[] }
      ? C
      : string;

export type Settings<K extends SettingKey> = { [P in K]: (typeof SETTINGS)[P]['default'] extends undefined ? ValueOf<P> | undefined : ValueOf<P> };

export class SettingsError extends Error {
  readonly problems: string[];
  constructor(problems: string[]) {
    super(`invalid settings:\n  ${problems.join('\n  ')}`);
    this.name = 'SettingsError';
    this.problems = problems;
  }
}

function describe(def: SettingDef): string {
  return `${def.flag} (${def.env})`;
}

/** Parses one raw value; returns the value or a message naming the setting. */
export function parseSetting(def: SettingDef, raw: string | number | boolean): { value: string | number | boolean } | { error: string } {
  const text = String(raw).trim();
  switch (def.kind) {
    case 'port': {
      const n = Number(text);
      if (!/^\d+$/.test(text) || n > 65535) return { error: `${describe(def)} must be a port number 0-65535, got "${text}"` };
      return { value: n };
    }
    case 'int':
    case 'number': {
      const n = Number(text);
      const shapeOk = def.kind === 'int' ? /^-?\d+$/.test(text) : text !== '' && Number.isFinite(n);
      if (!shapeOk) return { error: `${describe(def)} must be ${def.kind === 'int' ? 'an integer' : 'a number'}, got "${text}"` };
      if (def.min !== undefined && n < def.min) return { error: `${describe(def)} must be at least ${def.min}, got ${text}` };
      return { value: n };
    }
    case 'bool': {
      if (typeof raw === 'boolean') return { value: raw };
      if (/^(1|true|yes|on)$/i.test(text)) return { value: true };
      if (/^(0|false|no|off)$/i.test(text)) return { value: false };
      return { error: `${describe(def)} must be true or false, got "${text}"` };
    }
    case 'enum':
      if (!def.choices?.includes(text)) return { error: `${describe(def)} must be one of ${def.choices?.join(', ')}, got "${text}"` };
      return { value: text };
    case 'string':
      if (text === '') return { error: `${describe(def)} must not be empty` };
      return { value: text };
  }
}

/**
 * Resolves the given settings: CLI flag (as parsed by the CLI, keyed by setting key) over
 * environment variable over default. Collects every problem before failing, so one run shows them all.
 */
export function resolveSettings<K extends SettingKey>(
  keys: readonly K[],
  flags: Partial<Record<SettingKey, string | number | boolean>>,
  env: Record<string, string | undefined>,
): Settings<K> {
  const problems: string[] = [];
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const def: SettingDef = SETTINGS[key];
    const raw = flags[key] ?? env[def.env];
    if (raw === undefined) {
      out[key] = def.default;
      continue;
    }
    const parsed = parseSetting(def, raw);
    if ('error' in parsed) problems.push(parsed.error);
    else out[key] = parsed.value;
  }
  if (problems.length > 0) throw new SettingsError(problems);
  return out as Settings<K>;
}
