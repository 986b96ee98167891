// The envelope shared by OTLP/JSON ExportTraceServiceRequest and ExportLogsServiceRequest:
// { resourceSpans|resourceLogs: [{ resource, scopeSpans|scopeLogs: [{ scope, spans|logRecords }] }] }

import { OrdertraceError } from '../errors.ts';
import type { MappingResult } from '../model.ts';
import { parseJsonLossless } from './json-lossless.ts';
import { field, isObject, jsonResource, jsonScope, type JsonObject } from './json-values.ts';
import { itemContext, type ItemContext } from './records.ts';
import { maxNanos, ResultBuilder } from './validate.ts';

/** [JSON name, proto name] of a field. */
type Names = readonly [string, string];

export interface JsonItemCodec<T> {
  /** Item name in rejection messages. */
  label: string;
  resources: Names;
  scopes: Names;
  items: Names;
  /** Maps one item object. */
  decode(o: JsonObject, ctx: ItemContext): T;
  /** Validates and completes an item; returns the rejection reason, if any. */
  finish(item: T, ctx: ItemContext): string | undefined;
}

function decodeError(message: string): OrdertraceError {
  return new OrdertraceError('OT_ERR_DECODE', `json: ${message}`);
}

function list(o: JsonObject, names: Names, where: string): unknown[] {
  const v = field(o, names[0], names[1]);
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw decodeError(`${where}${names[0]} is not an array`);
  return v;
}

export function decodeExportJson<T>(body: string, nowMs: number, codec: JsonItemCodec<T>): MappingResult<T> {
  let root: unknown;
  try {
    root = parseJsonLossless(body);
  } catch (err) {
    throw decodeError((err as Error).message);
  }
  if (!isObject(root)) throw decodeError('the body is not a JSON object');
  const maxNs = maxNanos(nowMs);
  const out = new ResultBuilder<T>(codec.label);
  const resources = list(root, codec.resources, '');
  for (let ri = 0; ri < resources.length; ri++) {
    const rs = resources[ri];
    const where = `${codec.resources[0]}[${ri}].`;
    if (!isObject(rs)) throw decodeError(`${where.slice(0, -1)} is not an object`);
    const resource = jsonResource(rs['resource']);
    const scopes = list(rs, codec.scopes, where);
    for (let si = 0; si < scopes.length; si++) {
      const ss = scopes[si];
      const swhere = `${where}${codec.scopes[0]}[${si}].`;
      if (!isObject(ss)) throw decodeError(`${swhere.slice(0, -1)} is not an object`);
      const ctx = itemContext(resource, jsonScope(ss['scope']), maxNs);
      const items = list(ss, codec.items, swhere);
      for (let ii = 0; ii < items.length; ii++) {
        const o = items[ii];
        if (!isObject(o)) {
          out.reject('not an object', ii, si, ri);
          continue;
        }
        const item = codec.decode(o, ctx);
        const reason = codec.finish(item, ctx);
        if (reason === undefined) out.items.push(item);
        else out.reject(reason, ii, si, ri);
      }
    }
  }
  return out.result();
}
