// Error classification for the ClickHouse store: retryable conditions (server down, overloaded,
// out of memory, too many parts, timeouts) become UnavailableError, so the ingester backs off and
// retries and the query API answers 503; everything else (bad SQL, unknown table, auth) becomes a
// ClickHouseQueryError, which is not retried.
//
// @clickhouse/client parses errors with a regex for the current format
// (`Code: 60. DB::Exception: … (UNKNOWN_TABLE)`); 18.16 answers
// `Code: 60, e.displayText() = DB::Exception: …, e.what() = DB::Exception`, which the client passes
// through as a plain Error. Both carry `Code: N`, which is what we classify by.
import { UnavailableError } from '../../errors.ts';

/** ClickHouse error codes (stable across versions) that mean "try again later". */
export const RETRYABLE_SERVER_CODES: ReadonlyMap<number, string> = new Map([
  [159, 'TIMEOUT_EXCEEDED'],
  [160, 'TOO_SLOW'],
  [164, 'READONLY'],
  [173, 'CANNOT_ALLOCATE_MEMORY'],
  [202, 'TOO_MANY_SIMULTANEOUS_QUERIES'],
  [203, 'NO_FREE_CONNECTION'],
  [209, 'SOCKET_TIMEOUT'],
  [210, 'NETWORK_ERROR'],
  [225, 'NO_ZOOKEEPER'],
  [236, 'ABORTED'],
  [241, 'MEMORY_LIMIT_EXCEEDED'],
  [242, 'TABLE_IS_READ_ONLY'],
  [243, 'NOT_ENOUGH_SPACE'],
  [252, 'TOO_MANY_PARTS'],
  [285, 'TOO_FEW_LIVE_REPLICAS'],
  [286, 'UNSATISFIED_QUORUM_FOR_PREVIOUS_WRITE'],
  [319, 'UNKNOWN_STATUS_OF_INSERT'],
  [394, 'QUERY_WAS_CANCELLED'],
  [425, 'SYSTEM_ERROR'],
  [439, 'CANNOT_SCHEDULE_TASK'],
  [473, 'DEADLOCK_AVOIDED'],
  [999, 'KEEPER_EXCEPTION'],
]);

/** Node/socket error codes of a server that is down, restarting or unreachable. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EHOSTDOWN',
  'ENETDOWN',
  'EAI_AGAIN',
  'ENOTFOUND',
  'UND_ERR_SOCKET',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** HTTP statuses a proxy or a starting server answers when it cannot serve now. */
const RETRYABLE_HTTP_STATUS = new Set([502, 503, 504]);

/** A ClickHouse error that retrying will not fix (bad query, missing table, auth, bad data). */
export class ClickHouseQueryError extends Error {
  /** ClickHouse's numeric error code, when the server sent one. */
  readonly serverCode: number | undefined;
  constructor(message: string, serverCode: number | undefined, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'ClickHouseQueryError';
    this.serverCode = serverCode;
  }
}

/** `Code: N` of a ClickHouse error text (18.16: `Code: 60, e.displayText() = …`; newer: `Code: 60. DB::Exception: …`). */
export function serverCodeOf(text: string): number | undefined {
  const match = /\bCode:\s*(\d{1,5})\b/.exec(text);
  return match ? Number(match[1]) : undefined;
}

function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}

function networkCode(error: unknown): string | undefined {
  for (let e: unknown = error, depth = 0; e && typeof e === 'object' && depth < 4; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && !/^\d+$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export type Classified = UnavailableError | ClickHouseQueryError;

/**
 * Maps anything the client threw to UnavailableError (retryable) or ClickHouseQueryError.
 * `what` names the operation for the message ("insert into spans", "getTrace").
 */
export function classifyError(error: unknown, what: string): Classified {
  if (error instanceof UnavailableError || error instanceof ClickHouseQueryError) return error;
  const text = errorText(error).trim();
  const firstLine = text.split('\n')[0]!.slice(0, 500);
  // Newer servers: the client's ClickHouseError has the code as a digit string and no `Code:` text.
  const own = (error as { code?: unknown } | null)?.code;
  const code = serverCodeOf(text) ?? (typeof own === 'string' && /^\d{1,5}$/.test(own) ? Number(own) : undefined);
  if (code !== undefined) {
    const name = RETRYABLE_SERVER_CODES.get(code);
    if (name !== undefined) return new UnavailableError(`ClickHouse ${what}: ${name} (Code: ${code}): ${firstLine}`, code === 252 ? 2 : 5);
    return new ClickHouseQueryError(`ClickHouse ${what} failed: ${firstLine}`, code, { cause: error });
  }
  const net = networkCode(error);
  if (net !== undefined && RETRYABLE_NETWORK_CODES.has(net)) {
    return new UnavailableError(`ClickHouse ${what}: server unreachable (${net}): ${firstLine}`);
  }
  if (/^Timeout error\.?$/i.test(firstLine) || /socket hang up|timed? ?out|ECONNRESET|ECONNREFUSED/i.test(firstLine)) {
    return new UnavailableError(`ClickHouse ${what}: ${firstLine}`);
  }
  const status = (error as { http_status_code?: unknown } | null)?.http_status_code;
  if (typeof status === 'number' && RETRYABLE_HTTP_STATUS.has(status)) {
    return new UnavailableError(`ClickHouse ${what}: HTTP ${status}`);
  }
  return new ClickHouseQueryError(`ClickHouse ${what} failed: ${firstLine}`, undefined, { cause: error });
}

/** True for errors worth one immediate retry of an idempotent read (a stale keep-alive socket). */
export function isStaleSocket(error: unknown): boolean {
  const net = networkCode(error);
  return net === 'ECONNRESET' || net === 'EPIPE' || /socket hang up/i.test(errorText(error));
}
