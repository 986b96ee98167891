#!/usr/bin/env node
// The ordertrace command line. Every subcommand has --help; settings come from flags or ORDERTRACE_* variables.
import { Command } from 'commander';
import { checkBackendChoice, addSettingOptions, isExplicit, settingsFrom } from './options.ts';
import { runStart, START_SETTINGS } from './start.ts';
import { runDemoCommand, DEMO_SETTINGS } from './demo-command.ts';
import { COLLECTOR_SETTINGS, INGESTER_SETTINGS, QUERY_API_SETTINGS, RULES_SETTINGS, runCollector, runIngester, runQueryApi, runRules } from './distributed.ts';
import { SettingsError } from '../core/settings.ts';
import { DomainConfigError } from '../core/domain-config.ts';
import { UnavailableError } from '../core/errors.ts';
import { version } from './version.ts';

const program = new Command('ordertrace')
  .description('Order-fulfilment tracing and diagnostics: follow one order across every system.')
  .version(version)
  .showHelpAfterError();

/** Validated settings of a command, with Kafka/ClickHouse settings refused when the embedded backends are chosen. */
function validated<K extends Parameters<typeof settingsFrom>[1][number]>(command: Command, keys: readonly K[]) {
  const settings = settingsFrom(command, keys, process.env);
  checkBackendChoice(command, settings as { bus?: string; store?: string }, process.env);
  return settings;
}

addSettingOptions(
  program
    .command('start')
    .description(
      'Run all-in-one: collector (OTLP/HTTP, OTLP/gRPC, /v1/events), ingester, store and query API in one process. ' +
        'Embedded store and bus by default, with demo traffic unless --no-demo; `--store clickhouse --bus kafka` is a one-box ' +
        'production-like setup (no demo unless --demo).',
    ),
  START_SETTINGS,
).action(async (_opts, command: Command) => runStart(validated(command, START_SETTINGS), isExplicit(command, 'demo', process.env)));

addSettingOptions(
  program.command('collector').description('Run the collector: OTLP/HTTP, OTLP/gRPC and /v1/events → bus (use --bus kafka in production); /metrics, /healthz, /readyz on the OTLP/HTTP port.'),
  COLLECTOR_SETTINGS,
).action(async (_opts, command: Command) => runCollector(validated(command, COLLECTOR_SETTINGS)));

addSettingOptions(
  program.command('ingester').description('Run the ingester: bus → store, in a consumer group (use --bus kafka --store clickhouse in production); /metrics, /healthz, /readyz on --metrics-port.'),
  INGESTER_SETTINGS,
).action(async (_opts, command: Command) => runIngester(validated(command, INGESTER_SETTINGS)));

addSettingOptions(
  program.command('query-api').description('Run the query API over the store (use --store clickhouse in production); /healthz, /readyz on --http-port.'),
  QUERY_API_SETTINGS,
).action(async (_opts, command: Command) => runQueryApi(validated(command, QUERY_API_SETTINGS)));

addSettingOptions(
  program
    .command('rules')
    .description(
      'Run a rules worker: bus → rules engine → alerts and notifications, in a consumer group (use --bus kafka --store clickhouse in production); ' +
        'rule files from the shipped defaults plus --rules-dir, hot-reloaded; /metrics, /healthz, /readyz on --metrics-port.',
    ),
  RULES_SETTINGS,
).action(async (_opts, command: Command) => runRules(validated(command, RULES_SETTINGS)));

addSettingOptions(
  program.command('demo').description('Drive a simulated order pipeline (shop, payment, inventory, wms, carrier, crm) through the OpenTelemetry SDK to a collector.'),
  DEMO_SETTINGS,
).action(async (_opts, command: Command) => runDemoCommand(settingsFrom(command, DEMO_SETTINGS, process.env)));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof SettingsError || error instanceof DomainConfigError) {
    process.stderr.write(`ordertrace: ${error.message}\n`);
    process.exit(2);
  }
  if (error instanceof UnavailableError) {
    process.stderr.write(`ordertrace: ${error.message}\n`);
    process.exit(1);
  }
  const listenError = error as { code?: string; address?: string; port?: number };
  if (listenError.code === 'EADDRINUSE' || listenError.code === 'EACCES') {
    process.stderr.write(`ordertrace: cannot listen on ${listenError.address}:${listenError.port} (${listenError.code}); choose another port with the matching --*-port flag\n`);
    process.exit(1);
  }
  throw error;
}
