/**
 * Bulwark pattern: cache/redis
 * A Redis CacheStore with SCAN+UNLINK invalidation, and a fail-fast ioredis client so an outage degrades to the loader.
 *
 * Patterns used: cache, cache/glob, log
 * Packages used: ioredis
 */
import { Redis, type RedisOptions } from 'ioredis';
import type { CacheStore } from '../cache.js';
import { escapeGlob } from './glob.js';
import { logger } from '../log.js';

export interface RedisStoreOptions {
  /** COUNT hint per SCAN in deleteMatching, so also about the keys per UNLINK. Default 500. */
  scanCount?: number;
}

/**
 * A CacheStore on one Redis server (not Redis Cluster: SCAN only walks the node it is sent to).
 * Pair it with {@link createRedisCacheClient} so a Redis outage fails calls fast instead of queueing them.
 */
export class RedisStore implements CacheStore {
  readonly #redis: Redis;
  readonly #scanCount: number;

  constructor(redis: Redis, options: RedisStoreOptions = {}) {
    const { scanCount = 500 } = options;
    if (!Number.isSafeInteger(scanCount) || scanCount < 1) {
      throw new RangeError(`RedisStore: scanCount must be a positive integer, got ${String(scanCount)}`);
    }
    this.#redis = redis;
    this.#scanCount = scanCount;
  }

  async get(key: string): Promise<string | undefined> {
    return (await this.#redis.get(key)) ?? undefined;
  }

  async set(key: string, value: string, ttl: number): Promise<void> {
    if (!(ttl > 0 && ttl <= Number.MAX_SAFE_INTEGER)) throw new RangeError(`RedisStore: ttl must be a number of ms > 0 and at most 2^53-1, got ${String(ttl)}`);
    await this.#redis.set(key, value, 'PX', Math.ceil(ttl));
  }

  async delete(key: string): Promise<boolean> {
    return (await this.#redis.unlink(key)) > 0;
  }

  /**
   * Walks the keyspace with SCAN in batches and UNLINKs each batch (freed in the background).
   * Never KEYS: that blocks Redis for the whole O(N) keyspace walk. Keys written while the scan runs
   * may survive it: SCAN guarantees only keys present for the whole scan.
   */
  async deleteMatching(pattern: string, signal?: AbortSignal): Promise<number> {
    // SCAN sees the client's keyPrefix in its results but does not add it to MATCH; UNLINK adds it.
    const keyPrefix = this.#redis.options.keyPrefix ?? '';
    let cursor = '0';
    let removed = 0;
    do {
      signal?.throwIfAborted();
      const [next, keys] = await this.#redis.scan(cursor, 'MATCH', escapeGlob(keyPrefix) + pattern, 'COUNT', this.#scanCount);
      cursor = next;
      if (keys.length > 0) removed += await this.#redis.unlink(...keys.map((key) => key.slice(keyPrefix.length)));
    } while (cursor !== '0');
    return removed;
  }
}

/**
 * An ioredis client tuned for a cache, where a late answer is worse than none. Defaults (override any):
 * - `enableOfflineQueue: false`: while disconnected, commands fail at once instead of waiting for a reconnect
 *   (the first calls after startup, before `ready`, skip the cache too);
 * - `maxRetriesPerRequest: 1`: a command caught by a dropped connection is retried once, then fails;
 * - `commandTimeout: 250`: a hung Redis (connected, not answering) fails commands after 250 ms;
 * - `connectTimeout: 2_000`, and `retryStrategy` reconnects forever, backing off to 2 s, so the cache comes back by itself.
 * A lost connection is logged once per outage (each error at debug), never printed by ioredis as "Unhandled error event".
 */
export function createRedisCacheClient(url: string, options: RedisOptions = {}): Redis {
  const client = new Redis(url, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 250,
    connectTimeout: 2_000,
    retryStrategy: (times) => Math.min(times * 100, 2_000),
    ...options,
  });
  // 'reconnecting' marks a lost connection (or a failed first connect) but not a deliberate disconnect().
  let down = false;
  let lastError: Error | undefined;
  client.on('error', (error: Error) => {
    lastError = error;
    logger.debug({ err: error }, 'cache/redis: connection error');
  });
  client.on('reconnecting', () => {
    if (down) return;
    down = true;
    logger.warn({ err: lastError }, 'cache/redis: connection lost, the cache is bypassed until it reconnects');
  });
  client.on('ready', () => {
    if (!down) return;
    down = false;
    lastError = undefined;
    logger.info('cache/redis: reconnected');
  });
  return client;
}
