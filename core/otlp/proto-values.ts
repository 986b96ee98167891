// Protobuf decoding of the common messages (common.proto, resource.proto): AnyValue, KeyValue,
// Resource, InstrumentationScope. Tags are matched whole (field << 3 | wire type); anything
// else, including a known field with an unexpected wire type, is skipped.

import type { AnyValue, Attributes, Resource, Scope } from '../model.ts';
import { setAttr } from './attributes.ts';
import { decodeError, type ProtoReader } from './proto-reader.ts';
import { MAX_VALUE_DEPTH } from './validate.ts';
import { emptyResource, emptyScope } from './records.ts';

/** Reads an AnyValue message ending at end. An empty message is null. */
export function readAnyValue(r: ProtoReader, end: number, depth = 0): AnyValue {
  if (depth > MAX_VALUE_DEPTH) throw decodeError(`AnyValue nested deeper than ${MAX_VALUE_DEPTH} levels`);
  let v: AnyValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a: // 1 string_value
        v = r.string();
        break;
      case 0x10: // 2 bool_value
        v = r.bool();
        break;
      case 0x18: // 3 int_value (int64)
        v = { int: r.int64() };
        break;
      case 0x21: // 4 double_value
        v = r.double();
        break;
      case 0x2a: // 5 array_value
        v = readArrayValue(r, r.messageEnd(), depth + 1);
        break;
      case 0x32: // 6 kvlist_value
        v = { kv: readKeyValueList(r, r.messageEnd(), depth + 1) };
        break;
      case 0x3a: // 7 bytes_value
        v = { bytes: r.base64() };
        break;
      default:
        r.skipTag(tag);
    }
  }
  r.expectEnd(end);
  return v;
}

/** ArrayValue { repeated AnyValue values = 1 } */
function readArrayValue(r: ProtoReader, end: number, depth: number): AnyValue[] {
  const out: AnyValue[] = [];
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) out.push(readAnyValue(r, r.messageEnd(), depth));
    else r.skipTag(tag);
  }
  r.expectEnd(end);
  return out;
}

/** KeyValueList { repeated KeyValue values = 1 } */
function readKeyValueList(r: ProtoReader, end: number, depth: number): Attributes {
  const attrs: Attributes = {};
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) readKeyValue(r, attrs, depth);
    else r.skipTag(tag);
  }
  r.expectEnd(end);
  return attrs;
}

/** Reads one length-prefixed KeyValue { key = 1; AnyValue value = 2 } into attrs. */
export function readKeyValue(r: ProtoReader, attrs: Attributes, depth = 0): void {
  const end = r.messageEnd();
  let key = '';
  let value: AnyValue = null;
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) key = r.string();
    else if (tag === 0x12) value = readAnyValue(r, r.messageEnd(), depth);
    else r.skipTag(tag);
  }
  r.expectEnd(end);
  setAttr(attrs, key, value);
}

/** Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2 } */
export function readResource(r: ProtoReader, end: number): Resource {
  const res = emptyResource();
  while (r.pos < end) {
    const tag = r.tag();
    if (tag === 0x0a) readKeyValue(r, res.attributes);
    else if (tag === 0x10) res.droppedAttributesCount = r.uint32();
    else r.skipTag(tag);
  }
  r.expectEnd(end);
  return res;
}

/** InstrumentationScope { name = 1; version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4 } */
export function readScope(r: ProtoReader, end: number): Scope {
  const scope = emptyScope();
  while (r.pos < end) {
    const tag = r.tag();
    switch (tag) {
      case 0x0a:
        scope.name = r.string();
        break;
      case 0x12:
        scope.version = r.string();
        break;
      case 0x1a:
        readKeyValue(r, scope.attributes);
        break;
      case 0x20:
        scope.droppedAttributesCount = r.uint32();
        break;
      default:
        r.skipTag(tag);
    }
  }
  r.expectEnd(end);
  return scope;
}
