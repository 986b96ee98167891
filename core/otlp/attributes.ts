// Helpers over the model's Attributes, shared by the JSON and protobuf mappers and order events.

import type { AnyValue, Attributes } from '../model.ts';

export const DEFAULT_SERVICE = 'unknown_service';

/** Sets attrs[key] as an own data property, even for the key '__proto__'. */
export function setAttr(attrs: Attributes, key: string, value: AnyValue): void {
  if (key === '__proto__') {
    Object.defineProperty(attrs, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    attrs[key] = value;
  }
}

/** The attribute's value when it is a string, else undefined. */
export function stringAttr(attrs: Attributes, key: string): string | undefined {
  if (!Object.hasOwn(attrs, key)) return undefined;
  const v = attrs[key];
  return typeof v === 'string' ? v : undefined;
}

/** service.name of a resource, 'unknown_service' when absent or empty. */
export function serviceOf(resourceAttrs: Attributes): string {
  return stringAttr(resourceAttrs, 'service.name') || DEFAULT_SERVICE;
}

/**
 * order.id of a span/log/resource: a string attribute, or an int attribute (numeric order IDs are
 * common) as its decimal text. '' when absent.
 */
export function orderIdOf(attrs: Attributes): string {
  if (!Object.hasOwn(attrs, 'order.id')) return '';
  const v = attrs['order.id'];
  if (typeof v === 'string') return v;
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && 'int' in v) return v.int;
  return '';
}

/** A readable string form of any attribute value (for order-event attributes and hashing). */
export function anyValueToString(v: AnyValue): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return '';
  if (Array.isArray(v)) return JSON.stringify(v);
  if ('int' in v) return v.int;
  if ('bytes' in v) return v.bytes;
  return JSON.stringify(v.kv);
}
