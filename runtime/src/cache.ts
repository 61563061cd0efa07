/**
 * Bulwark pattern: cache
 * cached(): read-through caching with full-argument keys, negative caching, single-flight and outage fallback; in-memory LRU+TTL store.
 *
 * Patterns used: log
 * Packages used: none
 */
import { createHash } from 'node:crypto';
import { logger } from './log.js';

/**
 * Where cached() keeps encoded values (see {@link encodeValue}). Stores may throw or hang:
 * cached() bounds every call by `storeTimeout` and treats a failure as a miss.
 */
export interface CacheStore {
  /** The stored text, or undefined when absent or expired. */
  get(key: string): Promise<string | undefined>;
  /** Stores `value` for `ttl` ms (> 0). */
  set(key: string, value: string, ttl: number): Promise<void>;
  /** Removes one key; resolves true when it existed. */
  delete(key: string): Promise<boolean>;
  /** Removes every key matching a Redis-style glob (`*`, `?`, `[a-z]`, `[^a]`, `\` escapes); resolves with the count. */
  deleteMatching(pattern: string, signal?: AbortSignal): Promise<number>;
}

export interface MemoryStoreOptions {
  /** Entries kept before the least recently used is evicted. Default 1_000. */
  maxEntries?: number;
}

/** An in-process LRU+TTL store: bounded by `maxEntries`, expired entries are dropped when read or evicted. */
export class MemoryStore implements CacheStore {
  readonly #entries = new Map<string, { value: string; expiresAt: number }>();
  readonly #maxEntries: number;

  constructor(options: MemoryStoreOptions = {}) {
    const { maxEntries = 1_000 } = options;
    if (!Number.isSafeInteger(maxEntries) || maxEntries < 1) {
      throw new RangeError(`MemoryStore: maxEntries must be a positive integer, got ${String(maxEntries)}`);
    }
    this.#maxEntries = maxEntries;
  }

  /** Entries held, including expired ones not yet dropped. */
  get size(): number {
    return this.#entries.size;
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (entry.expiresAt <= performance.now()) return undefined;
    this.#entries.set(key, entry); // re-insert: a Map iterates in insertion order, so the front is least recently used
    return entry.value;
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    this.#entries.delete(key);
    this.#entries.set(key, { value, expiresAt: performance.now() + ttl });
    for (const oldest of this.#entries.keys()) {
      if (this.#entries.size <= this.#maxEntries) break;
      this.#entries.delete(oldest);
    }
  }

  async delete(key: string): Promise<boolean> {
    const entry = this.#entries.get(key);
    this.#entries.delete(key);
    return entry !== undefined && entry.expiresAt > performance.now();
  }

  async deleteMatching(pattern: string, signal?: AbortSignal): Promise<number> {
    signal?.throwIfAborted();
    const matches = globToRegExp(pattern);
    const now = performance.now();
    let removed = 0;
    for (const [key, entry] of this.#entries) {
      if (!matches.test(key)) continue;
      this.#entries.delete(key);
      if (entry.expiresAt > now) removed++;
    }
    return removed;
  }
}

export interface CachedOptions<A extends unknown[]> {
  /** Namespace of this function's keys, e.g. `user:v2`; bump it when the value's shape changes. Required. */
  prefix: string;
  /** Default: a private `new MemoryStore()` (1_000 entries). Share a RedisStore across processes. */
  store?: CacheStore;
  /** Lifetime of a cached value, ms. Default 60_000. */
  ttl?: number;
  /** Lifetime of a cached `null`/`undefined` ("not found"), ms; 0 disables negative caching. Default min(ttl, 5_000). */
  negativeTtl?: number;
  /** Picks what identifies a call when not every argument should (or can) be part of the key. Default: all arguments. */
  key?: (...args: A) => unknown;
  /** A store call slower than this, ms, counts as failed: the loader runs instead. Default 250. */
  storeTimeout?: number;
}

export interface CachedFunction<A extends unknown[], R> {
  (...args: A): Promise<R>;
  /** Removes the entry for these arguments; a load already in flight for them is not stored. Rejects when the store fails. */
  invalidate(...args: A): Promise<void>;
  /** Removes every entry under this prefix (SCAN+UNLINK on Redis); resolves with the count. Rejects when the store fails. */
  invalidateAll(signal?: AbortSignal): Promise<number>;
  /** The store key for these arguments. */
  keyFor(...args: A): string;
}

interface Flight<R> {
  readonly key: string;
  result: Promise<R>;
  /** Set by invalidation: whatever this flight loaded is already stale and must not be stored. */
  invalidated: boolean;
}

/**
 * Wraps `load` in a read-through cache. Concurrent calls with the same key share one store read
 * and one `load` call (single-flight); a rejected load is shared by those callers and not cached.
 * A failing or slow store never fails the call: it is logged and `load` answers instead.
 * Invalidation is exact within this process; other processes can still write a value they loaded
 * before it, until its TTL ends.
 */
export function cached<A extends unknown[], R>(load: (...args: A) => R | PromiseLike<R>, options: CachedOptions<A>): CachedFunction<A, R> {
  if (typeof load !== 'function') throw new TypeError(`cached: load must be a function, got ${describe(load)}`);
  const { prefix, store = new MemoryStore(), ttl = 60_000, key: pickKey, storeTimeout = 250 } = options ?? ({} as CachedOptions<A>);
  const negativeTtl = options?.negativeTtl ?? Math.min(ttl, 5_000);
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError(`cached: prefix must be a non-empty string, got ${describe(prefix)}`);
  requirePositive('ttl', ttl);
  requirePositive('storeTimeout', storeTimeout);
  if (!(Number.isFinite(negativeTtl) && negativeTtl >= 0)) throw new RangeError(`cached: negativeTtl must be a finite number >= 0, got ${describe(negativeTtl)}`);

  /** Loads that new calls for the same key join (single-flight). */
  const inflight = new Map<string, Flight<R>>();
  /** Loads not yet written to the store, which invalidation must stop from writing. */
  const unfinished = new Set<Flight<R>>();
  const health = storeHealth(prefix);

  function keyFor(...args: A): string {
    // Always an array, so every key body starts with "[" (or "#" once hashed): invalidateAll relies on it.
    const material = keyMaterial(pickKey ? [pickKey(...args)] : trimTrailingUndefined(args), 'arguments', []);
    // Long keys cost memory on every Redis node; a digest keeps them short and still exact.
    const body = material.length > 200 ? `#${createHash('sha256').update(material).digest('base64url')}` : material;
    return `${prefix}:${body}`;
  }

  async function read(key: string): Promise<{ value: R } | undefined> {
    let text: string | undefined;
    try {
      text = await withTimeout(store.get(key), storeTimeout, 'get');
      health.succeeded();
    } catch (error) {
      health.failed('get', error);
      return undefined;
    }
    if (text === undefined) return undefined;
    try {
      return { value: decodeValue(text) as R };
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: ignoring an entry that cannot be decoded');
      return undefined;
    }
  }

  async function write(key: string, value: R, flight: Flight<R>): Promise<void> {
    const lifetime = value === null || value === undefined ? negativeTtl : ttl;
    if (flight.invalidated || lifetime === 0) return;
    let text: string;
    try {
      text = encodeValue(value);
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: value cannot be cached; returned uncached');
      return;
    }
    try {
      await withTimeout(store.set(key, text, lifetime), storeTimeout, 'set');
      health.succeeded();
    } catch (error) {
      health.failed('set', error);
    }
  }

  const call = (...args: A): Promise<R> => {
    let key: string;
    try {
      key = keyFor(...args);
    } catch (error) {
      return Promise.reject(error);
    }
    const joinable = inflight.get(key);
    if (joinable) return joinable.result;

    const flight = { key, invalidated: false } as Flight<R>;
    let written: Promise<void> | undefined;
    // Joining ends once the value is known: later calls read the store and get their own copy.
    const leave = () => inflight.get(key) === flight && inflight.delete(key);
    flight.result = (async () => {
      try {
        const hit = await read(key);
        if (hit) return hit.value;
        const value = await load(...args);
        leave();
        // Issued before the caller resumes, so its next call, or an invalidation, is ordered after it.
        written = write(key, value, flight);
        return value;
      } finally {
        leave();
      }
    })();
    inflight.set(key, flight);
    unfinished.add(flight);
    void flight.result.then(() => written, () => undefined).finally(() => unfinished.delete(flight));
    return flight.result;
  };

  function markInvalidated(matches: (flight: Flight<R>) => boolean): void {
    for (const flight of unfinished) {
      if (!matches(flight)) continue;
      flight.invalidated = true;
      if (inflight.get(flight.key) === flight) inflight.delete(flight.key);
    }
  }

  return Object.assign(call, {
    keyFor,
    async invalidate(...args: A): Promise<void> {
      const key = keyFor(...args);
      markInvalidated((flight) => flight.key === key);
      await store.delete(key);
    },
    async invalidateAll(signal?: AbortSignal): Promise<number> {
      markInvalidated(() => true);
      // Key bodies start with "[" or "#", so a longer prefix such as `${prefix}:v2` is not matched.
      return store.deleteMatching(`${escapeGlob(prefix)}:[\\[#]*`, signal);
    },
  });
}

/** Logs when the store stops and starts answering, not on every failed call: an outage must not flood the logs. */
function storeHealth(prefix: string) {
  let failing = false;
  return {
    failed(operation: string, error: unknown): void {
      if (failing) return logger.debug({ prefix, operation, err: error }, 'cache: store still unavailable');
      failing = true;
      logger.warn({ prefix, operation, err: error }, 'cache: store unavailable, calling the loader instead');
    },
    succeeded(): void {
      if (!failing) return;
      failing = false;
      logger.info({ prefix }, 'cache: store available again');
    },
  };
}

function withTimeout<T>(operation: Promise<T>, ms: number, name: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`cache: store ${name} took longer than ${ms} ms`)), ms);
  });
  operation.catch(() => undefined); // a late failure after the timeout has nobody left to report to
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

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
  if (value instanceof Map) return { [TAG]: 'map', v: Array.from(value, ([k, v], i) => [toTagged(k, `${path}.<key ${i}>`, inner), toTagged(v, `${path}.<value ${i}>`, inner)]) };
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
      return v === '-0' ? -0 : Number(v);
    case 'bigint':
      return BigInt(String(v));
    case 'date':
      return new Date(v === null ? Number.NaN : String(v));
    case 'map':
      return new Map((v as Array<[unknown, unknown]>).map(([k, item]) => [fromTagged(k), fromTagged(item)]));
    case 'set':
      return new Set((v as unknown[]).map(fromTagged));
    case 'object':
      return Object.fromEntries((v as Array<[string, unknown]>).map(([k, item]) => [k, fromTagged(item)]));
    default:
      throw new TypeError(`cache: unknown tag ${describe(record[TAG])} in a cached value`);
  }
}

/**
 * A canonical text for key material: object keys sorted (so `{a, b}` and `{b, a}` match), types
 * kept apart (`1` vs `"1"`), `undefined` properties ignored as JSON would.
 */
function keyMaterial(value: unknown, path: string, ancestors: object[]): string {
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value);
    case 'number':
      return Object.is(value, -0) ? '0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'function':
    case 'symbol':
      throw new TypeError(`cached: ${path} is a ${typeof value} and cannot be part of a cache key; pass a \`key\` option that picks the identifying arguments`);
  }
  if (value === null) return 'null';
  if (ancestors.includes(value as object)) throw new TypeError(`cached: ${path} is circular and cannot be part of a cache key`);
  const inner = [...ancestors, value as object];
  const sorted = (parts: string[]) => parts.sort().join(',');
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'invalid' : value.toISOString()})`;
  if (Array.isArray(value)) return `[${Array.from(value, (item, i) => keyMaterial(item, `${path}[${i}]`, inner)).join(',')}]`;
  if (value instanceof Map) return `Map{${sorted(Array.from(value, ([k, v]) => `${keyMaterial(k, `${path}.<key>`, inner)}=>${keyMaterial(v, `${path}.<value>`, inner)}`))}}`;
  if (value instanceof Set) return `Set{${sorted(Array.from(value, (item) => keyMaterial(item, `${path}.<item>`, inner)))}}`;
  const entries = Object.entries(value as object).filter(([, v]) => v !== undefined);
  return `{${sorted(entries.map(([k, v]) => `${JSON.stringify(k)}:${keyMaterial(v, `${path}.${k}`, inner)}`))}}`;
}

// f(1) and f(1, undefined) are the same call for an optional parameter, so they share a key.
function trimTrailingUndefined(args: unknown[]): unknown[] {
  let end = args.length;
  while (end > 0 && args[end - 1] === undefined) end--;
  return end === args.length ? args : args.slice(0, end);
}

/** Escapes a literal for use inside a Redis glob pattern. */
export function escapeGlob(literal: string): string {
  return literal.replace(/[*?[\]\\^]/g, '\\$&');
}

/** Converts a Redis-style glob to an anchored RegExp, so MemoryStore matches exactly what Redis would. */
export function globToRegExp(glob: string): RegExp {
  const escape = (ch: string) => ch.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');
  let source = '';
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i]!;
    if (ch === '\\' && i + 1 < glob.length) source += escape(glob[++i]!);
    else if (ch === '*') source += '[\\s\\S]*';
    else if (ch === '?') source += '[\\s\\S]';
    else if (ch === '[') {
      let j = i + 1;
      let set = '';
      if (glob[j] === '^') {
        set = '^';
        j++;
      }
      for (; j < glob.length && glob[j] !== ']'; j++) {
        const member = glob[j]!;
        if (member === '\\' && j + 1 < glob.length) set += escape(glob[++j]!);
        else if (member === '-' && set !== '' && set !== '^' && j + 1 < glob.length && glob[j + 1] !== ']') set += '-';
        else set += escape(member);
      }
      source += `[${set}]`;
      i = j; // Redis treats an unclosed class as running to the end of the pattern
    } else source += escape(ch);
  }
  return new RegExp(`^${source}$`);
}

function requirePositive(name: string, value: unknown): void {
  if (!(typeof value === 'number' && Number.isFinite(value) && value > 0)) {
    throw new RangeError(`cached: ${name} must be a finite number of ms > 0, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'function' ? 'a function' : String(value);
}
