// Docker and Kubernetes cannot run here, so this suite parses deploy/ (Dockerfile, compose.yaml, the
// nginx gateway config, k8s/*.yaml) and checks its wiring against the code: environment variable
// names and values against core/settings.ts, commands against the CLI, ports and probes against the
// settings the environment sets, Kafka and ClickHouse versions and replication settings.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { parseSetting, SETTINGS, type SettingDef, type SettingKey } from '../../core/settings.ts';
import { MALLOC_TUNING } from '../../cli/malloc-tuning.ts';
import { COLLECTOR_SETTINGS, INGESTER_SETTINGS, QUERY_API_SETTINGS, RULES_SETTINGS } from '../../cli/distributed.ts';

const root = join(import.meta.dirname, '..', '..');
const read = (rel: string) => readFileSync(join(root, rel), 'utf8');

// ---------------------------------------------------------------- the code's side of the contract

const settingByEnv = new Map<string, SettingDef>(Object.values(SETTINGS).map((def: SettingDef) => [def.env, def]));
const keyByEnv = new Map<string, SettingKey>((Object.keys(SETTINGS) as SettingKey[]).map((key) => [SETTINGS[key].env, key]));

/** Subcommand names registered with commander anywhere in cli/ (`.command('name')`). */
function cliSubcommands(): Set<string> {
  const names = new Set<string>();
  for (const file of readdirSync(join(root, 'cli'))) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    for (const m of read(`cli/${file}`).matchAll(/\.command\(\s*['"`]([a-z][\w-]*)/g)) names.add(m[1]!);
  }
  return names;
}

/** The port setting each role serves its probes on, and every port setting it listens on. */
const ROLES = {
  collector: { probe: 'otlpPort', ports: ['otlpPort', 'otlpGrpcPort'] },
  ingester: { probe: 'metricsPort', ports: ['metricsPort'] },
  rules: { probe: 'metricsPort', ports: ['metricsPort'] },
  'query-api': { probe: 'httpPort', ports: ['httpPort'] },
} as const satisfies Record<string, { probe: SettingKey; ports: readonly SettingKey[] }>;
type Role = keyof typeof ROLES;
const isRole = (name: unknown): name is Role => typeof name === 'string' && Object.hasOwn(ROLES, name);

/** The settings each role's subcommand reads, as the CLI declares them. */
const ROLE_SETTINGS: Record<Role, readonly SettingKey[]> = {
  collector: COLLECTOR_SETTINGS,
  ingester: INGESTER_SETTINGS,
  rules: RULES_SETTINGS,
  'query-api': QUERY_API_SETTINGS,
};
const reads = (role: Role, key: SettingKey) => ROLE_SETTINGS[role].includes(key);

type Env = Record<string, string>;

/** The numeric port a role listens on for `key`, as its environment sets it or the default. */
function portFor(env: Env, key: SettingKey): number {
  const def: SettingDef = SETTINGS[key];
  const raw = env[def.env];
  if (raw === undefined) return def.default as number;
  const parsed = parseSetting(def, raw);
  if ('error' in parsed) throw new Error(parsed.error);
  return parsed.value as number;
}

function expectValidOrdertraceEnv(env: Env, where: string): void {
  for (const [name, value] of Object.entries(env)) {
    if (!name.startsWith('ORDERTRACE_')) continue;
    const def = settingByEnv.get(name);
    expect(def, `${where}: ${name} is not a setting in core/settings.ts`).toBeDefined();
    const parsed = parseSetting(def!, value);
    expect('error' in parsed ? parsed.error : null, `${where}: ${name}=${value}`).toBeNull();
  }
}

/** A role is given only settings its subcommand reads (an unread variable is a silent misconfiguration). */
function expectOnlyRoleSettings(env: Env, role: Role, where: string): void {
  for (const name of Object.keys(env)) {
    if (!name.startsWith('ORDERTRACE_')) continue;
    const key = keyByEnv.get(name);
    if (key) expect(reads(role, key), `${where}: \`ordertrace ${role}\` does not read ${name}`).toBe(true);
  }
}

function kafkaVersionFromPom(): string {
  const m = /<kafka\.version>([^<]+)<\/kafka\.version>/.exec(read('deploy/dev/kafka-pom.xml'));
  if (!m) throw new Error('no <kafka.version> in deploy/dev/kafka-pom.xml');
  return m[1]!.trim();
}
const minorOf = (version: string) => version.split('.').slice(0, 2).join('.');
const imageTag = (image: string) => image.slice(image.lastIndexOf(':') + 1);
const imageName = (image: string) => image.slice(0, image.lastIndexOf(':'));

const packageJson = JSON.parse(read('package.json')) as { version: string; bin: Record<string, string> };

// ---------------------------------------------------------------- compose

type ComposeService = {
  image?: string;
  build?: { context?: string; dockerfile?: string };
  command?: string[] | string;
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: (string | { target: number; published?: string | number })[];
  expose?: (string | number)[];
  depends_on?: Record<string, { condition?: string }> | string[];
  healthcheck?: { test?: string[] | string };
  volumes?: (string | { target: string })[];
  deploy?: { replicas?: number };
};
type Compose = { services: Record<string, ComposeService>; volumes?: Record<string, unknown> };

/** Compose interpolation: `${VAR:-default}` / `${VAR-default}` take the default; a bare `${VAR}` is an error. */
function interpolate(value: string, where: string): string {
  return value.replace(/\$\{([A-Za-z_]\w*)(?::?-([^}]*))?\}/g, (_all, name: string, dflt: string | undefined) => {
    if (dflt === undefined) throw new Error(`${where}: \${${name}} has no default; give it one (\${${name}:-…})`);
    return dflt;
  });
}

function composeEnv(service: ComposeService, where: string): Env {
  const out: Env = {};
  const env = service.environment ?? {};
  const entries: [string, unknown][] = Array.isArray(env)
    ? env.map((line) => {
        const i = line.indexOf('=');
        return i < 0 ? [line, undefined] : [line.slice(0, i), line.slice(i + 1)];
      })
    : Object.entries(env);
  for (const [name, value] of entries) {
    if (value === undefined || value === null) throw new Error(`${where}: ${name} has no value`);
    out[name] = interpolate(String(value), `${where} ${name}`);
  }
  return out;
}

const compose = parse(read('deploy/compose.yaml'), { merge: true }) as Compose;
const services = Object.entries(compose.services);
const commandOf = (svc: ComposeService): string[] => (typeof svc.command === 'string' ? svc.command.split(/\s+/) : (svc.command ?? []));
const ordertraceServices = services.filter(([, svc]) => isRole(commandOf(svc)[0]));
const kafkaServices = services.filter(([, svc]) => svc.image?.startsWith('apache/kafka:'));
const clickhouseServices = services.filter(([, svc]) => svc.image?.startsWith('clickhouse/clickhouse-server:'));

function containerPorts(svc: ComposeService): number[] {
  const out: number[] = [];
  for (const p of svc.ports ?? []) {
    if (typeof p === 'object') out.push(Number(p.target));
    else out.push(Number(p.split('/')[0]!.split(':').at(-1)));
  }
  for (const p of svc.expose ?? []) out.push(Number(String(p).split('/')[0]));
  return out;
}

function healthcheckUrls(svc: ComposeService): URL[] {
  const test = svc.healthcheck?.test;
  const text = Array.isArray(test) ? test.join(' ') : (test ?? '');
  return [...text.matchAll(/https?:\/\/[^\s'"`)]+/g)].map((m) => new URL(m[0]));
}

describe('role table', () => {
  it('matches the CLI: each role reads the port settings this suite checks', () => {
    for (const role of Object.keys(ROLES) as Role[]) {
      expect(cliSubcommands(), role).toContain(role);
      for (const key of [ROLES[role].probe, ...ROLES[role].ports]) expect(ROLE_SETTINGS[role], `${role} reads ${key}`).toContain(key);
      // ...and listens on no other port setting.
      const portKeys = ROLE_SETTINGS[role].filter((k) => SETTINGS[k].kind === 'port');
      expect([...portKeys].sort(), role).toEqual([...ROLES[role].ports].sort());
    }
  });
});

describe('compose.yaml', () => {
  it('runs collector (2 replicas), ingester and query-api from the Dockerfile, with existing CLI subcommands', () => {
    const commands = cliSubcommands();
    const roles = ordertraceServices.map(([, svc]) => commandOf(svc)[0]);
    expect(new Set(roles)).toEqual(new Set(Object.keys(ROLES)));
    for (const [name, svc] of ordertraceServices) {
      const cmd = commandOf(svc)[0]!;
      expect(commands, `compose ${name}: "${cmd}" is not a subcommand registered in cli/`).toContain(cmd);
      expect(svc.build?.dockerfile, `compose ${name}`).toBe('deploy/Dockerfile');
      expect(svc.build?.context, `compose ${name}: build context is the repository root`).toBe('..');
    }
    const collectors = ordertraceServices.filter(([, svc]) => commandOf(svc)[0] === 'collector');
    const replicas = collectors.reduce((n, [, svc]) => n + (svc.deploy?.replicas ?? 1), 0);
    expect(replicas).toBeGreaterThanOrEqual(2);
  });

  it('uses only ORDERTRACE_* variables that exist in core/settings.ts, each with a valid value', () => {
    for (const [name, svc] of ordertraceServices) {
      const role = commandOf(svc)[0] as Role;
      const env = composeEnv(svc, `compose ${name}`);
      expectValidOrdertraceEnv(env, `compose ${name}`);
      expectOnlyRoleSettings(env, role, `compose ${name}`);
      if (reads(role, 'bus')) expect(env.ORDERTRACE_BUS, name).toBe('kafka');
      if (reads(role, 'store')) expect(env.ORDERTRACE_STORE, name).toBe('clickhouse');
      expect(env.ORDERTRACE_HOST, `${name}: listeners must bind 0.0.0.0 in a container`).toBe('0.0.0.0');
    }
  });

  it('exposes and health-checks each role on the ports its environment sets', () => {
    for (const [name, svc] of ordertraceServices) {
      const role = commandOf(svc)[0] as Role;
      const env = composeEnv(svc, `compose ${name}`);
      const ports = containerPorts(svc);
      for (const key of ROLES[role].ports) expect(ports, `compose ${name}: ${SETTINGS[key].env}`).toContain(portFor(env, key));
      const urls = healthcheckUrls(svc);
      expect(urls.length, `compose ${name}: healthcheck probes an HTTP URL`).toBeGreaterThan(0);
      for (const url of urls) {
        expect(Number(url.port), `compose ${name} healthcheck port`).toBe(portFor(env, ROLES[role].probe));
        expect(['/healthz', '/readyz']).toContain(url.pathname);
      }
    }
  });

  it('points the OTLP gateway at the collectors’ ports and publishes the same ports', () => {
    const collector = ordertraceServices.find(([, svc]) => commandOf(svc)[0] === 'collector')!;
    const env = composeEnv(collector[1], 'compose collector');
    const conf = read('deploy/otlp-gateway.nginx.conf');
    const upstreams = [...conf.matchAll(/server\s+([\w.-]+):(\d+)/g)].map((m) => ({ host: m[1]!, port: Number(m[2]) }));
    const otlp = portFor(env, 'otlpPort');
    const grpc = portFor(env, 'otlpGrpcPort');
    expect(upstreams).toEqual(expect.arrayContaining([{ host: collector[0], port: otlp }, { host: collector[0], port: grpc }]));
    expect(upstreams.every((u) => u.host === collector[0])).toBe(true);
    const listens = [...conf.matchAll(/listen\s+(\d+)/g)].map((m) => Number(m[1]));
    expect(listens.sort()).toEqual([otlp, grpc].sort());
    const gateway = services.find(([, svc]) => (svc.volumes ?? []).some((v) => String(v).includes('otlp-gateway.nginx.conf')));
    expect(gateway, 'a compose service mounts otlp-gateway.nginx.conf').toBeDefined();
    expect(containerPorts(gateway![1]).sort()).toEqual([otlp, grpc].sort());
    // The gateway must not refuse a body the collector accepts.
    const maxMiB = Number(env.ORDERTRACE_MAX_BODY_MIB ?? SETTINGS.maxBodyMiB.default);
    for (const m of conf.matchAll(/client_max_body_size\s+(\d+)m;/g)) expect(Number(m[1])).toBeGreaterThanOrEqual(maxMiB);
  });

  it('starts each ordertrace service after the healthy Kafka brokers / ClickHouse it uses', () => {
    for (const [name, svc] of ordertraceServices) {
      const role = commandOf(svc)[0] as Role;
      const needed = [...(reads(role, 'bus') ? kafkaServices : []), ...(reads(role, 'store') ? clickhouseServices : [])].map(([n]) => n);
      expect(needed.length, `compose ${name} uses Kafka or ClickHouse`).toBeGreaterThan(0);
      const deps = svc.depends_on;
      expect(deps && !Array.isArray(deps), `compose ${name}: depends_on with conditions`).toBe(true);
      for (const dep of needed) expect((deps as Record<string, { condition?: string }>)[dep]?.condition, `compose ${name} → ${dep}`).toBe('service_healthy');
    }
    for (const [name, svc] of [...kafkaServices, ...clickhouseServices]) expect(svc.healthcheck?.test, `compose ${name} healthcheck`).toBeDefined();
  });

  it('points ORDERTRACE_KAFKA_BROKERS at every compose Kafka broker’s advertised listener', () => {
    const advertised = new Set<string>();
    for (const [name, svc] of kafkaServices) {
      const env = composeEnv(svc, `compose ${name}`);
      const listeners = (env.KAFKA_ADVERTISED_LISTENERS ?? '').split(',').map((l) => l.replace(/^\w+:\/\//, ''));
      expect(listeners.length).toBeGreaterThan(0);
      const [host, port] = listeners[0]!.split(':');
      expect(host, `compose ${name}: advertised host is the service name`).toBe(name);
      expect(env.KAFKA_LISTENERS, `compose ${name}: listens on the advertised port`).toContain(`:${port}`);
      advertised.add(listeners[0]!);
    }
    for (const [name, svc] of ordertraceServices.filter(([, svc]) => reads(commandOf(svc)[0] as Role, 'kafkaBrokers'))) {
      const env = composeEnv(svc, `compose ${name}`);
      const brokers = (env.ORDERTRACE_KAFKA_BROKERS ?? String(SETTINGS.kafkaBrokers.default)).split(',').map((b) => b.trim());
      expect(new Set(brokers), `compose ${name}`).toEqual(advertised);
    }
  });

  it('runs Apache Kafka 3.9.x (as deploy/dev/kafka-pom.xml) as three KRaft nodes with RF 3 and min.insync.replicas 2', () => {
    const pomVersion = kafkaVersionFromPom();
    expect(kafkaServices).toHaveLength(3);
    const clusterIds = new Set<string>();
    const nodeIds = new Set<string>();
    for (const [name, svc] of kafkaServices) {
      const tag = imageTag(svc.image!);
      expect(tag, `compose ${name}`).toMatch(/^3\.9\.\d+$/);
      expect(minorOf(tag), `compose ${name}: same minor as kafka-pom.xml ${pomVersion}`).toBe(minorOf(pomVersion));
      const env = composeEnv(svc, `compose ${name}`);
      expect(env.KAFKA_PROCESS_ROLES?.split(',').sort(), name).toEqual(['broker', 'controller']);
      expect(env.KAFKA_DEFAULT_REPLICATION_FACTOR, name).toBe('3');
      expect(env.KAFKA_MIN_INSYNC_REPLICAS, name).toBe('2');
      expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR, name).toBe('3');
      expect(env.KAFKA_TRANSACTION_STATE_LOG_REPLICATION_FACTOR, name).toBe('3');
      expect(env.KAFKA_TRANSACTION_STATE_LOG_MIN_ISR, name).toBe('2');
      expect(env.KAFKA_AUTO_CREATE_TOPICS_ENABLE, name).toBe('false');
      expect(env.KAFKA_LOG_DIRS, name).toBeDefined();
      const volumes = (svc.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target));
      expect(volumes, `compose ${name}: log dir on a volume`).toContain(env.KAFKA_LOG_DIRS);
      clusterIds.add(env.CLUSTER_ID ?? '');
      nodeIds.add(env.KAFKA_NODE_ID ?? '');
      // The quorum lists every node as id@service:controller-port.
      const voters = (env.KAFKA_CONTROLLER_QUORUM_VOTERS ?? '').split(',');
      expect(voters.map((v) => v.split('@')[1]!.split(':')[0]).sort()).toEqual(kafkaServices.map(([n]) => n).sort());
      expect(voters.some((v) => v === `${env.KAFKA_NODE_ID}@${name}:${/CONTROLLER:\/\/[^:]*:(\d+)/.exec(env.KAFKA_LISTENERS ?? '')?.[1]}`), name).toBe(true);
    }
    expect(clusterIds.size, 'one CLUSTER_ID').toBe(1);
    // KRaft cluster ids are 16-byte UUIDs in 22-character URL-safe base64 (kafka-storage.sh random-uuid).
    expect([...clusterIds][0]).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(Buffer.from([...clusterIds][0]!, 'base64url')).toHaveLength(16);
    expect(nodeIds.size, 'distinct node ids').toBe(3);
  });

  it('runs a current ClickHouse (≥ 24) with a data volume, and ordertrace uses its URL and credentials', () => {
    expect(clickhouseServices).toHaveLength(1);
    const [chName, ch] = clickhouseServices[0]!;
    const major = Number(imageTag(ch.image!).split('.')[0]);
    expect(major).toBeGreaterThanOrEqual(24);
    expect((ch.volumes ?? []).map((v) => (typeof v === 'string' ? v.split(':')[1] : v.target))).toContain('/var/lib/clickhouse');
    const chEnv = composeEnv(ch, `compose ${chName}`);
    for (const [name, svc] of ordertraceServices.filter(([, svc]) => reads(commandOf(svc)[0] as Role, 'clickhouseUrl'))) {
      const env = composeEnv(svc, `compose ${name}`);
      const url = new URL(env.ORDERTRACE_CLICKHOUSE_URL ?? String(SETTINGS.clickhouseUrl.default));
      expect(url.hostname, name).toBe(chName);
      expect(url.port, name).toBe('8123');
      expect(env.ORDERTRACE_CLICKHOUSE_USER ?? SETTINGS.clickhouseUser.default, name).toBe(chEnv.CLICKHOUSE_USER ?? 'default');
      expect(env.ORDERTRACE_CLICKHOUSE_PASSWORD, name).toBe(chEnv.CLICKHOUSE_PASSWORD);
    }
  });
});

// ---------------------------------------------------------------- Kubernetes

type K8sDoc = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  [key: string]: unknown;
};
type Container = {
  name: string;
  image: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string }; configMapKeyRef?: { name: string; key: string } } }[];
  envFrom?: { configMapRef?: { name: string }; secretRef?: { name: string } }[];
  ports?: { name?: string; containerPort: number }[];
  livenessProbe?: { httpGet?: { path: string; port: string | number } };
  readinessProbe?: { httpGet?: { path: string; port: string | number } };
  resources?: { requests?: Record<string, string>; limits?: Record<string, string> };
};
type PodTemplate = { metadata: { labels: Record<string, string>; annotations?: Record<string, string> }; spec: { containers: Container[] } };
type Deployment = K8sDoc & { spec: { replicas?: number; selector: { matchLabels: Record<string, string> }; template: PodTemplate } };
type Service = K8sDoc & { spec: { selector: Record<string, string>; ports: { name?: string; port: number; targetPort?: string | number }[] } };

const k8sDir = 'deploy/k8s';
const k8sFiles = readdirSync(join(root, k8sDir)).filter((f) => /\.ya?ml$/.test(f)).sort();
const k8sDocs: (K8sDoc & { file: string })[] = k8sFiles.flatMap((file) =>
  parseAllDocuments(read(`${k8sDir}/${file}`)).flatMap((doc) => {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0]!.message}`);
    const value = doc.toJS() as K8sDoc | null;
    return value ? [{ ...value, file }] : [];
  }),
);
const ofKind = <T extends K8sDoc>(kind: string) => k8sDocs.filter((d) => d.kind === kind) as unknown as (T & { file: string })[];
const namespaces = ofKind<K8sDoc>('Namespace').map((d) => d.metadata.name);
const configMaps = new Map(ofKind<K8sDoc & { data?: Record<string, unknown> }>('ConfigMap').map((d) => [d.metadata.name, d.data ?? {}]));
const secrets = new Map(ofKind<K8sDoc & { stringData?: Record<string, unknown>; data?: Record<string, string> }>('Secret').map((d) => [
  d.metadata.name,
  { ...Object.fromEntries(Object.entries(d.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')])), ...(d.stringData ?? {}) },
]));
const deployments = ofKind<Deployment>('Deployment');
const k8sServices = ofKind<Service>('Service');
const roleOf = (d: Deployment) => d.spec.template.spec.containers[0]?.args?.[0];

/** The environment a container sees: envFrom ConfigMaps/Secrets, then env (which wins). */
function containerEnv(c: Container, where: string): Env {
  const env: Env = {};
  const fromMap = (source: Map<string, Record<string, unknown>>, name: string, kind: string) => {
    const data = source.get(name);
    expect(data, `${where}: ${kind} ${name} is defined in ${k8sDir}`).toBeDefined();
    return data ?? {};
  };
  for (const from of c.envFrom ?? []) {
    if (from.configMapRef) Object.assign(env, fromMap(configMaps, from.configMapRef.name, 'ConfigMap'));
    if (from.secretRef) Object.assign(env, fromMap(secrets, from.secretRef.name, 'Secret'));
  }
  for (const e of c.env ?? []) {
    if (e.value !== undefined) env[e.name] = e.value;
    const ref = e.valueFrom?.secretKeyRef ?? e.valueFrom?.configMapKeyRef;
    if (ref) {
      const data = fromMap(e.valueFrom?.secretKeyRef ? secrets : configMaps, ref.name, e.valueFrom?.secretKeyRef ? 'Secret' : 'ConfigMap');
      expect(Object.hasOwn(data, ref.key), `${where}: ${e.name} references missing key ${ref.name}/${ref.key}`).toBe(true);
      env[e.name] = data[ref.key] as string;
    }
  }
  for (const [name, value] of Object.entries(env)) expect(typeof value, `${where}: ${name} must be a string in Kubernetes`).toBe('string');
  return env;
}

function resolvePort(c: Container, port: string | number | undefined, where: string): number {
  if (typeof port === 'number') return port;
  const found = c.ports?.find((p) => p.name === port);
  expect(found, `${where}: port "${String(port)}" is a named container port`).toBeDefined();
  return found!.containerPort;
}

describe('k8s manifests', () => {
  it('are well-formed, all in the ordertrace namespace', () => {
    expect(k8sFiles.length).toBeGreaterThan(0);
    expect(namespaces).toEqual(['ordertrace']);
    for (const doc of k8sDocs) {
      expect(doc.apiVersion, doc.file).toBeTruthy();
      expect(doc.metadata?.name, doc.file).toBeTruthy();
      if (doc.kind !== 'Namespace') expect(doc.metadata.namespace, `${doc.file} ${doc.kind}/${doc.metadata.name}`).toBe('ordertrace');
    }
  });

  it('set only ORDERTRACE_* variables that exist in core/settings.ts, each with a valid value', () => {
    expect(configMaps.size).toBeGreaterThan(0);
    for (const [name, data] of configMaps) {
      for (const [key, value] of Object.entries(data)) expect(typeof value, `ConfigMap ${name}: ${key} must be a string`).toBe('string');
      expectValidOrdertraceEnv(data as Env, `ConfigMap ${name}`);
    }
    for (const d of deployments) {
      for (const c of d.spec.template.spec.containers) {
        const env = containerEnv(c, `${d.file} ${c.name}`);
        expectValidOrdertraceEnv(env, `${d.file} ${c.name}`);
        if (isRole(roleOf(d))) expectOnlyRoleSettings(env, roleOf(d) as Role, `${d.file} ${c.name}`);
      }
    }
    // Every ConfigMap and Secret is used by some Deployment.
    const used = new Set(deployments.flatMap((d) => d.spec.template.spec.containers.flatMap((c) => [
      ...(c.envFrom ?? []).map((f) => f.configMapRef?.name ?? f.secretRef?.name),
      ...(c.env ?? []).map((e) => e.valueFrom?.secretKeyRef?.name ?? e.valueFrom?.configMapKeyRef?.name),
    ])));
    for (const name of [...configMaps.keys(), ...secrets.keys()]) expect(used, `${name} is referenced by a Deployment`).toContain(name);
  });

  it('run the three roles as existing CLI subcommands, through the image entrypoint, in production mode', () => {
    const commands = cliSubcommands();
    expect(new Set(deployments.map(roleOf))).toEqual(new Set(Object.keys(ROLES)));
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0]!;
      expect(c.command, `${d.file}: keep the image ENTRYPOINT; pass the role in args`).toBeUndefined();
      expect(commands, `${d.file}: "${c.args?.[0]}" is not a subcommand registered in cli/`).toContain(c.args?.[0]);
      expect(imageTag(c.image), `${d.file}: image tag is package.json's version`).toBe(packageJson.version);
      expect(imageName(c.image), d.file).toMatch(/(^|\/)ordertrace$/);
      const env = containerEnv(c, d.file);
      const role = roleOf(d) as Role;
      expect(env.ORDERTRACE_HOST, `${d.file}: listeners must bind 0.0.0.0 in a pod`).toBe('0.0.0.0');
      if (reads(role, 'bus')) {
        expect(env.ORDERTRACE_BUS, d.file).toBe('kafka');
        expect(env.ORDERTRACE_KAFKA_BROKERS, d.file).toMatch(/^[\w.-]+:\d+(,[\w.-]+:\d+)*$/);
      }
      if (reads(role, 'store')) {
        expect(env.ORDERTRACE_STORE, d.file).toBe('clickhouse');
        expect(new URL(env.ORDERTRACE_CLICKHOUSE_URL!).protocol, d.file).toMatch(/^https?:$/);
        const pw = c.env?.find((e) => e.name === 'ORDERTRACE_CLICKHOUSE_PASSWORD');
        expect(pw?.valueFrom?.secretKeyRef, `${d.file}: ClickHouse password from a Secret`).toBeDefined();
      }
      expect([...configMaps.values()].some((data) => 'ORDERTRACE_CLICKHOUSE_PASSWORD' in data), 'password not in a ConfigMap').toBe(false);
    }
    const collector = deployments.find((d) => roleOf(d) === 'collector')!;
    expect(collector.spec.replicas).toBeGreaterThanOrEqual(2);
  });

  it('declare container ports, liveness /healthz and readiness /readyz on the ports the environment sets', () => {
    for (const d of deployments) {
      const role = roleOf(d) as Role;
      const c = d.spec.template.spec.containers[0]!;
      const env = containerEnv(c, d.file);
      const declared = (c.ports ?? []).map((p) => p.containerPort);
      for (const key of ROLES[role].ports) expect(declared, `${d.file}: ${SETTINGS[key].env}`).toContain(portFor(env, key));
      const probePort = portFor(env, ROLES[role].probe);
      expect(c.livenessProbe?.httpGet?.path, d.file).toBe('/healthz');
      expect(c.readinessProbe?.httpGet?.path, d.file).toBe('/readyz');
      expect(resolvePort(c, c.livenessProbe?.httpGet?.port, d.file), `${d.file} liveness port`).toBe(probePort);
      expect(resolvePort(c, c.readinessProbe?.httpGet?.port, d.file), `${d.file} readiness port`).toBe(probePort);
      const scrapePort = d.spec.template.metadata.annotations?.['prometheus.io/port'];
      if (scrapePort !== undefined) expect(Number(scrapePort), `${d.file}: prometheus.io/port`).toBe(probePort);
    }
  });

  it('set resource requests and limits (HPA-ready) and select their own pods', () => {
    for (const d of deployments) {
      const c = d.spec.template.spec.containers[0]!;
      for (const r of ['cpu', 'memory']) {
        expect(c.resources?.requests?.[r], `${d.file} requests.${r}`).toBeTruthy();
        expect(c.resources?.limits?.[r], `${d.file} limits.${r}`).toBeTruthy();
      }
      for (const [k, v] of Object.entries(d.spec.selector.matchLabels)) expect(d.spec.template.metadata.labels[k], d.file).toBe(v);
    }
  });

  it('route every Service to a Deployment and a named container port it declares', () => {
    for (const s of k8sServices) {
      const target = deployments.find((d) => Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v));
      expect(target, `${s.file}: Service ${s.metadata.name} selects a Deployment`).toBeDefined();
      const c = target!.spec.template.spec.containers[0]!;
      for (const p of s.spec.ports) {
        const port = resolvePort(c, p.targetPort ?? p.port, `${s.file} Service ${s.metadata.name}`);
        expect(c.ports?.map((cp) => cp.containerPort), `${s.file} Service ${s.metadata.name}`).toContain(port);
      }
    }
    const roles = new Set(k8sServices.map((s) => roleOf(deployments.find((d) => Object.entries(s.spec.selector).every(([k, v]) => d.spec.template.metadata.labels[k] === v))!)));
    expect(roles).toEqual(new Set(['collector', 'query-api', 'ingester', 'rules']));
  });

  it('autoscale existing Deployments, and never run more ingesters than Kafka partitions', () => {
    type Hpa = K8sDoc & { spec: { scaleTargetRef: { kind: string; name: string }; minReplicas?: number; maxReplicas: number } };
    for (const h of ofKind<Hpa>('HorizontalPodAutoscaler')) {
      const target = deployments.find((d) => d.metadata.name === h.spec.scaleTargetRef.name && h.spec.scaleTargetRef.kind === 'Deployment');
      expect(target, `${h.file}: HPA ${h.metadata.name} targets a Deployment`).toBeDefined();
      if (roleOf(target!) === 'ingester') {
        const env = containerEnv(target!.spec.template.spec.containers[0]!, target!.file);
        const partitions = Number(env.ORDERTRACE_KAFKA_PARTITIONS ?? SETTINGS.kafkaPartitions.default);
        expect(h.spec.maxReplicas, `${h.file}: ingester replicas ≤ ORDERTRACE_KAFKA_PARTITIONS`).toBeLessThanOrEqual(partitions);
      }
      if (roleOf(target!) === 'collector') expect(h.spec.minReplicas ?? 1).toBeGreaterThanOrEqual(2);
    }
  });
});

// ---------------------------------------------------------------- Dockerfile

type Instruction = { op: string; args: string };
function dockerInstructions(text: string): Instruction[] {
  const joined = text.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const m = /^(\w+)\s+(.*)$/.exec(line);
      if (!m) throw new Error(`Dockerfile: cannot parse "${line}"`);
      return { op: m[1]!.toUpperCase(), args: m[2]!.trim() };
    });
}

describe('Dockerfile', () => {
  const instructions = dockerInstructions(read('deploy/Dockerfile'));
  const args = new Map<string, string>();
  for (const i of instructions) {
    if (i.op !== 'ARG') continue;
    const [name, value] = i.args.split('=');
    if (value !== undefined) args.set(name!, value);
  }
  const expandArgs = (s: string) => s.replace(/\$\{?(\w+)\}?/g, (all, name: string) => args.get(name) ?? all);
  const stages: Instruction[][] = [];
  for (const i of instructions) {
    if (i.op === 'FROM') stages.push([]);
    stages.at(-1)?.push(i);
  }
  const final = stages.at(-1) ?? [];

  it('builds on Node 24 (Debian bookworm-slim) in several stages', () => {
    const bases = instructions.filter((i) => i.op === 'FROM').map((i) => expandArgs(i.args.split(/\s+/)[0]!));
    expect(stages.length).toBeGreaterThanOrEqual(2);
    const nodeBases = bases.filter((b) => b.startsWith('node:'));
    expect(nodeBases.length).toBeGreaterThan(0);
    for (const b of nodeBases) expect(b, 'node major').toMatch(/^node:24([.-]|$)/);
    expect(imageTag(bases.at(-1)!)).toMatch(/bookworm-slim$/);
    const node = JSON.parse(read('package.json')) as { devDependencies?: Record<string, string> };
    const pinned = node.devDependencies?.node;
    if (pinned) expect(pinned.split('.')[0], 'package.json pins the same Node major').toBe('24');
  });

  it('runs npm ci, npm run build and drops dev dependencies', () => {
    const runs = instructions.filter((i) => i.op === 'RUN').map((i) => i.args).join(' && ');
    expect(runs).toMatch(/npm ci\b/);
    expect(runs).toMatch(/npm run build\b/);
    expect(runs).toMatch(/npm prune --omit=dev|npm ci [^&]*--omit=dev/);
  });

  it('copies every folder tsconfig.build.json compiles', () => {
    const build = JSON.parse(read('tsconfig.build.json')) as { include: string[] };
    const copied = new Set(instructions.filter((i) => i.op === 'COPY' && !i.args.startsWith('--from')).flatMap((i) => i.args.split(/\s+/).slice(0, -1)).map((p) => p.replace(/\/$/, '')));
    for (const dir of build.include) {
      const abs = join(root, dir);
      const hasFiles = existsSync(abs) && statSync(abs).isDirectory() && readdirSync(abs, { recursive: true }).some((f) => String(f).endsWith('.ts'));
      if (hasFiles) expect(copied, `deploy/Dockerfile must COPY ${dir}`).toContain(dir);
    }
  });

  it('starts package.json’s bin as a non-root user, exposes the default ports, and has no HEALTHCHECK', () => {
    const entry = final.filter((i) => i.op === 'ENTRYPOINT').at(-1);
    expect(entry, 'ENTRYPOINT in the final stage').toBeDefined();
    const argv = JSON.parse(entry!.args) as string[];
    expect(argv).toEqual(['node', packageJson.bin.ordertrace]);
    expect(packageJson.bin.ordertrace).toBe('dist/cli/main.js');
    const user = final.filter((i) => i.op === 'USER').at(-1)?.args;
    expect(user, 'USER in the final stage').toBeDefined();
    expect(['root', '0', '0:0', 'root:root']).not.toContain(user);
    const exposed = final.filter((i) => i.op === 'EXPOSE').flatMap((i) => i.args.split(/\s+/)).map((p) => Number(p.split('/')[0]));
    for (const key of ['otlpPort', 'otlpGrpcPort', 'httpPort', 'metricsPort'] as const) expect(exposed, SETTINGS[key].env).toContain(SETTINGS[key].default);
    expect(instructions.some((i) => i.op === 'HEALTHCHECK' && !/^NONE$/i.test(i.args))).toBe(false);
  });

  it('sets the malloc tuning of cli/malloc-tuning.ts in the final stage', () => {
    const env = new Map(final.filter((i) => i.op === 'ENV').flatMap((i) => i.args.split(/\s+/)).map((pair) => pair.split('=') as [string, string]));
    for (const [name, value] of Object.entries(MALLOC_TUNING)) expect(env.get(name), name).toBe(value);
  });
});
