// The search form ↔ URL ↔ API parameters. The URL holds the API's own parameter names (service,
// attr.<key>, minDurationMs, …) plus two of the UI's: `kind` (spans or logs) and `since` (a
// relative range such as 1h, turned into `from` when the search runs, so a link stays "the last
// hour"). Pure.
import type { Params } from './route.ts';

export type SearchKind = 'spans' | 'logs';

export interface AttrFilter {
  key: string;
  value: string;
}

export interface SearchForm {
  kind: SearchKind;
  service: string;
  /** spans: operation (span name) */
  name: string;
  /** spans: unset | ok | error */
  status: string;
  minDurationMs: string;
  maxDurationMs: string;
  /** logs: text in the body */
  q: string;
  /** logs */
  minSeverity: string;
  traceId: string;
  /** '', a key of SINCE_MS, or 'custom' (then from/to apply) */
  since: string;
  from: string;
  to: string;
  attrs: AttrFilter[];
}

export const SINCE_MS: Record<string, number> = { '15m': 15 * 60_000, '1h': 3_600_000, '6h': 6 * 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 };

const ATTR = 'attr.';
const SPAN_FIELDS = ['service', 'name', 'status', 'minDurationMs', 'maxDurationMs'] as const;
const LOG_FIELDS = ['service', 'q', 'minSeverity', 'traceId'] as const;

export function emptyForm(kind: SearchKind = 'spans'): SearchForm {
  return { kind, service: '', name: '', status: '', minDurationMs: '', maxDurationMs: '', q: '', minSeverity: '', traceId: '', since: '', from: '', to: '', attrs: [] };
}

export function formFromParams(params: Params): SearchForm {
  const form = emptyForm(params.kind === 'logs' ? 'logs' : 'spans');
  for (const field of [...SPAN_FIELDS, ...LOG_FIELDS]) form[field] = params[field] ?? '';
  form.from = params.from ?? '';
  form.to = params.to ?? '';
  form.since = params.since ?? (form.from || form.to ? 'custom' : '');
  form.attrs = Object.entries(params)
    .filter(([k]) => k.startsWith(ATTR))
    .map(([k, value]) => ({ key: k.slice(ATTR.length), value }));
  return form;
}

/** URL parameters for a form: only the fields of its kind, without empty values. */
export function paramsFromForm(form: SearchForm): Params {
  const params: Params = { kind: form.kind };
  for (const field of form.kind === 'spans' ? SPAN_FIELDS : LOG_FIELDS) {
    const value = form[field].trim();
    if (value !== '') params[field] = value;
  }
  if (form.since !== '' && form.since !== 'custom') params.since = form.since;
  else if (form.since === 'custom') {
    if (form.from.trim()) params.from = form.from.trim();
    if (form.to.trim()) params.to = form.to.trim();
  }
  for (const { key, value } of form.attrs) {
    if (key.trim() !== '' && value !== '') params[ATTR + key.trim()] = value;
  }
  return params;
}

/** The API query for URL parameters: `kind` dropped, `since` turned into `from` at `nowMs`. */
export function apiParams(params: Params, nowMs: number): Params {
  const query: Params = {};
  for (const [k, v] of Object.entries(params)) {
    if (k === 'kind' || k === 'since') continue;
    query[k] = v;
  }
  const since = params.since ? SINCE_MS[params.since] : undefined;
  if (since !== undefined) query.from = new Date(nowMs - since).toISOString();
  return query;
}

/** `<input type="datetime-local">` value (local time) ↔ RFC 3339 UTC for the URL and the API. */
export function localInputToIso(value: string): string {
  if (value === '') return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

export function isoToLocalInput(iso: string): string {
  const date = new Date(iso);
  if (iso === '' || Number.isNaN(date.getTime())) return '';
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 19);
}
