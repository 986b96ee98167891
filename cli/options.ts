// Turns the settings table (core/settings.ts) into commander options, and back into validated settings.
import type { Command } from 'commander';
import { resolveSettings, SETTINGS, SettingsError, type SettingKey, type Settings } from '../core/settings.ts';

export function addSettingOptions(command: Command, keys: readonly SettingKey[]): Command {
  for (const key of keys) {
    const def = SETTINGS[key];
    const dflt = def.default === undefined ? '' : `, default ${String(def.default)}`;
    const help = `${def.description} (env ${def.env}${dflt})`;
    if (def.kind === 'bool') {
      command.option(def.flag, help);
      command.option(def.flag.replace(/^--/, '--no-'), `disable ${def.flag}`);
    } else {
      command.option(`${def.flag} <value>`, help);
    }
  }
  return command;
}

/** Validated settings: flags given on the command line over ORDERTRACE_* variables over defaults. */
export function settingsFrom<K extends SettingKey>(command: Command, keys: readonly K[], env: NodeJS.ProcessEnv): Settings<K> {
  const opts = command.opts();
  const flags: Partial<Record<SettingKey, string | boolean>> = {};
  for (const key of keys) {
    // Commander fills defaults for --no-x options itself; only values typed by the user count as flags.
    if (command.getOptionValueSource(key) === 'cli') flags[key] = opts[key] as string | boolean;
  }
  return resolveSettings(keys, flags, env);
}

/** Whether the user set a setting (flag or environment variable) rather than leaving its default. */
export function isExplicit(command: Command, key: SettingKey, env: NodeJS.ProcessEnv): boolean {
  return command.getOptionValueSource(key) === 'cli' || env[SETTINGS[key].env] !== undefined;
}

/**
 * Rejects Kafka or ClickHouse settings given while --bus / --store choose the embedded implementations,
 * which would silently ignore them.
 */
export function checkBackendChoice(command: Command, settings: { bus?: string; store?: string }, env: NodeJS.ProcessEnv): void {
  const problems: string[] = [];
  const given = (keys: SettingKey[]) => keys.filter((k) => command.options.some((o) => o.attributeName() === k) && isExplicit(command, k, env));
  const kafka = given(['kafkaBrokers', 'kafkaPartitions']);
  if (settings.bus === 'inprocess' && kafka.length > 0) {
    problems.push(`${kafka.map((k) => SETTINGS[k].flag).join(', ')} given but ${SETTINGS.bus.flag} (${SETTINGS.bus.env}) is inprocess; add --bus kafka`);
  }
  const clickhouse = given(['clickhouseUrl', 'clickhouseUser', 'clickhousePassword', 'clickhouseDatabase']);
  if (settings.store === 'sqlite' && clickhouse.length > 0) {
    problems.push(`${clickhouse.map((k) => SETTINGS[k].flag).join(', ')} given but ${SETTINGS.store.flag} (${SETTINGS.store.env}) is sqlite; add --store clickhouse`);
  }
  if (problems.length > 0) throw new SettingsError(problems);
}
