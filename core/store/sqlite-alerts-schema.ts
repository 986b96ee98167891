// Schema of the embedded alert store: its own file (alerts.sqlite) beside the record database, so
// alert/state writes never queue behind a large span commit and retention's DROP TABLEs never touch
// it. One row per key; every upsert keeps the highest version (see sqlite-alerts.ts).
//
//   alerts              id → searchable columns + the whole alert as JSON; one index per listAlerts
//                       filter, each ending in (fired_at_ms DESC, id) = the page order, so a filtered
//                       page is an index range walk; countAlerts reads a covering (fired, rule, state) index.
//   silences            id → ends_at_ms (activeSilences range) + JSON.
//   order_states        order_id → partition, version, state (NULL = tombstone, kept so that a late,
//                       lower-version write cannot resurrect the order); a partial index over live rows
//                       by (partition, order_id) pages loadOrderStates.
//   status_projections  order_id → JSON.
//   rule_counts         (rule_id, bucket_ms, worker_id) → matches; the latest write wins.
//   dead_letters        id → JSON; the copy with the most attempts wins.
import type { Migration } from './sqlite-schema.ts';

export const ALERTS_DATABASE_FILE = 'alerts.sqlite';

export const ALERT_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'alerts, silences, order rule states, status projections, rule counts, dead letters',
    up(db) {
      for (const sql of [
        'CREATE TABLE IF NOT EXISTS alerts (id TEXT PRIMARY KEY, version INTEGER NOT NULL, rule_id TEXT NOT NULL, ' +
          'order_id TEXT NOT NULL, state TEXT NOT NULL, severity TEXT NOT NULL, fired_at_ms INTEGER NOT NULL, body TEXT NOT NULL)',
        'CREATE INDEX IF NOT EXISTS alerts_fired ON alerts (fired_at_ms DESC, id)',
        'CREATE INDEX IF NOT EXISTS alerts_rule ON alerts (rule_id, fired_at_ms DESC, id)',
        'CREATE INDEX IF NOT EXISTS alerts_order ON alerts (order_id, fired_at_ms DESC, id)',
        'CREATE INDEX IF NOT EXISTS alerts_state ON alerts (state, fired_at_ms DESC, id)',
        'CREATE INDEX IF NOT EXISTS alerts_severity ON alerts (severity, fired_at_ms DESC, id)',
        'CREATE INDEX IF NOT EXISTS alerts_counts ON alerts (fired_at_ms, rule_id, state)',
        'CREATE TABLE IF NOT EXISTS silences (id TEXT PRIMARY KEY, version INTEGER NOT NULL, ends_at_ms INTEGER NOT NULL, body TEXT NOT NULL)',
        'CREATE INDEX IF NOT EXISTS silences_ends ON silences (ends_at_ms)',
        'CREATE TABLE IF NOT EXISTS order_states (order_id TEXT PRIMARY KEY, version INTEGER NOT NULL, part INTEGER NOT NULL, state TEXT)',
        'CREATE INDEX IF NOT EXISTS order_states_live ON order_states (part, order_id) WHERE state IS NOT NULL',
        'CREATE TABLE IF NOT EXISTS status_projections (order_id TEXT PRIMARY KEY, version INTEGER NOT NULL, body TEXT NOT NULL)',
        'CREATE TABLE IF NOT EXISTS rule_counts (rule_id TEXT NOT NULL, bucket_ms INTEGER NOT NULL, worker_id TEXT NOT NULL, ' +
          'matches INTEGER NOT NULL, PRIMARY KEY (rule_id, bucket_ms, worker_id)) WITHOUT ROWID',
        'CREATE TABLE IF NOT EXISTS dead_letters (id TEXT PRIMARY KEY, attempts INTEGER NOT NULL, created_at_ms INTEGER NOT NULL, body TEXT NOT NULL)',
        'CREATE INDEX IF NOT EXISTS dead_letters_created ON dead_letters (created_at_ms DESC, id)',
      ]) {
        db.exec(sql);
      }
    },
  },
];
