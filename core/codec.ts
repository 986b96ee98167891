// Bus message values: the model records sharing one key.
//
// Format 2 (written): a header line `#2s`, `#2l` or `#2e` (spans, logs, order events), then one line per
// record holding its compact JSON text (core/compact-records.ts: the same text the ClickHouse store keeps
// as a record's body, so the ingester stores what it received instead of encoding every record again;
// decoded records remember their text). JSON never contains a raw line feed, so lines split cleanly.
// Format 1 (still read, written for records of no known kind): a JSON array of the records.
// The model is JSON-safe by design (64-bit integers are decimal strings), so both are lossless.
//
// Upgrading: ingesters (readers) first, then collectors — an older ingester cannot read format 2.
import {
  compactEvent,
  compactLog,
  compactSpan,
  eventFromCompact,
  logFromCompact,
  rememberCompact,
  spanFromCompact,
} from './compact-records.ts';
import type { LogRecord, OrderEvent, Span } from './model.ts';

type Kind = 's' | 'l' | 'e';

const FORMAT2 = 0x23; // '#', first byte of a format-2 value; a format-1 value starts with '['

const ENCODE: Readonly<Record<Kind, (record: never) => string>> = { s: compactSpan, l: compactLog, e: compactEvent };
const DECODE: Readonly<Record<Kind, (text: string) => Span | LogRecord | OrderEvent>> = {
  s: spanFromCompact,
  l: logFromCompact,
  e: eventFromCompact,
};

/** A record's kind by its identifying fields (core/model.ts), or null for anything else. */
function kindOf(record: unknown): Kind | null {
  if (record === null || typeof record !== 'object') return null;
  if ('spanId' in record && 'startTimeUnixNano' in record) return 's';
  if ('logId' in record && 'timeUnixNano' in record) return 'l';
  if ('eventId' in record && 'type' in record) return 'e';
  return null;
}

export function encodeRecords(records: readonly unknown[]): Buffer {
  const kind = records.length > 0 ? kindOf(records[0]) : null;
  if (kind === null || !records.every((r) => kindOf(r) === kind)) return Buffer.from(JSON.stringify(records));
  const encode = ENCODE[kind] as (record: unknown) => string;
  let text = `#2${kind}`;
  for (const record of records) text += `\n${encode(record)}`;
  return Buffer.from(text);
}

export function decodeRecords<T>(value: Buffer): T[] {
  if (value[0] === FORMAT2) return decodeFormat2(value) as T[];
  const parsed: unknown = JSON.parse(value.toString('utf8'));
  if (!Array.isArray(parsed)) throw new Error('bus message value is not a JSON array');
  return parsed as T[];
}

const LINE_FEED = 0x0a;

/** Each record remembers the bytes of its line (rememberCompact), which the ClickHouse writer copies as they are. */
function decodeFormat2(value: Buffer): Array<Span | LogRecord | OrderEvent> {
  let end = value.indexOf(LINE_FEED);
  if (end < 0) end = value.length;
  const header = value.toString('utf8', 0, end);
  const kind = header.length === 3 && header[1] === '2' ? (header[2] as Kind) : undefined;
  const decode = kind !== undefined ? DECODE[kind] : undefined;
  if (!decode) throw new Error(`bus message value has an unknown header ${JSON.stringify(header.slice(0, 20))}`);
  const records: Array<Span | LogRecord | OrderEvent> = [];
  for (let start = end + 1; start < value.length; start = end + 1) {
    end = value.indexOf(LINE_FEED, start);
    if (end < 0) end = value.length;
    const line = value.subarray(start, end);
    const record = decode(line.toString('utf8'));
    rememberCompact(record, line);
    records.push(record);
  }
  return records;
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
