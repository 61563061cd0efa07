/**
 * Bulwark pattern: cache
 * cached(): read-through caching with full-argument keys, negative caching, single-flight, deep-frozen shared results and outage fallback, over any CacheStore.
 *
 * Patterns used: cache/codec, cache/glob, cache/keys, cache/memory, cache/pending-invalidations, log
 * Packages used: none
 */
import { decodeValue, deepFreeze, encodeValue, frozenCopy } from './cache/codec.js';
import { escapeGlob } from './cache/glob.js';
import { EVERY_KEY_BODY, keyBody, pickedKeyBody } from './cache/keys.js';
import { MemoryStore } from './cache/memory.js';
import { pendingInvalidations } from './cache/pending-invalidations.js';
import { logger } from './log.js';

// The default store is part of the pattern's API: `import { cached, MemoryStore } from './cache.js'`.
export { MemoryStore, type MemoryStoreOptions } from './cache/memory.js';
// The method name a class defines to take part in cache keys: `[cacheKey]() { return this.id; }`.
export { cacheKey } from './cache/keys.js';

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
 * A CacheStore in this process's memory. cached() keeps values in it as they are (deep-frozen, never
 * encoded) and reads it synchronously: a hit costs no promise race against a timeout, no decoding and no copy.
 */
export interface LocalCacheStore extends CacheStore {
  /** The entry for `key`, or undefined when absent or expired; counts as a use. */
  peek(key: string): LocalEntry | undefined;
  /** Stores `value` as it is for `ttl` ms (> 0); cached() passes a deep-frozen copy, and returns it from every hit. */
  put(key: string, value: unknown, ttl: number): void;
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
  /**
   * Picks what identifies a call when not every argument should (or can) be part of the key. Default: all
   * arguments, keyed by value (see cache/keys): a class instance needs a `toJSON()` or `[cacheKey]()`
   * method, else the call rejects with a TypeError naming its class.
   */
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
  /** `shared` is false for a value that could not be copied: only the caller that loaded it may have it. */
  result: Promise<{ value: R; shared: boolean }>;
  /** Set by invalidation: whatever this flight loaded is already stale and must not be stored. */
  invalidated: boolean;
}

const MISS = Symbol('miss');
// Keys of recent calls identified by one primitive (the argument, or what the key option picked), per
// function: a hit then builds no key text, and looks the store up with a string whose hash V8 has
// already computed. Cleared when full (O(1) amortised).
const RECENT_KEYS = 1_024;

/**
 * Wraps `load` in a read-through cache. Concurrent calls with the same key share one store read
 * and one `load` call (single-flight); a rejected load is shared by those callers (one error object,
 * not frozen: error handlers annotate errors) and not cached.
 * A failing or slow store never fails the call: it is logged and `load` answers instead.
 *
 * Results are deep-frozen and shared, on every store: the caller whose call loaded a value, the calls
 * that joined its load, and every hit get one frozen copy of it (copied once per load, never per hit;
 * Date, Map and Set mutators throw too), so no caller can change what another sees or what the cache
 * holds. Copy a result to change it: `structuredClone(await getUser(id))`. The loader's own object is
 * left alone. A value that cannot be copied (a function, symbol or cycle inside) is not cached or
 * shared: it goes to the caller that loaded it, and each caller that joined that load runs `load` itself.
 * Invalidation is exact within this process; other processes can still write a value they loaded
 * before it, or read one this process could not yet delete, until its TTL ends.
 */
export function cached<A extends unknown[], R>(load: (...args: A) => R | PromiseLike<R>, options: CachedOptions<A>): CachedFunction<A, R> {
  if (typeof load !== 'function') throw new TypeError(`cached: load must be a function, got ${describe(load)}`);
  const {
    prefix,
    store = new MemoryStore(),
    ttl = 60_000,
    key: pickKey,
    storeTimeout = 250,
    maxPendingInvalidations = 10_000,
  } = options ?? ({} as CachedOptions<A>);
  const negativeTtl = options?.negativeTtl ?? Math.min(ttl, 5_000);
  if (typeof prefix !== 'string' || prefix === '') throw new TypeError(`cached: prefix must be a non-empty string, got ${describe(prefix)}`);
  // Redis clients send keys as UTF-8, where every lone surrogate becomes U+FFFD: two such prefixes would share keys.
  if (/\p{Cs}/u.test(prefix)) throw new TypeError(`cached: prefix must be well-formed Unicode (it has a lone surrogate), got ${describe(prefix)}`);
  requirePositive('ttl', ttl, MAX_TTL);
  requirePositive('storeTimeout', storeTimeout, MAX_TIMER_MS);
  if (!(typeof negativeTtl === 'number' && negativeTtl >= 0 && negativeTtl <= MAX_TTL)) {
    throw new RangeError(`cached: negativeTtl must be a number of ms from 0 to ${MAX_TTL}, got ${describe(negativeTtl)}`);
  }
  if (!(Number.isSafeInteger(maxPendingInvalidations) && maxPendingInvalidations >= 0)) {
    throw new RangeError(`cached: maxPendingInvalidations must be an integer >= 0, got ${describe(maxPendingInvalidations)}`);
  }

  const local = isLocalStore(store) ? store : undefined;
  /** Loads that new calls for the same key join (single-flight). */
  const inflight = new Map<string, Flight<R>>();
  /** Loads not yet written to the store, which invalidation must stop from writing. */
  const unfinished = new Set<Flight<R>>();
  // Matches key bodies only, so a longer prefix such as `${prefix}:v2` is not matched.
  const everyKey = `${escapeGlob(prefix)}:${EVERY_KEY_BODY}`;
  const pending = pendingInvalidations({
    prefix,
    maxKeys: maxPendingInvalidations,
    deleteKey: (key) => withTimeout(() => store.delete(key), storeTimeout, 'delete'),
    deleteAll: (signal) => store.deleteMatching(everyKey, signal),
  });
  const health = storeHealth(prefix, () => pending.storeAnswered());

  const recentKeys = new Map<unknown, string>();

  function keyOf(args: A): string {
    const part = pickKey !== undefined ? pickKey(...args) : args.length === 1 ? args[0] : undefined;
    if ((pickKey !== undefined || args.length === 1) && memoizable(part)) {
      let key = recentKeys.get(part);
      if (key === undefined) {
        if (recentKeys.size >= RECENT_KEYS) recentKeys.clear();
        recentKeys.set(part, (key = `${prefix}:${keyBody([part])}`));
      }
      return key;
    }
    return `${prefix}:${pickKey !== undefined ? pickedKeyBody(part) : keyBody(args)}`;
  }

  function readLocal(key: string): R | typeof MISS {
    let entry: LocalEntry | undefined;
    try {
      entry = local!.peek(key);
    } catch (error) {
      health.failed('peek', error);
      return MISS;
    }
    if (entry === undefined) return MISS;
    return entry.encoded ? decodeOrMiss(entry.value as string) : (entry.value as R);
  }

  async function readRemote(key: string): Promise<R | typeof MISS> {
    let text: string | undefined;
    try {
      text = await withTimeout(() => store.get(key), storeTimeout, 'get');
      health.succeeded();
    } catch (error) {
      health.failed('get', error);
      return MISS;
    }
    return text === undefined ? MISS : decodeOrMiss(text);
  }

  function decodeOrMiss(text: string): R | typeof MISS {
    try {
      return deepFreeze(decodeValue(text)) as R;
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: ignoring an entry that cannot be decoded');
      return MISS;
    }
  }

  /** The frozen copy every caller shares, or MISS (logged) for a value that cannot be copied. */
  function share(value: R): R | typeof MISS {
    try {
      return frozenCopy(value) as R;
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: value cannot be cached; returned uncached');
      return MISS;
    }
  }

  function write(key: string, value: R, flight: Flight<R>): Promise<void> | undefined {
    const lifetime = value === null || value === undefined ? negativeTtl : ttl;
    if (flight.invalidated || lifetime === 0 || pending.holds(key)) return undefined;
    if (local) {
      try {
        local.put(key, value, lifetime);
      } catch (error) {
        health.failed('put', error);
      }
      return undefined;
    }
    let text: string;
    try {
      text = encodeValue(value);
    } catch (error) {
      logger.warn({ prefix, err: error }, 'cache: value cannot be cached; returned uncached');
      return undefined;
    }
    return withTimeout(() => store.set(key, text, lifetime), storeTimeout, 'set').then(
      () => health.succeeded(),
      (error: unknown) => health.failed('set', error),
    );
  }

  function startFlight(key: string, args: A, bypass: boolean): Promise<R> {
    const flight = { key, invalidated: false } as Flight<R>;
    let written: Promise<void> | undefined;
    // Joining ends once the value is known: later calls read the store.
    const leave = () => inflight.get(key) === flight && inflight.delete(key);
    flight.result = (async () => {
      try {
        // A local store was already read, synchronously, by the caller.
        const hit = local || bypass ? MISS : await readRemote(key);
        if (hit !== MISS) return { value: hit, shared: true };
        const value = await load(...args);
        leave();
        const shared = share(value);
        if (shared === MISS) return { value, shared: false };
        // Issued before the caller resumes, so its next call, or an invalidation, is ordered after it.
        written = write(key, shared, flight);
        return { value: shared, shared: true };
      } finally {
        leave();
      }
    })();
    inflight.set(key, flight);
    unfinished.add(flight);
    void flight.result
      .then(
        () => written,
        () => undefined,
      )
      .finally(() => unfinished.delete(flight));
    return flight.result.then(({ value }) => value);
  }

  // A value that could not be shared was not copied: a caller that joined its load loads its own.
  function join(flight: Flight<R>, args: A): Promise<R> {
    return flight.result.then(({ value, shared }) => (shared ? value : load(...args)));
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
    const flight = inflight.get(key);
    return flight === undefined ? startFlight(key, args, bypass) : join(flight, args);
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
        await withTimeout(() => store.delete(key), storeTimeout, 'delete');
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

function memoizable(arg: unknown): boolean {
  switch (typeof arg) {
    case 'string':
      return arg.length <= 100; // longer ones would make the memo large
    case 'number':
      return arg !== 0 || 1 / arg > 0; // not -0: a Map holds it as 0, whose key it does not share
    case 'boolean':
    case 'bigint':
      return true;
    default:
      return false;
  }
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

/**
 * Rejects when the operation `start` begins takes longer than `ms`: a hung store must cost a call no more
 * than that. A store method that throws instead of rejecting (or returns no promise) is handled alike.
 */
function withTimeout<T>(start: () => PromiseLike<T> | T, ms: number, name: string): Promise<T> {
  let operation: Promise<T>;
  try {
    operation = Promise.resolve(start());
  } catch (error) {
    return Promise.reject(error);
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`cache: store ${name} took longer than ${ms} ms`)), ms);
  });
  // race() handles the operation's rejection even when it comes after the timeout: no unhandled rejection.
  return Promise.race([operation, timeout]).finally(() => clearTimeout(timer));
}

// Redis takes an expiry as an integer: 1e300 would be sent as "1e+300" and every write would fail.
const MAX_TTL = Number.MAX_SAFE_INTEGER;
// setTimeout fires at once for a longer delay, which would time every store call out immediately.
const MAX_TIMER_MS = 2 ** 31 - 1;

function requirePositive(name: string, value: unknown, max: number): void {
  if (!(typeof value === 'number' && value > 0 && value <= max)) {
    throw new RangeError(`cached: ${name} must be a number of ms > 0 and at most ${max}, got ${describe(value)}`);
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  return typeof value === 'function' ? 'a function' : String(value);
}
