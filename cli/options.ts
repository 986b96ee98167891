// Turns the settings table (core/settings.ts) into commander options, and back into validated settings.
import type { Command } from 'commander';
import { resolveSettings, SETTINGS, type SettingKey, type Settings } from '../core/settings.ts';

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
