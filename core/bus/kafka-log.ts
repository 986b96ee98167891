// kafkajs's logger → the bus's onLog callback, at the configured level.
import { logLevel, type logCreator } from 'kafkajs';
import type { KafkaLogEntry, KafkaLogLevel } from './kafka-options.ts';

const LEVELS: Record<KafkaLogLevel, logLevel> = {
  nothing: logLevel.NOTHING,
  error: logLevel.ERROR,
  warn: logLevel.WARN,
  info: logLevel.INFO,
  debug: logLevel.DEBUG,
};

export function kafkaLogLevel(level: KafkaLogLevel): logLevel {
  return LEVELS[level];
}

function levelName(level: logLevel): KafkaLogEntry['level'] {
  if (level <= logLevel.ERROR) return 'error';
  if (level === logLevel.WARN) return 'warn';
  if (level === logLevel.INFO) return 'info';
  return 'debug';
}

export function kafkaLogCreator(onLog: (entry: KafkaLogEntry) => void): logCreator {
  return () => (entry) => {
    const { message, timestamp: _timestamp, logger: _logger, ...extra } = entry.log;
    try {
      onLog({ level: levelName(entry.level), namespace: entry.namespace, message: String(message), extra });
    } catch {
      // A failing log sink must not break the client.
    }
  };
}
