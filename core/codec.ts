// Bus message values: a JSON array of model records sharing one key. The model is JSON-safe by
// design (64-bit integers are decimal strings), so plain JSON is lossless here.

export function encodeRecords(records: readonly unknown[]): Buffer {
  return Buffer.from(JSON.stringify(records));
}

export function decodeRecords<T>(value: Buffer): T[] {
  const parsed: unknown = JSON.parse(value.toString('utf8'));
  if (!Array.isArray(parsed)) throw new Error('bus message value is not a JSON array');
  return parsed as T[];
}

/** Groups records by their bus key (order ID, falling back to trace ID, then a per-record ID). */
export function groupByKey<T>(records: readonly T[], keyOf: (record: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const record of records) {
    const key = keyOf(record);
    const group = groups.get(key);
    if (group) group.push(record);
    else groups.set(key, [record]);
  }
  return groups;
}
