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

/** An entry of a {@link LocalCacheStore}: a value as cached() put it, or text written through `set`. */
export interface LocalEntry {
  readonly value: unknown;
  /** True when `value` is encoded text (see {@link encodeValue}). */
  readonly encoded: boolean;
}

/**
 * A CacheStore in this process's memory. cached() keeps values in it as they are (copied, never
 * encoded) and reads it synchronously: a hit costs no promise race against a timeout and no decoding.
 */
export interface LocalCacheStore extends CacheStore {
  /** The entry for `key`, or undefined when absent or expired; counts as a use. */
  peek(key: string): LocalEntry | undefined;
  /** Stores `value` as it is for `ttl` ms (> 0); cached() passes a copy nobody else holds. */
  put(key: string, value: unknown, ttl: number): void;
}

export interface MemoryStoreOptions {
  /** Entries kept before the least recently used (approximately: see MemoryStore) is evicted. Default 1_000. */
  maxEntries?: number;
}

interface MemoryEntry extends LocalEntry {
  expiresAt: number;
  /** Read since it last came round to the front: it gets a second chance instead of eviction. */
  used: boolean;
}

let clockReading: number | undefined;

/**
 * performance.now(), read at most once per millisecond: a reading costs as much as the rest of a hit.
 * The reading is dropped by a 1 ms timer, so it can only lag while synchronous code holds the thread.
 */
function coarseNow(): number {
  if (clockReading !== undefined) return clockReading;
  clockReading = performance.now();
  setTimeout(() => (clockReading = undefined), 1).unref();
  return clockReading;
}

// Second chances given per eviction, bounding its work; the last entry probed is evicted even if used.
const MAX_EVICTION_PROBES = 16;

/**
 * An in-process LRU+TTL store: bounded by `maxEntries`, expired entries are dropped when read or evicted.
 * Exact least-recently-used order would cost a delete and re-insert per hit; instead eviction follows
 * the CLOCK algorithm: a read sets the entry's `used` bit, and an entry found at the front of the Map
 * with the bit set moves to the back with the bit cleared instead of being dropped.
 */
export class MemoryStore implements LocalCacheStore {
  readonly #entries = new Map<string, MemoryEntry>();
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

  peek(key: string): LocalEntry | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= coarseNow()) {
      this.#entries.delete(key);
      return undefined;
    }
    entry.used = true;
    return entry;
  }

  put(key: string, value: unknown, ttl: number): void {
    this.#write(key, value, false, ttl);
  }

  async get(key: string): Promise<string | undefined> {
    const entry = this.peek(key);
    if (entry === undefined) return undefined;
    return entry.encoded ? (entry.value as string) : encodeValue(entry.value);
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    this.#write(key, value, true, ttl);
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

  #write(key: string, value: unknown, encoded: boolean, ttl: number): void {
    this.#entries.delete(key);
    this.#entries.set(key, { value, encoded, expiresAt: performance.now() + ttl, used: false });
    for (let probe = 1; this.#entries.size > this.#maxEntries; probe++) {
      const [oldest, entry] = this.#entries.entries().next().value!;
      this.#entries.delete(oldest);
      if (!entry.used || probe >= MAX_EVICTION_PROBES) continue;
      entry.used = false;
      this.#entries.set(oldest, entry);
    }
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
  /**
   * Invalidations the store could not take (an outage) are remembered for later delivery, their keys
   * bypassing the store meanwhile. Past this many keys, the whole prefix bypasses the store until it
   * can be cleared at once. Default 10_000.
   */
  maxPendingInvalidations?: number;
}

export interface CachedFunction<A extends unknown[], R> {
  (...args: A): Promise<R>;
  /**
   * Removes the entry for these arguments; a load already in flight for them is not stored. When the
   * store cannot take it (down or slow), it does not reject: the invalidation is delivered later, and
   * until then this process reads those arguments from the loader and stores nothing for them.
   */
  invalidate(...args: A): Promise<void>;
  /**
   * Removes every entry under this prefix (SCAN+UNLINK on Redis); resolves with the count. When the
   * store cannot take it, resolves 0 and the whole prefix bypasses the store until it can. Rejects
   * only with `signal.reason` when aborted (the rest is then delivered later too).
   */
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

const MISS = Symbol('miss');

/**
 * Wraps `load` in a read-through cache. Concurrent calls with the same key share one store read
 * and one `load` call (single-flight); a rejected load is shared by those callers and not cached.
 * A failing or slow store never fails the call: it is logged and `load` answers instead.
 * Every caller gets its own copy of a cached value, so mutating it cannot change the cache.
 * Invalidation is exact within this process; other processes can still write a value they loaded
 * before it, or read one this process could not yet delete, until its TTL ends.
 */
export function cached<A extends unknown[], R>(load: (...args: A) => R | PromiseLike<R>, options: CachedOptions<A>): CachedFunction<A, R> {
  if (typeof load !== 'function') throw new TypeError(`cached: load must be a function, got ${describe(load)}`);
  const { prefix, store = new MemoryStore(), ttl = 60_000, key: pickKey, storeTimeout = 250, maxPendingInvalidations = 10_000 } = options ?? ({} as CachedOptions<A>);
  const negativeTtl = options?.negativeTtl ?? Math.min(ttl, 5_000);
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError(`cached: prefix must be a non-empty string, got ${describe(prefix)}`);
  requirePositive('ttl', ttl);
  requirePositive('storeTimeout', storeTimeout);
  if (!(Number.isFinite(negativeTtl) && negativeTtl >= 0)) throw new RangeError(`cached: negativeTtl must be a finite number >= 0, got ${describe(negativeTtl)}`);
  if (!(Number.isSafeInteger(maxPendingInvalidations) && maxPendingInvalidations >= 0)) {
    throw new RangeError(`cached: maxPendingInvalidations must be an integer >= 0, got ${describe(maxPendingInvalidations)}`);
  }

  const local = isLocalStore(store) ? store : undefined;
  /** Loads that new calls for the same key join (single-flight). */
  const inflight = new Map<string, Flight<R>>();
  /** Loads not yet written to the store, which invalidation must stop from writing. */
  const unfinished = new Set<Flight<R>>();
  // Key bodies start with "[" or "#", so a longer prefix such as `${prefix}:v2` is not matched.
  const everyKey = `${escapeGlob(prefix)}:[\\[#]*`;
  const pending = pendingInvalidations({ store, prefix, everyKey, maxKeys: maxPendingInvalidations, storeTimeout });
  const health = storeHealth(prefix, () => pending.storeAnswered());

  function keyOf(args: A): string {
    // Always an array, so every key body starts with "[" (or "#" once hashed): invalidateAll relies on it.
    const material = pickKey ? keyMaterialOf([pickKey(...args)]) : keyMaterialOf(trimTrailingUndefined(args));
    // Long keys cost memory on every Redis node; a digest keeps them short and still exact.
    const body = material.length > 200 ? `#${createHash('sha256').update(material).digest('base64url')}` : material;
    return `${prefix}:${body}`;
  }

  function readLocal(key: string): R | typeof MISS {
    const entry = local!.peek(key);
    if (entry === undefined) return MISS;
    if (!entry.encoded) return copyValue(entry.value) as R;
    return decodeOrMiss(entry.value as string);
  }

  async function readRemote(key: string): Promise<R | typeof MISS> {
    let text: string | undefined;
    try {
      text = await withTimeout(store.get(key), storeTimeout, 'get');
      health.succeeded();
    } catch (error) {
      health.failed('get', error);
      return MISS;
    }
    return text === undefined ? MISS : decodeOrMiss(text);
  }

  function decodeOrMiss(text: string): R | typeof MISS {
    try {
      return decodeValue(text) as R;
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: ignoring an entry that cannot be decoded');
      return MISS;
    }
  }

  function write(key: string, value: R, flight: Flight<R>): Promise<void> | undefined {
    const lifetime = value === null || value === undefined ? negativeTtl : ttl;
    if (flight.invalidated || lifetime === 0 || pending.holds(key)) return undefined;
    let stored: unknown;
    try {
      // A copy, so a caller mutating the loaded value later cannot change what the cache holds.
      stored = local ? copyValue(value) : encodeValue(value);
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: value cannot be cached; returned uncached');
      return undefined;
    }
    if (local) return void local.put(key, stored, lifetime);
    return withTimeout(store.set(key, stored as string, lifetime), storeTimeout, 'set').then(
      () => health.succeeded(),
      (error: unknown) => health.failed('set', error),
    );
  }

  function startFlight(key: string, args: A, bypass: boolean): Promise<R> {
    const flight = { key, invalidated: false } as Flight<R>;
    let written: Promise<void> | undefined;
    // Joining ends once the value is known: later calls read the store and get their own copy.
    const leave = () => inflight.get(key) === flight && inflight.delete(key);
    flight.result = (async () => {
      try {
        // A local store was already read, synchronously, by the caller.
        const hit = local || bypass ? MISS : await readRemote(key);
        if (hit !== MISS) return hit;
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
  }

  const call = (...args: A): Promise<R> => {
    let key: string;
    try {
      key = keyOf(args);
    } catch (error) {
      return Promise.reject(error);
    }
    const bypass = pending.holds(key);
    if (bypass) pending.retrySoon();
    else if (local) {
      // The hot path: no promise until the answer, no timer, no single-flight bookkeeping.
      const hit = readLocal(key);
      if (hit !== MISS) return Promise.resolve(hit);
    }
    return inflight.get(key)?.result ?? startFlight(key, args, bypass);
  };

  function markInvalidated(matches: (flight: Flight<R>) => boolean): void {
    for (const flight of unfinished) {
      if (!matches(flight)) continue;
      flight.invalidated = true;
      if (inflight.get(flight.key) === flight) inflight.delete(flight.key);
    }
  }

  return Object.assign(call, {
    keyFor: (...args: A) => keyOf(args),
    async invalidate(...args: A): Promise<void> {
      const key = keyOf(args);
      markInvalidated((flight) => flight.key === key);
      try {
        await withTimeout(store.delete(key), storeTimeout, 'delete');
      } catch (error) {
        health.failed('delete', error);
        return pending.add(key, error);
      }
      pending.delivered(key);
      health.succeeded();
    },
    async invalidateAll(signal?: AbortSignal): Promise<number> {
      markInvalidated(() => true);
      try {
        const removed = await pending.clearAll(signal);
        health.succeeded();
        return removed;
      } catch (error) {
        pending.addEverything(error);
        if (signal?.aborted) throw signal.reason;
        health.failed('deleteMatching', error);
        return 0;
      }
    },
  });
}

function isLocalStore(store: CacheStore): store is LocalCacheStore {
  const candidate = store as Partial<LocalCacheStore>;
  return typeof candidate.peek === 'function' && typeof candidate.put === 'function';
}

/**
 * Logs when the store stops and starts answering, not on every failed call: an outage must not flood
 * the logs. `onAnswer` runs after every call the store answered.
 */
function storeHealth(prefix: string, onAnswer: () => void) {
  let failing = false;
  return {
    failed(operation: string, error: unknown): void {
      if (failing) return logger.debug({ prefix, operation, err: error }, 'cache: store still unavailable');
      failing = true;
      logger.warn({ prefix, operation, err: error }, 'cache: store unavailable, calling the loader instead');
    },
    succeeded(): void {
      if (failing) {
        failing = false;
        logger.info({ prefix }, 'cache: store available again');
      }
      onAnswer();
    },
  };
}

// After a failed delivery the next try waits this long, however many reads of pending keys ask for one.
const DELIVERY_RETRY_MS = 1_000;

interface PendingOptions {
  readonly store: CacheStore;
  readonly prefix: string;
  /** The glob matching every key of this cached function. */
  readonly everyKey: string;
  readonly maxKeys: number;
  readonly storeTimeout: number;
}

/**
 * Invalidations the store did not take (down, slow, or the caller aborted). Until one is delivered,
 * reads of its key skip the store and nothing is stored for it, so a stale value left in the store is
 * never served. Delivery is retried after any call the store answers, and at most once a second when a
 * read of a pending key asks. Past `maxKeys` keys, the whole prefix is pending: one deleteMatching clears it.
 *
 * Because nothing is stored for a pending key, a delivery that succeeds covers every invalidation of
 * that key made while it was pending; only what was pending when a delivery started is forgotten by it.
 */
function pendingInvalidations({ store, prefix, everyKey, maxKeys, storeTimeout }: PendingOptions) {
  const keys = new Set<string>();
  /** 0, or bumped each time the whole prefix becomes pending, so a clear cannot forget a later failure. */
  let everything = 0;
  let delivering = false;
  let nextTryAt = 0;
  let warned = false;

  const active = () => everything !== 0 || keys.size !== 0;

  function warnOnce(fields: object, message: string): void {
    nextTryAt = performance.now() + DELIVERY_RETRY_MS;
    if (warned) return logger.debug({ prefix, ...fields }, message);
    warned = true;
    logger.warn({ prefix, ...fields }, message);
  }

  function settled(): void {
    if (!warned || active()) return;
    warned = false;
    logger.info({ prefix }, 'cache: undelivered invalidations delivered; the store is used again');
  }

  async function clearAll(signal?: AbortSignal): Promise<number> {
    const marker = everything;
    const covered = [...keys];
    const removed = await store.deleteMatching(everyKey, signal);
    if (everything === marker) everything = 0;
    for (const key of covered) keys.delete(key);
    settled();
    return removed;
  }

  async function deliver(): Promise<void> {
    try {
      if (everything !== 0) await clearAll();
      for (const key of [...keys]) {
        await withTimeout(store.delete(key), storeTimeout, 'delete');
        keys.delete(key);
      }
      settled();
    } catch (error) {
      nextTryAt = performance.now() + DELIVERY_RETRY_MS;
      logger.debug({ prefix, err: error }, 'cache: invalidations still undelivered');
    }
  }

  return {
    clearAll,
    holds(key: string): boolean {
      return everything !== 0 || (keys.size !== 0 && keys.has(key));
    },
    add(key: string, error: unknown): void {
      if (everything !== 0) return; // already covered: nothing is stored while the whole prefix is pending
      if (keys.size >= maxKeys) return this.addEverything(error);
      keys.add(key);
      warnOnce({ key, err: error }, 'cache: invalidation not delivered; its key bypasses the store until it is');
    },
    addEverything(error: unknown): void {
      everything++;
      keys.clear(); // covered by the prefix-wide clear
      warnOnce({ err: error }, 'cache: invalidation not delivered; the whole prefix bypasses the store until it can be cleared');
    },
    delivered(key: string): void {
      if (keys.delete(key)) settled();
    },
    /** The store just answered a call: a good moment to deliver, whenever the last try was. */
    storeAnswered(): void {
      if (active()) nextTryAt = 0;
      this.retrySoon();
    },
    retrySoon(): void {
      if (delivering || !active() || performance.now() < nextTryAt) return;
      delivering = true;
      void deliver().finally(() => {
        delivering = false;
      });
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
