/**
 * Bulwark pattern: cache/codec
 * Cached values as tagged JSON text, and deep-frozen copies by the same rules: undefined, NaN, -0, BigInt, Date, Map and Set survive.
 *
 * Patterns used: none
 * Packages used: none
 */

// Marks what plain JSON cannot hold (undefined, -0, Map…); an object with this key of its own is escaped.
const TAG = '$bw';

/**
 * Encodes a value as JSON text that decodes to an equal value: unlike plain JSON it keeps
 * `undefined` (top-level and nested), NaN, ±Infinity, -0, BigInt, Date, Map and Set distinct.
 * Class instances come back as plain objects (their `toJSON()` if they have one). Functions,
 * symbols and circular references throw a TypeError naming the path.
 */
export function encodeValue(value: unknown): string {
  return JSON.stringify(toTagged(value, '$', []));
}

export function decodeValue(text: string): unknown {
  return fromTagged(JSON.parse(text));
}

/**
 * What `decodeValue(encodeValue(value))` returns, without the text in between: a deep copy by the same
 * rules, for stores that keep values in memory (one difference: symbol-keyed properties are kept).
 * Throws the same TypeErrors.
 */
export function copyValue(value: unknown): unknown {
  try {
    return copyNode(value, []);
  } catch (error) {
    // Paths are only worth building for the error message: let the encoder find and name the culprit.
    if (error === UNCOPYABLE) encodeValue(value);
    throw error;
  }
}

const UNCOPYABLE = new TypeError('cache: cannot copy this value');

/** A deep copy (see {@link copyValue}) frozen all the way down: what cached() hands every caller. */
export function frozenCopy(value: unknown): unknown {
  return deepFreeze(copyValue(value));
}

function refuseMutation(): never {
  throw new TypeError('cache: cannot modify a cached value: it is deeply frozen and shared by every caller; modify a copy, e.g. structuredClone(value)');
}
const MUTATORS = {
  date: Object.getOwnPropertyNames(Date.prototype).filter((name) => name.startsWith('set')),
  map: ['set', 'delete', 'clear'],
  set: ['add', 'delete', 'clear'],
};

/**
 * Freezes what {@link copyValue} and {@link decodeValue} build (plain objects, arrays, Date, Map, Set) in
 * place. Object.freeze leaves a Date's time and a Map's or Set's entries writable, so their mutators
 * are shadowed by own, non-enumerable methods that throw (deepStrictEqual and structuredClone ignore them).
 */
export function deepFreeze<T>(value: T): T {
  if (Object.isFrozen(value)) return value; // so are null and every primitive
  let mutators: readonly string[] = [];
  if (value instanceof Date) mutators = MUTATORS.date;
  else if (value instanceof Map) {
    mutators = MUTATORS.map;
    for (const [k, v] of value) {
      deepFreeze(k);
      deepFreeze(v);
    }
  } else if (value instanceof Set) {
    mutators = MUTATORS.set;
    for (const item of value) deepFreeze(item);
  } else for (const item of Object.values(value as object)) deepFreeze(item);
  for (const name of mutators) Object.defineProperty(value, name, { value: refuseMutation });
  return Object.freeze(value);
}

function copyNode(value: unknown, ancestors: object[]): unknown {
  if (typeof value !== 'object') {
    if (typeof value === 'function' || typeof value === 'symbol') throw UNCOPYABLE;
    return value;
  }
  if (value === null) return null;
  if (value instanceof Date) return new Date(value.getTime());
  if (ancestors.includes(value)) throw UNCOPYABLE;
  ancestors.push(value);
  let copy: unknown;
  if (Array.isArray(value)) {
    const items = new Array<unknown>(value.length);
    for (let i = 0; i < value.length; i++) items[i] = copyNode(value[i], ancestors);
    copy = items;
  } else if (value instanceof Map) {
    copy = new Map(Array.from(value, ([k, v]) => [copyNode(k, ancestors), copyNode(v, ancestors)]));
  } else if (value instanceof Set) {
    copy = new Set(Array.from(value, (item) => copyNode(item, ancestors)));
  } else if (typeof (value as { toJSON?: unknown }).toJSON === 'function') {
    copy = copyNode((value as { toJSON(): unknown }).toJSON(), ancestors);
  } else {
    // Spread copies own enumerable properties at engine speed (an own "__proto__" stays a property);
    // then only the nested objects need a copy of their own.
    const record: Record<string, unknown> = { ...value };
    for (const key in record) {
      const item = record[key];
      if (typeof item === 'object' || typeof item === 'function' || typeof item === 'symbol') record[key] = copyNode(item, ancestors);
    }
    copy = record;
  }
  ancestors.pop();
  return copy;
}

function toTagged(value: unknown, path: string, ancestors: object[]): unknown {
  switch (typeof value) {
    case 'undefined':
      return { [TAG]: 'undefined' };
    case 'number':
      return Number.isFinite(value) && !Object.is(value, -0) ? value : { [TAG]: 'number', v: Object.is(value, -0) ? '-0' : String(value) };
    case 'bigint':
      return { [TAG]: 'bigint', v: value.toString() };
    case 'function':
    case 'symbol':
      throw new TypeError(`cache: cannot encode a ${typeof value} at ${path}`);
    case 'object':
      break;
    default:
      return value; // string, boolean
  }
  if (value === null) return null;
  if (ancestors.includes(value)) throw new TypeError(`cache: cannot encode a circular reference at ${path}`);
  const inner = [...ancestors, value];
  if (value instanceof Date) return { [TAG]: 'date', v: Number.isNaN(value.getTime()) ? null : value.toISOString() };
  if (Array.isArray(value)) return Array.from(value, (item, i) => toTagged(item, `${path}[${i}]`, inner));
  if (value instanceof Map)
    return { [TAG]: 'map', v: Array.from(value, ([k, v], i) => [toTagged(k, `${path}.<key ${i}>`, inner), toTagged(v, `${path}.<value ${i}>`, inner)]) };
  if (value instanceof Set) return { [TAG]: 'set', v: Array.from(value, (item, i) => toTagged(item, `${path}.<item ${i}>`, inner)) };
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return toTagged(toJSON.call(value), path, inner);
  const entries = Object.entries(value).map(([k, v]) => [k, toTagged(v, `${path}.${k}`, inner)] as const);
  // An object that itself has a `$bw` key is escaped, so user data can never pass for a tag.
  return Object.hasOwn(value, TAG) ? { [TAG]: 'object', v: entries } : Object.fromEntries(entries);
}

function fromTagged(node: unknown): unknown {
  if (node === null || typeof node !== 'object') return node;
  if (Array.isArray(node)) return node.map(fromTagged);
  const record = node as Record<string, unknown>;
  if (!Object.hasOwn(record, TAG)) return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, fromTagged(v)]));
  const v = record.v;
  switch (record[TAG]) {
    case 'undefined':
      return undefined;
    case 'number':
      return Number(v); // '-0' included
    case 'bigint':
      return BigInt(String(v));
    case 'date':
      return new Date(String(v)); // null, for an Invalid Date, parses as 'null': another one
    case 'map':
      return new Map((v as Array<[unknown, unknown]>).map(([k, item]) => [fromTagged(k), fromTagged(item)]));
    case 'set':
      return new Set((v as unknown[]).map(fromTagged));
    case 'object':
      return Object.fromEntries((v as Array<[string, unknown]>).map(([k, item]) => [k, fromTagged(item)]));
    default:
      throw new TypeError(`cache: unknown tag ${JSON.stringify(record[TAG])} in a cached value`);
  }
}
