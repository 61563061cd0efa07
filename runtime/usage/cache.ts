// Usage examples for the cache pattern (snippets bw-cache, bw-cache-redis): a read-through cache in
// front of a repository, in process or shared through Redis.
import type { Redis } from 'ioredis';
import { cacheKey, cached, type CachedFunction } from '../src/cache.js';
import { RedisStore, createRedisCacheClient } from '../src/cache/redis.js';

export interface Product {
  id: string;
  name: string;
  priceCents: number;
}

export interface ProductRepository {
  findById(id: string): Promise<Product | null>;
}

/**
 * Cached in this process (a bounded in-memory LRU); a missing product is cached too, briefly. Every
 * caller gets the same deep-frozen product: to change one, change a copy (`structuredClone(product)`).
 */
export function productLookup(products: ProductRepository): CachedFunction<[id: string], Product | null> {
  // @snippet bw-cache Cache an async lookup: keys from all arguments, single-flight, negative caching
  const getProduct = cached(/*${1}*/(id: string) => products.findById(id)/*$*/, {
    prefix: /*${2}*/'product:v1'/*$*/,
    ttl: /*${3}*/60_000/*$*/,
    negativeTtl: /*${4}*/5_000/*$*/,
  });
  // @end
  return getProduct;
}

/** Shared across processes through Redis; when Redis is down or slow, calls fall back to the repository. */
export function sharedProductLookup(products: ProductRepository, redisUrl: string): { getProduct: CachedFunction<[id: string], Product | null>; redis: Redis } {
  // @snippet bw-cache-redis Cache an async lookup in Redis; a Redis outage falls back to the loader
  const redis = createRedisCacheClient(/*${1}*/redisUrl/*$*/);
  const getProduct = cached(/*${2}*/(id: string) => products.findById(id)/*$*/, {
    prefix: /*${3}*/'product:v1'/*$*/,
    store: new RedisStore(redis),
    ttl: /*${4}*/60_000/*$*/,
  });
  // @end
  return { getProduct, redis };
}

/**
 * A class instance as an argument: its own properties may not say what it is (private fields, getters),
 * so cache keys ask it. Without `[cacheKey]()` (or `toJSON()`), calling the cached function rejects
 * with a TypeError naming the class instead of letting two tenants share an entry.
 */
export class TenantId {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  [cacheKey](): string {
    return this.#value;
  }
}

export function tenantProductLookup(findById: (tenant: TenantId, id: string) => Promise<Product | null>): CachedFunction<[tenant: TenantId, id: string], Product | null> {
  return cached(findById, { prefix: 'tenant-product:v1', ttl: 60_000 });
}
