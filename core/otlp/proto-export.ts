// The envelope shared by ExportTraceServiceRequest and ExportLogsServiceRequest:
//   Export*ServiceRequest { repeated Resource* resource_* = 1 }
//   Resource* { Resource resource = 1; repeated Scope* scope_* = 2; string schema_url = 3 }
//   Scope*    { InstrumentationScope scope = 1; repeated <Item> items = 2; string schema_url = 3 }
// Items need their resource and scope, which the wire may carry after them, so each envelope
// level is scanned twice: once for its resource/scope, once for its children (the scan only
// skips over length prefixes, so it costs next to nothing).

import type { MappingResult, Resource, Scope } from '../model.ts';
import { ProtoReader } from './proto-reader.ts';
import { readResource, readScope } from './proto-values.ts';
import { emptyResource, emptyScope, itemContext, type ItemContext } from './records.ts';
import { maxNanos, ResultBuilder } from './validate.ts';

export interface ProtoItemCodec<T> {
  /** Item name in rejection messages. */
  label: string;
  /** Decodes one item message ending at end. */
  decode(r: ProtoReader, end: number, ctx: ItemContext): T;
  /** Validates and completes an item; returns the rejection reason, if any. */
  finish(item: T, ctx: ItemContext): string | undefined;
}

interface Job<T> {
  r: ProtoReader;
  out: ResultBuilder<T>;
  codec: ProtoItemCodec<T>;
  maxNs: string;
}

export function decodeExportProto<T>(body: Uint8Array, nowMs: number, codec: ProtoItemCodec<T>): MappingResult<T> {
  const r = new ProtoReader(body);
  const job: Job<T> = { r, out: new ResultBuilder<T>(codec.label), codec, maxNs: maxNanos(nowMs) };
  let ri = 0;
  while (r.pos < r.len) {
    const tag = r.tag();
    if (tag === 0x0a) readResourceItems(job, r.messageEnd(), ri++);
    else r.skipTag(tag);
  }
  return job.out.result();
}

function readResourceItems<T>(job: Job<T>, end: number, ri: number): void {
  const r = job.r;
  const start = r.pos;
  let resource: Resource | undefined;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) resource = readResource(r, r.messageEnd());
    else r.skipTag(tag);
  }
  r.expectEnd(end);
  resource ??= emptyResource();
  r.pos = start;
  let si = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) readScopeItems(job, r.messageEnd(), ri, si++, resource);
    else r.skipTag(tag);
  }
}

function readScopeItems<T>(job: Job<T>, end: number, ri: number, si: number, resource: Resource): void {
  const r = job.r;
  const start = r.pos;
  let scope: Scope | undefined;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) scope = readScope(r, r.messageEnd());
    else r.skipTag(tag);
  }
  r.expectEnd(end);
  const ctx = itemContext(resource, scope ?? emptyScope(), job.maxNs);
  const { codec, out } = job;
  r.pos = start;
  let ii = 0;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x12) {
      const item = codec.decode(r, r.messageEnd(), ctx);
      const reason = codec.finish(item, ctx);
      if (reason === undefined) out.items.push(item);
      else out.reject(reason, ii, si, ri);
      ii++;
    } else {
      r.skipTag(tag);
    }
  }
}
