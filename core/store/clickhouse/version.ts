// Which optional ClickHouse DDL features the connected server has, from `SELECT version()`.
// The thresholds are conservative (the release where each feature is on by default and stable), not
// the first release that parsed it: a server below a threshold simply gets the portable DDL, which
// 18.16 — the oldest server we test — and every later version accept.

export interface ServerVersion {
  text: string;
  major: number;
  minor: number;
}

export interface ServerCaps {
  version: ServerVersion;
  /** LowCardinality(String) without allow_experimental_low_cardinality_type (18.16 needs that setting). */
  lowCardinality: boolean;
  /** Column compression codecs: CODEC(Delta, ZSTD(1)). */
  codecs: boolean;
  /** Data-skipping indexes (INDEX … TYPE bloom_filter) without an experimental setting. */
  skipIndexes: boolean;
  /** Table TTL with ttl_only_drop_parts (whole parts dropped, like DROP PARTITION). */
  ttl: boolean;
}

export type Feature = Exclude<keyof ServerCaps, 'version'>;

/** [major, minor] from which each feature is used. */
export const FEATURE_SINCE: Readonly<Record<Feature, readonly [number, number]>> = {
  lowCardinality: [19, 9],
  codecs: [19, 10],
  skipIndexes: [20, 3],
  ttl: [20, 3],
};

export function parseVersion(text: string): ServerVersion {
  const match = /^\s*(\d+)\.(\d+)/.exec(String(text));
  if (!match) throw new Error(`cannot parse ClickHouse version ${JSON.stringify(text)}`);
  return { text: String(text).trim(), major: Number(match[1]), minor: Number(match[2]) };
}

function atLeast(v: ServerVersion, [major, minor]: readonly [number, number]): boolean {
  return v.major > major || (v.major === major && v.minor >= minor);
}

export function capabilities(versionText: string): ServerCaps {
  const version = parseVersion(versionText);
  return {
    version,
    lowCardinality: atLeast(version, FEATURE_SINCE.lowCardinality),
    codecs: atLeast(version, FEATURE_SINCE.codecs),
    skipIndexes: atLeast(version, FEATURE_SINCE.skipIndexes),
    ttl: atLeast(version, FEATURE_SINCE.ttl),
  };
}
