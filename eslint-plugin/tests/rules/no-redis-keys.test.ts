import rule from '../../src/rules/no-redis-keys.js';
import { runRuleTestsWithTypeScriptCheck } from '../typescript-grammar.js';

runRuleTestsWithTypeScriptCheck('no-redis-keys', rule, {
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
    // chai assertions on an object's keys (issue 10), e.g. from fastify's and bullmq's test suites
    `expect(job.data).to.have.keys('id', 'name');`,
    `expect(result).to.have.all.keys('a', 'b');`,
    `expect(headers).to.include.any.keys('etag');`,
    `response.body.should.have.keys('token');`,
    `expect(Object.fromEntries(map)).keys('x');`,
    // a receiver whose declaration is not a Redis client
    {
      code: `class Registry { private client: Map<string, number>; list(prefix: string) { return this.client.keys(prefix); } }`,
      filename: 'file.ts',
    },
    `function list(index, prefix) { return index.keys(prefix); }`,
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
    // receivers declared as Redis clients, whatever their name (issue 10)
    {
      name: 'a class property annotated with the ioredis type',
      code: `import Redis from 'ioredis';
class SessionStore {
  private client: Redis;
  async clear(prefix: string) {
    const keys = await this.client.keys(prefix);
    await this.client.del(...keys);
  }
}`,
      filename: 'file.ts',
      errors: [{ messageId: 'noKeys', line: 5 }],
    },
    {
      name: 'a parameter property typed RedisClientType',
      code: `class Invalidator {
  constructor(private readonly db: RedisClientType) {}
  purge(match: string) { return this.db.keys(match); }
}`,
      filename: 'file.ts',
      errors: [{ messageId: 'noKeys', line: 3 }],
    },
    {
      code: `class Invalidator { constructor() { this.conn = new Redis(process.env.REDIS_URL); } purge(match) { return this.conn.keys(match); } }`,
      errors: [{ messageId: 'noKeys' }],
    },
    { code: `const conn = createClient({ url }); export const list = (match) => conn.keys(match);`, errors: [{ messageId: 'noKeys' }] },
    {
      code: `export async function purge(conn: Redis.Cluster, match: string) { return conn.keys(match); }`,
      filename: 'file.ts',
      errors: [{ messageId: 'noKeys' }],
    },
  ],
});
