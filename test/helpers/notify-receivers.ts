// Real receivers for notifier tests: an HTTP server (node:http, port 0) that verifies ordertrace's
// webhook signature exactly as docs/notifications.md tells integrators to, an SMTP sink
// (smtp-server) that captures messages, and a port with nothing listening.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedRequest {
  atMs: number;
  headers: IncomingHttpHeaders;
  body: string;
  /** null when the receiver has no secret to check with. */
  signatureValid: boolean | null;
  status: number;
}

export interface HttpReceiver {
  url: string;
  /** Every request, answered or not. */
  requests: ReceivedRequest[];
  /** Bodies of the requests answered 2xx, parsed as JSON. */
  accepted(): unknown[];
  close(): Promise<void>;
}

export interface HttpReceiverOptions {
  /** Verify X-Ordertrace-Signature with this secret; a bad or missing one is answered 401. */
  secret?: string;
  /** The answer to request number n (1-based); default 200. */
  respond?: (n: number) => { status: number; headers?: Record<string, string> };
  /** Delay before answering, ms. */
  delayMs?: number;
}

/** The verification recipe of docs/notifications.md, verbatim in spirit: HMAC over `${timestamp}.${rawBody}`. */
export function verifyOrdertraceSignature(secret: string, headers: IncomingHttpHeaders, rawBody: Buffer, toleranceSeconds = 300): boolean {
  const timestamp = headers['x-ordertrace-timestamp'];
  const signature = headers['x-ordertrace-signature'];
  if (typeof timestamp !== 'string' || typeof signature !== 'string') return false;
  if (Math.abs(Date.now() / 1000 - Number(timestamp)) > toleranceSeconds) return false;
  const expected = `sha256=${createHmac('sha256', secret).update(`${timestamp}.`).update(rawBody).digest('hex')}`;
  return signature.length === expected.length && timingSafeEqual(Buffer.from(signature), Buffer.from(expected));
}

export async function startHttpReceiver(options: HttpReceiverOptions = {}): Promise<HttpReceiver> {
  const requests: ReceivedRequest[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks);
      const signatureValid = options.secret === undefined ? null : verifyOrdertraceSignature(options.secret, req.headers, raw);
      const answer = signatureValid === false ? { status: 401 } : (options.respond?.(requests.length + 1) ?? { status: 200 });
      requests.push({ atMs: Date.now(), headers: req.headers, body: raw.toString('utf8'), signatureValid, status: answer.status });
      setTimeout(() => {
        res.writeHead(answer.status, { 'content-type': 'text/plain', ...('headers' in answer ? answer.headers : {}) });
        res.end(answer.status < 300 ? 'ok' : 'nope');
      }, options.delayMs ?? 0);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/hook`,
    requests,
    accepted: () => requests.filter((r) => r.status >= 200 && r.status < 300).map((r) => JSON.parse(r.body) as unknown),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A local port nothing listens on (bound, then released). */
export async function closedPort(): Promise<number> {
  const server = createNetServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---- SMTP ----

export interface CapturedMail {
  from: string;
  to: string[];
  /** The authenticated user, or null. */
  user: string | null;
  raw: string;
  subject: string;
  headers: Record<string, string>;
  text: string;
  html: string;
}

export interface SmtpSink {
  host: string;
  port: number;
  messages: CapturedMail[];
  /** MAIL FROM commands seen: one per delivery attempt that got that far. */
  attempts: () => number;
  close(): Promise<void>;
}

export interface SmtpSinkOptions {
  /** Require AUTH with these credentials. */
  auth?: { user: string; pass: string };
  /** Answer RCPT TO of attempt n with this SMTP code (e.g. 451 transient, 550 permanent); undefined accepts. */
  rejectWith?: (n: number) => number | undefined;
}

function decodeQuotedPrintable(text: string): string {
  const binary = text.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
  return Buffer.from(binary, 'latin1').toString('utf8');
}

function decodeBody(body: string, encoding: string | undefined): string {
  if (encoding?.toLowerCase() === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  if (encoding?.toLowerCase() === 'quoted-printable') return decodeQuotedPrintable(body);
  return body;
}

/** RFC 2047 encoded words (=?UTF-8?Q?…?= / =?UTF-8?B?…?=) in a header value. */
function decodeWords(value: string): string {
  return value.replace(/\?=\s+=\?/g, '?==?').replace(/=\?[^?]+\?([QB])\?([^?]*)\?=/gi, (_, kind: string, text: string) =>
    kind.toUpperCase() === 'B' ? Buffer.from(text, 'base64').toString('utf8') : decodeQuotedPrintable(text.replace(/_/g, ' ')),
  );
}

function splitMessage(raw: string): { headers: Record<string, string>; body: string } {
  const at = raw.indexOf('\r\n\r\n');
  const head = at < 0 ? raw : raw.slice(0, at);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = decodeWords(line.slice(colon + 1).trim());
  }
  return { headers, body: at < 0 ? '' : raw.slice(at + 4) };
}

/** Minimal MIME reading: the text/plain and text/html parts of a (multipart/alternative) message. */
export function parseMail(raw: string): Pick<CapturedMail, 'subject' | 'headers' | 'text' | 'html'> {
  const { headers, body } = splitMessage(raw);
  const parts: { type: string; body: string }[] = [];
  const boundary = /boundary="?([^";]+)"?/i.exec(headers['content-type'] ?? '')?.[1];
  const chunks = boundary ? body.split(`--${boundary}`).slice(1, -1) : [raw];
  for (const chunk of chunks) {
    const part = splitMessage(chunk.replace(/^\r\n/, ''));
    parts.push({ type: part.headers['content-type'] ?? 'text/plain', body: decodeBody(part.body.replace(/\r\n$/, ''), part.headers['content-transfer-encoding']) });
  }
  const of = (type: string) => parts.find((p) => p.type.startsWith(type))?.body ?? '';
  return { subject: headers.subject ?? '', headers, text: of('text/plain'), html: of('text/html') };
}

export async function startSmtpSink(options: SmtpSinkOptions = {}): Promise<SmtpSink> {
  const messages: CapturedMail[] = [];
  let attempts = 0;
  const server = new SMTPServer({
    logger: false,
    disabledCommands: options.auth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: !options.auth,
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      if (auth.username === options.auth?.user && auth.password === options.auth?.pass) callback(null, { user: auth.username });
      else callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
    },
    onMailFrom(_address, _session, callback) {
      attempts += 1;
      callback();
    },
    onRcptTo(_address, _session, callback) {
      const code = options.rejectWith?.(attempts);
      if (code === undefined) callback();
      else callback(Object.assign(new Error(`rejected with ${code} by the test sink`), { responseCode: code }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        const raw = Buffer.concat(chunks).toString('utf8');
        messages.push({
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          user: typeof session.user === 'string' ? session.user : null,
          raw,
          ...parseMail(raw),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
