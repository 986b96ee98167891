// Every error a client can see has a stable code (OT_ERR_*), an HTTP status and a one-line meaning.
// docs/errors.md lists them; test/errors-doc.test.ts keeps the two in sync.

export const ErrorCodes = {
  OT_ERR_BAD_CONTENT_TYPE: { status: 415, meaning: 'Content-Type is not one the endpoint accepts.' },
  OT_ERR_BAD_ENCODING: { status: 415, meaning: 'Content-Encoding is not gzip or identity.' },
  OT_ERR_DECODE: { status: 400, meaning: 'The body could not be decoded (malformed JSON, protobuf or gzip).' },
  OT_ERR_TOO_LARGE: { status: 413, meaning: 'The body, after decompression, exceeds the configured size limit.' },
  OT_ERR_INVALID_ITEMS: { status: 200, meaning: 'Some items of a decodable OTLP request were invalid and dropped; the valid ones were stored (partialSuccess).' },
  OT_ERR_INVALID_EVENT: { status: 400, meaning: 'An order event failed schema validation.' },
  OT_ERR_STORE_UNAVAILABLE: { status: 503, meaning: 'Storage or the bus is busy, full or down; retry after the given delay.' },
  OT_ERR_OVERLOADED: { status: 429, meaning: 'Too many requests in flight; retry after the given delay.' },
  OT_ERR_BAD_PARAMETER: { status: 400, meaning: 'A query parameter, path parameter or body field is missing or malformed.' },
  OT_ERR_TRACE_NOT_FOUND: { status: 404, meaning: 'No spans or logs are stored for that Trace ID.' },
  OT_ERR_ORDER_NOT_FOUND: { status: 404, meaning: 'No order matches that order ID or business key.' },
  OT_ERR_ALERT_NOT_FOUND: { status: 404, meaning: 'No alert has that ID.' },
  OT_ERR_SILENCE_NOT_FOUND: { status: 404, meaning: 'No silence has that ID.' },
  OT_ERR_INVALID_TRANSITION: { status: 409, meaning: 'The alert cannot make that state change (e.g. acknowledging a resolved alert).' },
  OT_ERR_RULE_INVALID: { status: 422, meaning: 'The rule file failed validation; `errors` lists each problem with file, line, column and field.' },
  OT_ERR_NOT_FOUND: { status: 404, meaning: 'No such route.' },
  OT_ERR_INTERNAL: { status: 500, meaning: 'An unexpected server error; the log has details.' },
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

/** An error meant for the client: carries its stable code and HTTP status. */
export class OrdertraceError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  /** Seconds, for 429/503 responses. */
  readonly retryAfterSeconds: number | undefined;

  constructor(code: ErrorCode, message: string, retryAfterSeconds?: number) {
    super(message);
    this.name = 'OrdertraceError';
    this.code = code;
    this.status = ErrorCodes[code].status;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

/** One problem in a client-supplied file (a rule file), located for an editor. */
export interface LocatedProblem {
  file: string;
  line: number;
  column: number;
  /** The field, as a dotted path (rules[0].within). */
  path: string;
  message: string;
}

/** An error that lists every problem of a rejected file; the response carries them as `errors`. */
export class ProblemsError extends OrdertraceError {
  readonly errors: LocatedProblem[];

  constructor(code: ErrorCode, message: string, errors: LocatedProblem[]) {
    super(code, message);
    this.name = 'ProblemsError';
    this.errors = errors;
  }
}

/** Thrown by store and bus implementations when they cannot take writes right now (busy, full, down). */
export class UnavailableError extends OrdertraceError {
  constructor(message: string, retryAfterSeconds = 5) {
    super('OT_ERR_STORE_UNAVAILABLE', message, retryAfterSeconds);
    this.name = 'UnavailableError';
  }
}
