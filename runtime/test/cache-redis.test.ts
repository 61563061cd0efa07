import assert from 'node:assert/strict';
import { once } from 'node:events';
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { cached } from '../src/cache.js';
import { RedisStore, createRedisCacheClient } from '../src/cache/redis.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { readyRedisClient, uniquePrefix } from './fixtures/cache-targets.js';
import { freePort, redisServer } from './fixtures/redis.js';

function countingLoader<A extends unknown[], R>(answer: (...args: A) => R) {
  const calls: A[] = [];
  return { calls, load: async (...args: A) => (calls.push(args), answer(...args)) };
}

const messages = (logs: CapturedLogs, msg: string) => logs.lines.filter((line) => line.msg === msg);

/** Polls `condition` on every turn of the event loop (no timer): ioredis's own reconnect timer drives progress. */
async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await new Promise((resolve) => setImmediate(resolve));
}

async function untilReady(client: Redis): Promise<void> {
  if (client.status !== 'ready') await once(client, 'ready');
}

describe('cache/redis: RedisStore on a real redis-server', () => {
  let admin: Redis;
  before(async () => {
    // A plain client for inspecting Redis; it queues through outages and logs nothing.
    admin = new Redis((await redisServer()).url);
    admin.on('error', () => undefined);
    await untilReady(admin);
  });
  after(() => admin.disconnect());

  it('catalogue defect: invalidates by pattern with SCAN batches + UNLINK, never KEYS', async () => {
    const store = new RedisStore(admin, { scanCount: 100 });
    const lookup = cached(async (id: number) => ({ id }), { prefix: uniquePrefix('no-keys'), store });
    for (let batch = 0; batch < 10; batch++) await Promise.all(Array.from({ length: 100 }, (_, i) => lookup(batch * 100 + i)));
    const bystander = cached(async () => 'kept', { prefix: uniquePrefix('bystander'), store });
    await bystander();

    await admin.config('RESETSTAT');
    assert.equal(await lookup.invalidateAll(), 1_000);
    const stats = await admin.info('commandstats');

    assert.doesNotMatch(stats, /cmdstat_keys:/, 'KEYS blocks Redis for a whole keyspace walk');
    const scans = Number(/cmdstat_scan:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    const unlinks = Number(/cmdstat_unlink:calls=(\d+)/.exec(stats)?.[1] ?? 0);
    assert.ok(scans > 1, `expected several SCAN batches, saw ${scans}`);
    assert.ok(unlinks >= 1, 'keys are removed with UNLINK');
    assert.doesNotMatch(stats, /cmdstat_del:/);
    assert.equal(await admin.get(bystander.keyFor()), JSON.stringify('kept'));
  });

  it('stores values as readable JSON with a millisecond TTL (PX)', async () => {
    const store = new RedisStore(admin);
    const lookup = cached(async (id: string) => ({ id, missing: undefined }), { prefix: uniquePrefix('px'), store, ttl: 30_000 });
    await lookup('u1');
    const key = lookup.keyFor('u1');
    assert.equal(await admin.get(key), '{"id":"u1","missing":{"$bw":"undefined"}}');
    const ttl = await admin.pttl(key);
    assert.ok(ttl > 0 && ttl <= 30_000, `pttl ${ttl}`);
  });

  it('works with a client keyPrefix: SCAN matches and UNLINK removes the prefixed keys', async () => {
    const server = await redisServer();
    const prefixed = new Redis(server.url, { keyPrefix: 'app[1]:' }); // glob characters in the prefix on purpose
    try {
      const store = new RedisStore(prefixed);
      const ns = uniquePrefix('key-prefix');
      await store.set(`${ns}:a`, '1', 60_000);
      await store.set(`${ns}:b`, '2', 60_000);
      assert.equal(await admin.get(`app[1]:${ns}:a`), '1');
      assert.equal(await store.deleteMatching(`${ns}:*`), 2);
      assert.equal(await admin.exists(`app[1]:${ns}:a`, `app[1]:${ns}:b`), 0);
    } finally {
      prefixed.disconnect();
    }
  });

  it('createRedisCacheClient fails fast by default: no offline queue, one retry, 250 ms per command, backoff to 2 s; each overridable', async () => {
    const url = (await redisServer()).url;
    const client = createRedisCacheClient(url, { lazyConnect: true });
    const tuned = createRedisCacheClient(url, { lazyConnect: true, commandTimeout: 1_000, enableOfflineQueue: true });
    try {
      // Not connected yet: a cache client must fail the command now rather than queue it.
      await assert.rejects(client.get('k'), /enableOfflineQueue/);
      const { maxRetriesPerRequest, commandTimeout, connectTimeout, retryStrategy } = client.options;
      assert.deepEqual({ maxRetriesPerRequest, commandTimeout, connectTimeout }, { maxRetriesPerRequest: 1, commandTimeout: 250, connectTimeout: 2_000 });
      assert.deepEqual(
        [1, 5, 19, 20, 21, 1_000].map((times) => retryStrategy!(times)),
        [100, 500, 1_900, 2_000, 2_000, 2_000],
      );
      assert.equal(tuned.options.commandTimeout, 1_000);
      assert.equal(tuned.options.enableOfflineQueue, true);
    } finally {
      client.disconnect();
      tuned.disconnect();
    }
  });

  it('createRedisCacheClient warns once, naming the error, while it cannot connect; each failed attempt is logged at debug', async () => {
    const logs = captureLogs();
    const client = createRedisCacheClient(`redis://127.0.0.1:${await freePort()}`, { retryStrategy: () => 10 });
    let errors = 0;
    client.on('error', () => errors++);
    try {
      await waitUntil(() => errors >= 3);
      const lost = messages(logs, 'cache/redis: connection lost, the cache is bypassed until it reconnects');
      assert.equal(lost.length, 1);
      assert.match(String((lost[0]?.err as { message?: unknown } | undefined)?.message), /ECONNREFUSED/);
      const failures = messages(logs, 'cache/redis: connection error');
      assert.ok(
        failures.length >= 3 && failures.every((line) => line.level === 20 && /ECONNREFUSED/.test(String((line.err as { message?: unknown }).message))),
      );
      assert.equal(messages(logs, 'cache/redis: reconnected').length, 0);
    } finally {
      client.disconnect();
      logs.restore();
    }
  });

  it('createRedisCacheClient logs nothing on its first connect, then warns and reports recovery once per outage', async () => {
    const logs = captureLogs();
    const client = createRedisCacheClient((await redisServer()).url);
    try {
      await untilReady(client);
      for (let outage = 1; outage <= 2; outage++) {
        // Redis drops the connection (as a failover or a restart would); the client reconnects by itself.
        await admin.client('KILL', 'ID', String(await client.client('ID')));
        await once(client, 'ready');
        assert.equal(messages(logs, 'cache/redis: connection lost, the cache is bypassed until it reconnects').length, outage);
        assert.equal(messages(logs, 'cache/redis: reconnected').length, outage);
      }
    } finally {
      client.disconnect();
      logs.restore();
    }
  });

  it('rejects an invalid scanCount with a clear RangeError; 1 is the smallest it takes', async () => {
    for (const scanCount of [0, -1, 1.5, Number.NaN]) {
      assert.throws(() => new RedisStore(admin, { scanCount }), /scanCount must be a positive integer, got/);
    }
    const store = new RedisStore(admin, { scanCount: 1 });
    const ns = uniquePrefix('scan-one');
    for (const id of [1, 2, 3]) await store.set(`${ns}:${id}`, 'x', 60_000);
    assert.equal(await store.deleteMatching(`${ns}:*`), 3);
  });

  it('refuses a ttl Redis would reject ("1e+300" is not an integer) before sending it; a fraction rounds up', async () => {
    const store = new RedisStore(admin);
    for (const ttl of [0, -1, Number.NaN, Infinity, 1e300])
      await assert.rejects(store.set('never', 'x', ttl), /RedisStore: ttl must be a number of ms > 0 and at most 2\^53-1/);
    assert.equal(await admin.exists('never'), 0);
    await store.set('fraction', 'x', 0.2);
    assert.ok((await admin.pttl('fraction')) <= 1);
    await store.set('longest', 'x', Number.MAX_SAFE_INTEGER);
    assert.ok((await admin.pttl('longest')) > 2 ** 52);
  });

  describe('outages', () => {
    let logs: CapturedLogs | undefined;
    let stopped = false;
    /** Stops the fixture's Redis; afterEach restarts it even when the test fails mid-outage. */
    async function stopRedis(): Promise<void> {
      stopped = true;
      await (await redisServer()).stop();
    }
    async function startRedis(): Promise<void> {
      // The fixture's start() is not idempotent: only call it for a server this suite stopped.
      if (!stopped) return;
      stopped = false;
      await (await redisServer()).start();
    }
    afterEach(async () => {
      logs?.restore();
      logs = undefined;
      await startRedis();
    });

    it('catalogue defect: a Redis outage degrades to the loader, logged once, and the cache recovers after restart', async function () {
      const server = await redisServer();
      if (!server.controllable) this.skip();
      const client = await readyRedisClient();
      try {
        logs = captureLogs();
        const { calls, load } = countingLoader((id: number) => `user-${id}`);
        const lookup = cached(load, { prefix: uniquePrefix('outage'), store: new RedisStore(client) });
        assert.equal(await lookup(1), 'user-1');
        assert.equal(await lookup(1), 'user-1');
        assert.equal(calls.length, 1, 'served from Redis before the outage');

        await stopRedis();
        for (let i = 0; i < 5; i++) assert.equal(await lookup(1), 'user-1', 'never throws while Redis is down');
        assert.equal(calls.length, 6, 'every call during the outage went to the loader');
        assert.equal(messages(logs, 'cache: store unavailable, calling the loader instead').length, 1, 'warned once, not per call');
        assert.ok(messages(logs, 'cache: store still unavailable').length >= 1, 'later failures are logged at debug');

        await startRedis();
        await untilReady(client);
        assert.equal(await lookup(1), 'user-1'); // the restarted Redis is empty: one load, stored again
        assert.equal(await lookup(1), 'user-1');
        assert.equal(calls.length, 7, 'cached again after the restart');
        assert.equal(messages(logs, 'cache: store available again').length, 1);
        const lost = messages(logs, 'cache/redis: connection lost, the cache is bypassed until it reconnects');
        assert.equal(lost.length, 1);
        assert.equal(lost[0]?.level, 40);
        assert.equal(messages(logs, 'cache/redis: reconnected').length, 1);
      } finally {
        client.disconnect();
      }
    });

    /** Until `condition` holds, checked every 20 ms at most 250 times; a read of another key in between lets the store answer. */
    async function eventually(condition: () => Promise<boolean>, nudge: () => Promise<unknown>): Promise<void> {
      for (let i = 0; i < 250 && !(await condition()); i++) {
        await nudge();
        await delay(20);
      }
      assert.ok(await condition(), 'condition never held');
    }

    it('catalogue defect: an invalidation during a Redis outage does not reject, and the stale value is never served after recovery', async function () {
      const server = await redisServer();
      if (!server.controllable) this.skip();
      const client = await readyRedisClient();
      try {
        logs = captureLogs();
        const names = new Map([
          [1, 'alice'],
          [2, 'bob'],
        ]);
        const { calls, load } = countingLoader((id: number) => names.get(id));
        const lookup = cached(load, { prefix: uniquePrefix('rename'), store: new RedisStore(client) });
        assert.equal(await lookup(1), 'alice');
        const staleText = await admin.get(lookup.keyFor(1));
        assert.equal(staleText, JSON.stringify('alice'));

        await stopRedis();
        names.set(1, 'alicia'); // the database write has committed...
        await lookup.invalidate(1); // ...so the invalidation must not turn it into an error
        assert.equal(await lookup(1), 'alicia', 'fresh from the loader during the outage');

        await startRedis();
        await untilReady(client);
        // This fixture starts empty; a Redis that kept its data (persistence, a partition rather than a
        // restart) would still hold the old value, so put it back as such a Redis would have it.
        await admin.set(lookup.keyFor(1), staleText!, 'PX', 60_000);
        assert.equal(await lookup(1), 'alicia', 'the undelivered invalidation keeps the stale value from being served');
        await eventually(
          async () => (await admin.exists(lookup.keyFor(1))) === 0,
          () => lookup(2),
        );
        const loadsBefore = calls.length;
        assert.equal(await lookup(1), 'alicia');
        assert.equal(await lookup(1), 'alicia');
        assert.equal(calls.length, loadsBefore + 1, 'cached again once the invalidation was delivered');
        assert.equal(await admin.get(lookup.keyFor(1)), JSON.stringify('alicia'));
        assert.equal(messages(logs, 'cache: invalidation not delivered; its key bypasses the store until it is').length, 1);
        assert.equal(messages(logs, 'cache: undelivered invalidations delivered; the store is used again').length, 1);
      } finally {
        client.disconnect();
      }
    });

    it('past maxPendingInvalidations, bypasses the whole prefix until one SCAN+UNLINK clears it; invalidateAll during an outage resolves 0', async function () {
      const server = await redisServer();
      if (!server.controllable) this.skip();
      const client = await readyRedisClient();
      try {
        logs = captureLogs();
        let version = 1;
        const { calls, load } = countingLoader((id: number) => `user-${id}-v${version}`);
        const lookup = cached(load, { prefix: uniquePrefix('overflow'), store: new RedisStore(client), maxPendingInvalidations: 1 });
        await Promise.all([lookup(1), lookup(2), lookup(3)]);
        const stale = await Promise.all([1, 2, 3].map((id) => admin.get(lookup.keyFor(id))));

        await stopRedis();
        version = 2;
        await lookup.invalidate(1);
        await lookup.invalidate(2); // one more than the bound: the whole prefix is now pending
        assert.equal(await lookup.invalidateAll(), 0);
        assert.equal(await lookup(3), 'user-3-v2', 'a key never invalidated bypasses the store too');

        await startRedis();
        await untilReady(client);
        for (const [i, text] of stale.entries()) await admin.set(lookup.keyFor(i + 1), text!, 'PX', 60_000);
        assert.deepEqual(await Promise.all([lookup(1), lookup(2), lookup(3)]), ['user-1-v2', 'user-2-v2', 'user-3-v2']);
        await eventually(
          async () => (await admin.exists(lookup.keyFor(1), lookup.keyFor(2), lookup.keyFor(3))) === 0,
          () => lookup(3),
        );
        const loadsBefore = calls.length;
        assert.equal(await lookup(3), 'user-3-v2');
        assert.equal(await lookup(3), 'user-3-v2');
        assert.equal(calls.length, loadsBefore + 1, 'the store is used again');
        const overflow = messages(logs, 'cache: invalidation not delivered; the whole prefix bypasses the store until it can be cleared');
        assert.ok(overflow.length >= 1 && overflow.every((line) => line.level === 20), 'logged at debug: the outage was already warned about once');
        assert.equal(messages(logs, 'cache: undelivered invalidations delivered; the store is used again').length, 1);
      } finally {
        client.disconnect();
      }
    });

    it('bounds each call by storeTimeout even with a default ioredis client that queues commands offline', async function () {
      const server = await redisServer();
      if (!server.controllable) this.skip();
      const client = new Redis(server.url); // offline queue on, 20 retries per request: would wait for Redis
      client.on('error', () => undefined);
      try {
        await untilReady(client);
        logs = captureLogs();
        const { calls, load } = countingLoader(() => 'from loader');
        const lookup = cached(load, { prefix: uniquePrefix('queued'), store: new RedisStore(client), storeTimeout: 100 });
        await stopRedis();
        // Without the store timeout this call would hang until Redis returned (mocha would time it out).
        assert.equal(await lookup(), 'from loader');
        assert.equal(calls.length, 1);
        assert.match(
          String((messages(logs, 'cache: store unavailable, calling the loader instead')[0]?.err as { message?: string })?.message),
          /took longer than 100 ms/,
        );
      } finally {
        await startRedis();
        client.disconnect();
      }
    });

    it('answers from the loader while Redis is hung (process stopped), then caches again when it resumes', async function () {
      const server = await redisServer();
      if (!server.controllable) this.skip();
      const client = await readyRedisClient();
      const pid = Number(/process_id:(\d+)/.exec(await admin.info('server'))?.[1]);
      assert.ok(pid > 0);
      const { calls, load } = countingLoader(() => 'fresh');
      const lookup = cached(load, { prefix: uniquePrefix('hung'), store: new RedisStore(client) });
      process.kill(pid, 'SIGSTOP');
      try {
        logs = captureLogs();
        // A stopped process still accepts TCP data but never answers: only timeouts end these calls.
        assert.equal(await lookup(), 'fresh');
        assert.equal(await lookup(), 'fresh');
        assert.equal(calls.length, 2);
        assert.equal(messages(logs, 'cache: store unavailable, calling the loader instead').length, 1);
      } finally {
        process.kill(pid, 'SIGCONT');
      }
      try {
        // The writes sent during the hang were only given up on, not unsent: once Redis resumes
        // and has drained them (a PING answered on the same connection), the value is there.
        await client.ping();
        assert.equal(await lookup(), 'fresh');
        assert.equal(calls.length, 2, 'served from Redis again');
      } finally {
        client.disconnect();
      }
    });
  });
});
