#!/usr/bin/env node
// The ordertrace command line. Every subcommand has --help; settings come from flags or ORDERTRACE_* variables.
import { Command } from 'commander';
import { addSettingOptions, settingsFrom } from './options.ts';
import { runStart, START_SETTINGS } from './start.ts';
import { runDemoCommand, DEMO_SETTINGS } from './demo-command.ts';
import { SettingsError } from '../core/settings.ts';
import { DomainConfigError } from '../core/domain-config.ts';
import { version } from './version.ts';

const program = new Command('ordertrace')
  .description('Order-fulfilment tracing and diagnostics: follow one order across every system.')
  .version(version)
  .showHelpAfterError();

addSettingOptions(
  program.command('start').description('Run all-in-one: collector (OTLP/HTTP, OTLP/gRPC, /v1/events), ingester, embedded store and query API in one process, with demo traffic unless --no-demo.'),
  START_SETTINGS,
).action(async (_opts, command: Command) => runStart(settingsFrom(command, START_SETTINGS, process.env)));

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
  throw error;
}
