/**
 * Bulwark pattern: cache/keys
 * Cache keys from call arguments: canonical, type-tagged text (object key order ignored), hashed when long; a TypeError for what it cannot describe.
 *
 * Patterns used: none
 * Packages used: none
 */
import { createHash } from 'node:crypto';

/** A glob matching every key body {@link keyBody} makes: each starts with "[" or "#". */
export const EVERY_KEY_BODY = '[\\[#]*';

/**
 * Name of the method a class defines to be part of cache keys: `[cacheKey]() { return this.id; }`. It
 * returns what identifies the instance (any value keys can describe); it takes precedence over toJSON().
 */
export const cacheKey = Symbol.for('bulwark.cacheKey');

/**
 * The key of a call after its `prefix:`. `pickKey` picks what identifies the call (default: all
 * arguments, trailing `undefined`s dropped). Values are keyed by what identifies them, each type
 * tagged so that no two types share a key (`1` vs `"1"`, a Buffer vs an object with index keys):
 * - primitives by value: -0 is not 0, every NaN is one NaN; symbols only from `Symbol.for()`;
 * - plain objects by their own enumerable properties in any order, arrays by their items; a property
 *   or item that is `undefined` counts as absent, as in JSON and options objects (so do array holes);
 * - Date by its time (Invalid Date too), URL by href, URLSearchParams by its text, RegExp by source and
 *   flags, Buffer, typed arrays, DataView and ArrayBuffer by type and bytes, Map and Set by their
 *   entries in any order, boxed primitives by their value;
 * - any other class instance by its `[cacheKey]()`, else its `toJSON()`, tagged with the class name.
 * Anything else throws a TypeError naming where it is: functions, other symbols, circular values,
 * objects with symbol keys, and class instances with neither method (private fields and getters are
 * invisible to keys: keying a URL by its own properties made every URL one key).
 */
export function keyBody<A extends unknown[]>(args: A, pickKey?: (...args: A) => unknown): string {
  return pickKey ? pickedKeyBody(pickKey(...args)) : digest(keyMaterialOf(trimTrailingUndefined(args), 'arguments'));
}

/** The key body of a call whose `key` option picked `picked`; the same as `keyBody([picked])` when that does not throw. */
export function pickedKeyBody(picked: unknown): string {
  return digest(`[${keyMaterial(picked, "the key option's result", [])}]`);
}

// Always an array, so every key body starts with "[" (or "#" once hashed): EVERY_KEY_BODY relies on it.
// Long keys cost memory on every Redis node; a digest keeps them short and still exact.
function digest(material: string): string {
  return material.length > 200 ? `#${createHash('sha256').update(material).digest('base64url')}` : material;
}

/** The key material of an argument list: primitives are joined directly, anything else takes {@link keyMaterial}. */
function keyMaterialOf(parts: readonly unknown[], what: string): string {
  let text = '[';
  for (let i = 0; i < parts.length; i++) {
    const part = parts[i];
    if ((typeof part === 'object' && part !== null) || typeof part === 'function' || typeof part === 'symbol') {
      return `[${Array.from(parts, (item, j) => keyMaterial(item, `${what}[${j}]`, [])).join(',')}]`;
    }
    text += i === 0 ? primitiveKey(part) : `,${primitiveKey(part)}`;
  }
  return `${text}]`;
}

/** Key text of a primitive other than a symbol; objects never get here. */
export function primitiveKey(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
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

function keyMaterial(value: unknown, path: string, ancestors: object[]): string {
  if (typeof value === 'symbol') {
    const name = Symbol.keyFor(value);
    if (name !== undefined) return `Symbol.for(${quote(name)})`;
    throw new TypeError(
      `cached: ${path} is a symbol not made by Symbol.for() and cannot be part of a cache key; pass a \`key\` option that picks the identifying arguments`,
    );
  }
  if (typeof value === 'function') {
    throw new TypeError(`cached: ${path} is a function and cannot be part of a cache key; pass a \`key\` option that picks the identifying arguments`);
  }
  if (typeof value !== 'object' || value === null) return primitiveKey(value);
  if (ancestors.includes(value)) throw new TypeError(`cached: ${path} is circular and cannot be part of a cache key`);
  ancestors.push(value);
  const text = objectKey(value, path, ancestors);
  ancestors.pop();
  return text;
}

const sorted = (parts: string[]) => parts.sort().join(',');

function objectKey(value: object, path: string, ancestors: object[]): string {
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    if (Object.getOwnPropertySymbols(value).some((symbol) => Object.prototype.propertyIsEnumerable.call(value, symbol))) {
      throw new TypeError(`cached: ${path} has symbol-keyed properties and cannot be part of a cache key; pass a \`key\` option`);
    }
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value)) if (v !== undefined) parts.push(`${quote(k)}:${keyMaterial(v, `${path}.${k}`, ancestors)}`);
    return `{${sorted(parts)}}`;
  }
  // Array.from reads a hole as undefined, which is what an absent property counts as.
  if (proto === Array.prototype) return `[${Array.from(value as unknown[], (item, i) => keyMaterial(item, `${path}[${i}]`, ancestors)).join(',')}]`;
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (value instanceof URL) return `URL(${quote(value.href)})`;
  if (value instanceof URLSearchParams) return `URLSearchParams(${quote(value.toString())})`;
  if (value instanceof RegExp) return `RegExp(${quote(value.source)},${quote(value.flags)})`;
  if (ArrayBuffer.isView(value)) {
    const type = Buffer.isBuffer(value) ? 'Buffer' : Object.prototype.toString.call(value).slice(8, -1);
    return `${type}(${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')})`;
  }
  if (value instanceof ArrayBuffer || (typeof SharedArrayBuffer === 'function' && value instanceof SharedArrayBuffer)) {
    return `${Object.prototype.toString.call(value).slice(8, -1)}(${Buffer.from(value).toString('hex')})`;
  }
  if (value instanceof Map) {
    return `Map{${sorted(Array.from(value, ([k, v]) => `${keyMaterial(k, `${path}.<key>`, ancestors)}=>${keyMaterial(v, `${path}.<value>`, ancestors)}`))}}`;
  }
  if (value instanceof Set) return `Set{${sorted(Array.from(value, (item) => keyMaterial(item, `${path}.<item>`, ancestors)))}}`;
  if (value instanceof String || value instanceof Number || value instanceof Boolean) {
    return `${Object.prototype.toString.call(value).slice(8, -1)}(${primitiveKey(value.valueOf())})`;
  }
  const className = nameOf(proto);
  const hook = (value as { [cacheKey]?: unknown })[cacheKey];
  if (typeof hook === 'function') return `new ${quote(className)}(${keyMaterial(hook.call(value), `${path}[cacheKey]()`, ancestors)})`;
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return `new ${quote(className)}(${keyMaterial(toJSON.call(value), `${path}.toJSON()`, ancestors)})`;
  throw new TypeError(
    `cached: ${path} is an instance of ${className}, which a cache key cannot describe (private fields and getters are invisible to it); ` +
      'give the class a toJSON() or [cacheKey]() method that returns what identifies it, or pass a `key` option',
  );
}

function nameOf(proto: unknown): string {
  const constructor = (proto as { constructor?: unknown } | null)?.constructor;
  return typeof constructor === 'function' && constructor.name !== '' ? constructor.name : 'anonymous class';
}

// f(1) and f(1, undefined) are the same call for an optional parameter, so they share a key.
function trimTrailingUndefined(args: readonly unknown[]): readonly unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
}
