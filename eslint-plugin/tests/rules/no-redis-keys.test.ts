import rule from '../../src/rules/no-redis-keys.js';
import { runRuleTests } from '../setup.js';

runRuleTests('no-redis-keys', rule, {
  valid: [
    // runtime/src/cache: invalidation iterates with SCAN and deletes in batches
    `async function invalidatePattern(redis, pattern) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 500);
        if (keys.length > 0) await redis.unlink(...keys);
        cursor = next;
      } while (cursor !== '0');
    }`,
    `for await (const keys of redis.scanIterator({ MATCH: 'user:*', COUNT: 100 })) console.log(keys);`,
    // Object/Reflect/lodash keys are not Redis, even with a string argument
    `Object.keys('abc');`,
    `Reflect.keys(target);`,
    `_.keys('abc');`,
    `lodash.keys(\`x\`);`,
    // Map#keys() and friends take no argument
    `const cache = new Map(); for (const key of cache.keys()) console.log(key);`,
    `redis.keys();`,
    // a non-string argument on a receiver that is not named like Redis
    `items.keys(options);`,
    `redis.call('SCAN', '0', 'MATCH', 'user:*');`,
    `client.sendCommand(['SCAN', '0']);`,
    `fn.call(thisArg, 'KEYS');`,
    `redis[method]('user:*');`,
  ],
  invalid: [
    {
      name: 'catalogue defect: invalidate_pattern uses KEYS',
      code: `class CacheService {
        constructor(redis) { this.redis = redis; }
        async invalidatePattern(pattern) {
          const keys = await this.redis.keys(pattern);
          if (keys.length > 0) return this.redis.del(...keys);
          return 0;
        }
      }`,
      errors: [{ messageId: 'noKeys', line: 4, column: 30 }],
    },
    { code: `await client.keys('session:*');`, errors: [{ messageId: 'noKeys' }] },
    { code: 'await client.keys(`user:${id}:*`);', errors: [{ messageId: 'noKeys' }] },
    { code: `await cacheClient.keys(prefix + '*');`, errors: [{ messageId: 'noKeys' }] },
    { code: `await redisCluster.keys(pattern);`, errors: [{ messageId: 'noKeys' }] },
    { code: `client.keys('*', (err, keys) => console.log(keys));`, errors: [{ messageId: 'noKeys' }] },
    { code: `await redis.call('KEYS', 'user:*');`, errors: [{ messageId: 'noKeys' }] },
    { code: `await redis.call('keys', pattern);`, errors: [{ messageId: 'noKeys' }] },
    { code: `await client.sendCommand(['KEYS', 'user:*']);`, errors: [{ messageId: 'noKeys' }] },
    { code: `await client['keys']('a*');`, errors: [{ messageId: 'noKeys' }] },
    {
      code: `const keys: string[] = await (this.redis as Redis).keys(pattern);`,
      errors: [{ messageId: 'noKeys' }],
    },
    { code: `await getClient()?.keys('*');`, errors: [{ messageId: 'noKeys' }] },
  ],
});
