import assert from 'node:assert/strict';
import { once } from 'node:events';
import { TenantId, productLookup, sharedProductLookup, tenantProductLookup, type Product, type ProductRepository } from '../usage/cache.js';
import { redisServer } from './fixtures/redis.js';

/** An in-memory repository that counts reads, standing in for the database the cache protects. */
function productRepository(products: Product[]): ProductRepository & { reads: string[] } {
  const reads: string[] = [];
  return {
    reads,
    async findById(id) {
      reads.push(id);
      return products.find((product) => product.id === id) ?? null;
    },
  };
}

const lamp: Product = { id: 'p-1', name: 'Lamp', priceCents: 4_900 };

describe('usage/cache', () => {
  it('bw-cache: reads each product once, including a missing one', async () => {
    const repository = productRepository([lamp]);
    const getProduct = productLookup(repository);
    assert.deepEqual(await getProduct('p-1'), lamp);
    assert.deepEqual(await getProduct('p-1'), lamp);
    assert.equal(await getProduct('missing'), null);
    assert.equal(await getProduct('missing'), null);
    assert.deepEqual(repository.reads, ['p-1', 'missing']);
    const product = (await getProduct('p-1'))!;
    assert.throws(() => (product.priceCents = 0), TypeError, 'results are shared, so frozen');
    const mine = structuredClone(product);
    mine.priceCents = 0;
    assert.equal((await getProduct('p-1'))!.priceCents, 4_900);
  });

  it('keys a class instance argument by its [cacheKey](): two tenants never share an entry', async () => {
    const reads: string[] = [];
    const getProduct = tenantProductLookup(async (_tenant, id) => (reads.push(id), { ...lamp, id, name: `Lamp #${reads.length}` }));
    const [acme, globex] = [new TenantId('acme'), new TenantId('globex')];
    const first = await getProduct(acme, 'p-1');
    assert.notDeepEqual(await getProduct(globex, 'p-1'), first);
    assert.deepEqual(await getProduct(new TenantId('acme'), 'p-1'), first);
    assert.equal(reads.length, 2);
  });

  it('bw-cache-redis: shares cached products through the real Redis', async () => {
    const { url } = await redisServer();
    const repository = productRepository([lamp]);
    const first = sharedProductLookup(repository, url);
    const second = sharedProductLookup(repository, url); // another "process" with its own client
    try {
      // The fail-fast client skips the cache until it is connected; wait so the test is about caching.
      await Promise.all([first.redis, second.redis].map((redis) => (redis.status === 'ready' ? undefined : once(redis, 'ready'))));
      await first.getProduct.invalidate('p-1');
      assert.deepEqual(await first.getProduct('p-1'), lamp);
      assert.deepEqual(await second.getProduct('p-1'), lamp);
      assert.deepEqual(repository.reads, ['p-1'], 'the second client was served from Redis');
    } finally {
      first.redis.disconnect();
      second.redis.disconnect();
    }
  });
});
