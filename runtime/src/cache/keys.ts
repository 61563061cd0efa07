/**
 * Bulwark pattern: cache/keys
 * Cache keys from call arguments: canonical, type-preserving text (object key order ignored), hashed when long.
 *
 * Patterns used: none
 * Packages used: none
 */
import { createHash } from 'node:crypto';

/** A glob matching every key body {@link keyBody} makes: each starts with "[" or "#". */
export const EVERY_KEY_BODY = '[\\[#]*';

/**
 * The key of a call after its `prefix:`. `pickKey` picks what identifies the call (default: all
 * arguments, trailing `undefined`s dropped). Throws a TypeError for a function, symbol or circular value.
 */
export function keyBody<A extends unknown[]>(args: A, pickKey?: (...args: A) => unknown): string {
  // Always an array, so every key body starts with "[" (or "#" once hashed): EVERY_KEY_BODY relies on it.
  const material = pickKey ? keyMaterialOf([pickKey(...args)]) : keyMaterialOf(trimTrailingUndefined(args));
  // Long keys cost memory on every Redis node; a digest keeps them short and still exact.
  return material.length > 200 ? `#${createHash('sha256').update(material).digest('base64url')}` : material;
}

/** The key material of an argument list: primitives are joined directly, anything else takes {@link keyMaterial}. */
function keyMaterialOf(parts: readonly unknown[]): string {
  let text = '[';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ((typeof part === 'object' && part !== null) || typeof part === 'function' || typeof part === 'symbol') {
      return keyMaterial(parts, 'arguments', []);
    }
    text += i === 0 ? primitiveKey(part) : `,${primitiveKey(part)}`;
  }
  return `${text}]`;
}

/** Key text of a primitive; objects never get here. */
function primitiveKey(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return `${value}n`;
    default:
      return String(value); // boolean, undefined, null
  }
}

/** JSON.stringify of a string, without its cost (half a hit) for the common short string that needs no escapes. */
function quote(text: string): string {
  if (text.length > 64) return JSON.stringify(text);
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    // Quote, backslash and control characters are escaped by JSON, lone surrogates too (any surrogate here).
    if (code < 0x20 || code === 0x22 || code === 0x5c || (code >= 0xd800 && code <= 0xdfff)) return JSON.stringify(text);
  }
  return `"${text}"`;
}

/**
 * A canonical text for key material: object keys sorted (so `{a, b}` and `{b, a}` match), types
 * kept apart (`1` vs `"1"`), `undefined` properties ignored as JSON would.
 */
function keyMaterial(value: unknown, path: string, ancestors: object[]): string {
  if (typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError(`cached: ${path} is a ${typeof value} and cannot be part of a cache key; pass a \`key\` option that picks the identifying arguments`);
  }
  if (typeof value !== 'object' || value === null) return primitiveKey(value);
  if (ancestors.includes(value)) throw new TypeError(`cached: ${path} is circular and cannot be part of a cache key`);
  const inner = [...ancestors, value];
  const sorted = (parts: string[]) => parts.sort().join(',');
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (Array.isArray(value)) return `[${Array.from(value, (item, i) => keyMaterial(item, `${path}[${i}]`, inner)).join(',')}]`;
  if (value instanceof Map) return `Map{${sorted(Array.from(value, ([k, v]) => `${keyMaterial(k, `${path}.<key>`, inner)}=>${keyMaterial(v, `${path}.<value>`, inner)}`))}}`;
  if (value instanceof Set) return `Set{${sorted(Array.from(value, (item) => keyMaterial(item, `${path}.<item>`, inner)))}}`;
  const entries = Object.entries(value).filter(([, v]) => v !== undefined);
  return `{${sorted(entries.map(([k, v]) => `${JSON.stringify(k)}:${keyMaterial(v, `${path}.${k}`, inner)}`))}}`;
}

// f(1) and f(1, undefined) are the same call for an optional parameter, so they share a key.
function trimTrailingUndefined(args: readonly unknown[]): readonly unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
}
