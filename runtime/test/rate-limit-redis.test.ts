// Both Redis limiters (sliding log, GCRA) against a real redis-server: atomicity under concurrency, round trips,
// outages, restarts; then each one's own contract.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import fc from 'fast-check';
import { Cluster, Redis } from 'ioredis';
import { GcraLimiter, SlidingWindowLimiter, type RedisLimiterOptions } from '../src/rate-limit/redis.js';
import type { RateLimitDecision, RateLimiter } from '../src/rate-limit.js';
import { captureLogs } from './fixtures/logs.js';
import { redisServer, startRedisServer, type RedisServer } from './fixtures/redis.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Burst arbitrary of the property tests: groups of concurrent callers, started about 40 ms apart. */
const burstsArb = fc.array(fc.record({ callers: fc.integer({ min: 1, max: 12 }), pauseMs: fc.integer({ min: 0, max: 120 }) }), { minLength: 2, maxLength: 8 });

/**
 * Runs the bursts against `limiter` on key 'k' and returns each admission's time range: it happened
 * somewhere between the call's start and the reply (both on this machine's clock).
 */
async function admittedDuring(
  limiter: RateLimiter,
  bursts: ReadonlyArray<{ callers: number; pauseMs: number }>,
): Promise<Array<{ start: number; end: number }>> {
  const admitted: Array<{ start: number; end: number }> = [];
  await Promise.all(
    bursts.map(async ({ callers, pauseMs }, index) => {
      await sleep(index * 40 + pauseMs);
      await Promise.all(
        Array.from({ length: callers }, async () => {
          const start = Date.now();
          const decision = await limiter.take('k');
          if (decision.allowed) admitted.push({ start, end: Date.now() });
        }),
      );
    }),
  );
  return admitted;
}

// The exactness tests must never reach the failure policy: on a loaded machine a reply can take
// longer than the default 500 ms timeout, and failing open then admits every caller (a stop's
// Stryker dry run saw 300 of 300 admitted). Closed, with a long timeout, a slow Redis only slows them.
const EXACTNESS = { failOpen: false, timeoutMs: 30_000 } as const;

// What holds for both limiters is tested once per kind.
const kinds = [
  { name: 'sliding log', create: (options: RedisLimiterOptions) => new SlidingWindowLimiter(options) },
  { name: 'GCRA', create: (options: RedisLimiterOptions) => new GcraLimiter(options) },
] as const;

async function commandCalls(redis: Redis, command: string): Promise<number> {
  const info = await redis.info('commandstats');
  return Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
}

for (const kind of kinds)
  describe(`rate-limit/redis: ${kind.name}, what both limiters promise (real Redis)`, function () {
    let server: RedisServer;
    let redis: Redis;
    let prefix: string;

    before(async () => {
      server = await redisServer();
      redis = new Redis(server.url, { lazyConnect: true });
      await redis.connect();
    });
    after(() => redis.quit());
    beforeEach(() => {
      prefix = `test:rl:${randomUUID()}:`;
    });

    it('admits exactly `limit` of many concurrent callers on separate connections (atomic decision)', async () => {
      const clients = await Promise.all(
        Array.from({ length: 4 }, async () => {
          const client = new Redis(server.url, { lazyConnect: true });
          await client.connect();
          return client;
        }),
      );
      try {
        const limiters = clients.map((client) => kind.create({ redis: client, limit: 25, windowMs: 60_000, prefix, ...EXACTNESS }));
        const decisions = await Promise.all(Array.from({ length: 300 }, (_, i) => limiters[i % limiters.length]!.take('shared')));
        assert.equal(decisions.filter((d) => d.allowed).length, 25);
        assert.equal((await limiters[0]!.take('shared')).allowed, false, 'the admissions were recorded');
      } finally {
        await Promise.all(clients.map((client) => client.quit()));
      }
    });

    it('exactly one Redis round trip (one EVALSHA) per decision', async () => {
      const rl = kind.create({ redis, limit: 5, windowMs: 1000, prefix });
      await rl.take('warm'); // the script is loaded now (an EVAL if this Redis had not seen it)
      const monitor = await redis.duplicate().monitor();
      const fromClients: string[][] = [];
      monitor.on('monitor', (_time: string, args: string[], source: string) => {
        if (source !== 'lua') fromClients.push(args);
      });
      const marker = `marker-${randomUUID()}`;
      try {
        for (let i = 0; i < 8; i++) await rl.take(`k${i % 3}`);
        await redis.echo(marker);
        const deadline = Date.now() + 5000;
        while (!fromClients.some((args) => args[1] === marker) && Date.now() < deadline) await sleep(10);
      } finally {
        monitor.disconnect();
      }
      const decisions = fromClients.filter((args) => args[1] !== marker);
      assert.equal(decisions.length, 8, JSON.stringify(decisions.map((args) => args[0])));
      assert.ok(decisions.every((args) => args[0]?.toLowerCase() === 'evalsha'));
      assert.ok(
        decisions.every((args) => args[2] === '1'),
        'one key, declared in KEYS',
      );
    });

    it('sends the decisions started in one tick in a few socket writes, each still its own EVALSHA', async () => {
      const rl = kind.create({ redis, limit: 1000, windowMs: 60_000, prefix });
      await rl.take('warm');
      // Redis counts the socket reads it processes; the second INFO's own read is one of them.
      const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await redis.info('stats'))?.[1]);
      const [readsBefore, evalshaBefore] = [await reads(), await commandCalls(redis, 'evalsha')];
      const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => rl.take(`k${i}`)));
      const [readsAfter, evalshaAfter] = [await reads(), await commandCalls(redis, 'evalsha')];
      assert.ok(decisions.every((d) => d.allowed && d.remaining === 999));
      assert.equal(evalshaAfter - evalshaBefore, 50);
      // commandCalls' INFO and the second reads() each add one read; 50 decisions are 5 writes (1, then up to 16 each)
      assert.ok(readsAfter - readsBefore <= 7, `50 decisions took ${readsAfter - readsBefore - 2} reads on the server`);
    });

    it('sends a lone decision at once and caps a write at 16 decisions, so Redis starts on one batch while the next is sent', async () => {
      const client = new Redis(server.url);
      const rl = kind.create({ redis: client, limit: 1000, windowMs: 60_000, prefix });
      try {
        await rl.take('warm');
        // What the socket hands the kernel: one entry per writev (corked) or write call, with its chunk count.
        const stream = client.stream as unknown as { _writev: (chunks: unknown[], callback: () => void) => void; _write: (...args: unknown[]) => void };
        const writes: number[] = [];
        const writev = stream._writev.bind(stream);
        const write = stream._write.bind(stream);
        stream._writev = (chunks, callback) => (writes.push(chunks.length), writev(chunks, callback));
        stream._write = (...args) => (writes.push(1), write(...args));
        const decisions = await Promise.all(Array.from({ length: 50 }, (_, i) => rl.take(`cap${i}`)));
        assert.ok(decisions.every((d) => d.allowed));
        // The first goes out alone (nothing else was waiting); the rest in writes of 16.
        assert.deepEqual(writes, [1, 16, 16, 16, 1]);
      } finally {
        client.disconnect();
      }
    });

    it('leaves a Cluster client uncorked (it has no single stream): its decisions still reach the failure policy', async () => {
      // A standalone redis-server refuses CLUSTER SLOTS, so this cluster never becomes ready.
      const cluster = new Cluster([{ host: '127.0.0.1', port: server.port }], { lazyConnect: true, clusterRetryStrategy: () => null });
      cluster.on('error', () => {});
      const logs = captureLogs(); // the policy's warning is expected here
      try {
        const rl = kind.create({ redis: cluster, limit: 5, windowMs: 1000, prefix, failOpen: false, timeoutMs: 200 });
        const decision = await rl.take('k');
        assert.deepEqual([decision.allowed, decision.degraded], [false, true]);
      } finally {
        logs.restore();
        cluster.disconnect();
      }
    });

    it('reloads the script after SCRIPT FLUSH (NOSCRIPT) instead of failing', async function () {
      const own = await startRedisServer().catch(() => undefined);
      if (!own?.controllable) this.skip();
      const client = new Redis(own.url, { lazyConnect: true });
      await client.connect();
      try {
        const rl = kind.create({ redis: client, limit: 5, windowMs: 10_000, prefix });
        await rl.take('k');
        await client.script('FLUSH');
        const decision = await rl.take('k');
        assert.equal(decision.degraded, undefined);
        assert.equal(decision.remaining, 3);
        await rl.take('k');
        assert.equal(await commandCalls(client, 'eval'), 2, 'EVAL only for the first call and once after the flush');
        assert.equal(await commandCalls(client, 'evalsha'), 3);
      } finally {
        client.disconnect();
        await own.stop();
      }
    });

    it('rejects bad options with clear errors', () => {
      assert.throws(() => kind.create({ redis, limit: 0, windowMs: 1000 }), /limit must be an integer >= 1, got 0/);
      assert.throws(() => kind.create({ redis, limit: 1.5, windowMs: 1000 }), /limit must be an integer/);
      assert.throws(() => kind.create({ redis, limit: 1, windowMs: -1 }), /windowMs must be an integer >= 1/);
      assert.throws(() => kind.create({ redis, limit: 1, windowMs: 1, timeoutMs: 0 }), /timeoutMs must be/);
      assert.throws(() => kind.create({ redis: {} as Redis, limit: 1, windowMs: 1 }), /ioredis client/);
      assert.throws(() => kind.create({ redis, limit: 1, windowMs: 1, prefix: 5 as unknown as string }), /prefix must be a string/);
    });

    it('rejects a key that is not a string, without sending anything', async () => {
      const rl = kind.create({ redis, limit: 1, windowMs: 1000, prefix });
      await assert.rejects(rl.take(5 as unknown as string), /rate limit key must be a string, got number/);
    });

    it("stores under 'rate-limit:' by default", async () => {
      const key = `default-prefix-${randomUUID()}`;
      await kind.create({ redis, limit: 3, windowMs: 60_000 }).take(key);
      assert.equal(await redis.exists(`rate-limit:${key}`), 1);
    });

    it('lets the failure policy answer an error reply, without reloading the script', async () => {
      // A hash with an expiry where the limiter keeps its state: its script fails with WRONGTYPE.
      await redis.hset(`${prefix}k`, 'field', 'value');
      await redis.pexpire(`${prefix}k`, 60_000);
      const evalBefore = await commandCalls(redis, 'eval');
      const logs = captureLogs();
      try {
        const closed = kind.create({ redis, limit: 3, windowMs: 1000, prefix, failOpen: false });
        const open = kind.create({ redis, limit: 3, windowMs: 1000, prefix });
        const [denied, admitted] = [await closed.take('k'), await open.take('k')];
        assert.deepEqual([denied.allowed, denied.degraded, admitted.allowed, admitted.degraded], [false, true, true, true]);
        assert.match(String((logs.lines[0]?.err as { message?: string } | undefined)?.message), /WRONGTYPE/);
      } finally {
        logs.restore();
      }
      assert.equal(await commandCalls(redis, 'eval'), evalBefore, 'only NOSCRIPT leads to EVAL');
    });
  });

describe('rate-limit/redis: sliding log (real Redis)', function () {
  let server: RedisServer;
  let redis: Redis;
  let prefix: string;

  before(async () => {
    server = await redisServer();
    redis = new Redis(server.url, { lazyConnect: true });
    await redis.connect();
  });
  after(() => redis.quit());
  beforeEach(() => {
    prefix = `test:rl:${randomUUID()}:`;
  });

  const limiter = (limit: number, windowMs: number) => new SlidingWindowLimiter({ redis, limit, windowMs, prefix });

  it('admits `limit` requests per window, then denies with remaining, reset and retry-after', async () => {
    const rl = limiter(3, 10_000);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await rl.take('client'));
    assert.deepEqual(
      decisions.map((d) => [d.allowed, d.remaining]),
      [
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ],
    );
    const denied = decisions[3]!;
    assert.ok(denied.retryAfterMs > 9000 && denied.retryAfterMs <= 10_000, `retryAfterMs ${denied.retryAfterMs}`);
    assert.ok(denied.resetMs >= denied.retryAfterMs && denied.resetMs <= 10_000, `resetMs ${denied.resetMs}`);
    assert.equal(decisions[0]!.retryAfterMs, 0);
    assert.equal(decisions[0]!.degraded, undefined);
    assert.equal((await rl.take('other')).allowed, true, 'keys are independent');
    assert.deepEqual(rl.policy, { limit: 3, windowMs: 10_000 });
  });

  it('catalogue defect: a denied request is not recorded, so a client that keeps retrying is not locked out', async () => {
    const rl = limiter(2, 300);
    await rl.take('eager');
    await rl.take('eager');
    for (let i = 0; i < 5; i++) assert.equal((await rl.take('eager')).allowed, false);
    assert.equal(await redis.zcard(`${prefix}eager`), 2, 'only the two admitted requests are in the window');
    // Keep knocking every 50 ms: once the first entries age out, the client must get through again.
    const deadline = Date.now() + 5000;
    let admitted = false;
    while (!admitted && Date.now() < deadline) {
      admitted = (await rl.take('eager')).allowed;
      if (!admitted) await sleep(50);
    }
    assert.ok(admitted, 'the sustained client was locked out by its own denied requests');
  });

  it('catalogue defect: concurrent requests in the same instant are all recorded (unique members, no collisions)', async () => {
    const rl = limiter(1000, 60_000);
    const decisions = await Promise.all(Array.from({ length: 200 }, () => rl.take('burst')));
    assert.ok(decisions.every((d) => d.allowed));
    assert.equal(await redis.zcard(`${prefix}burst`), 200);
    assert.deepEqual(
      decisions.map((d) => d.remaining).sort((a, b) => a - b),
      Array.from({ length: 200 }, (_, i) => 800 + i),
    );
  });

  it('property: never more than `limit` admissions in any window, with concurrent callers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 80, max: 250 }), burstsArb, async (limit, windowMs, bursts) => {
        const rl = new SlidingWindowLimiter({ redis, limit, windowMs, prefix: `${prefix}${randomUUID()}:`, ...EXACTNESS });
        const admitted = await admittedDuring(rl, bursts);
        assert.ok(admitted.length >= Math.min(limit, bursts[0]!.callers), 'the first burst is admitted up to the limit');
        // Sound check (never flags a correct run): limit+1 admissions whose time ranges all fit inside a span
        // shorter than the window are a certain violation, however the calls were scheduled.
        admitted.sort((a, b) => a.start - b.start);
        for (let i = 0; i + limit < admitted.length; i++) {
          const group = admitted.slice(i, i + limit + 1);
          const span = Math.max(...group.map((a) => a.end)) - Math.min(...group.map((a) => a.start));
          assert.ok(span >= windowMs, `${limit + 1} admissions within ${span} ms, window ${windowMs} ms`);
        }
      }),
      { numRuns: 12 },
    );
  });
});

describe('rate-limit/redis: GCRA token bucket (real Redis)', function () {
  let server: RedisServer;
  let redis: Redis;
  let prefix: string;

  before(async () => {
    server = await redisServer();
    redis = new Redis(server.url, { lazyConnect: true });
    await redis.connect();
  });
  after(() => redis.quit());
  beforeEach(() => {
    prefix = `test:gcra:${randomUUID()}:`;
  });

  const limiter = (limit: number, windowMs: number) => new GcraLimiter({ redis, limit, windowMs, prefix });

  it('admits a burst of `limit`, then denies with retry-after of one interval and reset of a whole window', async () => {
    const rl = limiter(4, 8000);
    const decisions = [];
    for (let i = 0; i < 5; i++) decisions.push(await rl.take('client'));
    assert.deepEqual(
      decisions.map((d) => [d.allowed, d.remaining]),
      [
        [true, 3],
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ],
    );
    const denied = decisions[4]!;
    assert.ok(denied.retryAfterMs > 1900 && denied.retryAfterMs <= 2000, `retryAfterMs ${denied.retryAfterMs}: one token comes back every 2 s`);
    assert.ok(denied.resetMs > 7900 && denied.resetMs <= 8000, `resetMs ${denied.resetMs}`);
    assert.equal(decisions[0]!.resetMs, 2000, 'after one request the bucket is whole again in one interval');
    assert.deepEqual(rl.policy, { limit: 4, windowMs: 8000 });
  });

  it('keeps exact counts when the interval is not a whole number of microseconds (3 per second)', async () => {
    const rl = limiter(3, 1000);
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push(await rl.take('thirds'));
    assert.deepEqual(
      decisions.map((d) => [d.allowed, d.remaining]),
      [
        [true, 2],
        [true, 1],
        [true, 0],
        [false, 0],
      ],
    );
  });

  it('refills at the steady rate: one more request per interval after a burst', async () => {
    const rl = limiter(2, 400); // one token per 200 ms
    assert.deepEqual([(await rl.take('k')).allowed, (await rl.take('k')).allowed, (await rl.take('k')).allowed], [true, true, false]);
    await sleep(230);
    assert.deepEqual([(await rl.take('k')).allowed, (await rl.take('k')).allowed], [true, false], 'exactly one token came back');
  });

  it('a denied request writes nothing, so a client that keeps retrying is not locked out', async () => {
    const rl = limiter(1, 300);
    await rl.take('eager');
    const stored = await redis.pttl(`${prefix}eager`);
    for (let i = 0; i < 5; i++) assert.equal((await rl.take('eager')).allowed, false);
    assert.ok((await redis.pttl(`${prefix}eager`)) <= stored, 'denials did not move the theoretical arrival time (the expiry)');
    await sleep(330);
    assert.equal((await rl.take('eager')).allowed, true);
  });

  it('keeps the TAT in the key expiry: empty value, expiring exactly when the bucket is whole again', async () => {
    const rl = limiter(9, 54_000); // one token per 6 s
    for (let i = 0; i < 3; i++) await rl.take('mem');
    const [type, value, ttl] = await Promise.all([redis.type(`${prefix}mem`), redis.get(`${prefix}mem`), redis.pttl(`${prefix}mem`)]);
    assert.equal(type, 'string');
    assert.equal(value, '', 'a whole-millisecond interval needs nothing beside the expiry');
    assert.ok(ttl > 12_000 && ttl <= 18_000, `three tokens take 18 s to come back, more than two intervals; PTTL ${ttl}`);
  });

  it('keeps a fractional interval exact: the value holds the expiry overshoot in 1/limit ms (3 per second)', async () => {
    const rl = limiter(3, 1000); // one token per 333⅓ ms: ticks of ⅓ ms
    const first = await rl.take('thirds');
    assert.equal(first.resetMs, 334, '333⅓ ms rounded up');
    assert.equal(await redis.get(`${prefix}thirds`), '2', 'expiry 334 ms overshoots the TAT by ⅔ ms = 2 ticks');
    await rl.take('thirds');
    assert.equal(await redis.get(`${prefix}thirds`), '1', 'TAT 666⅔ ms: expiry 667 ms overshoots it by 1 tick');
    const third = await rl.take('thirds');
    assert.equal(third.remaining, 0);
    assert.equal(await redis.get(`${prefix}thirds`), '0', 'TAT exactly 1000 ms');
    const ttl = await redis.pttl(`${prefix}thirds`);
    assert.ok(ttl > 667 && ttl <= 1000, `three tokens take 1000 ms to come back, more than two intervals; PTTL ${ttl}`);
  });

  it('decides with PTTL and PEXPIRE only: no TIME, no GET, nothing written on denial', async () => {
    const rl = limiter(2, 60_000);
    await rl.take('warm');
    const before = await redis.info('commandstats');
    const decisions = [];
    for (let i = 0; i < 4; i++) decisions.push((await rl.take('calls')).allowed);
    const after = await redis.info('commandstats');
    const delta = (command: string) => {
      const calls = (info: string) => Number(new RegExp(`cmdstat_${command}:calls=(\\d+)`).exec(info)?.[1] ?? 0);
      return calls(after) - calls(before);
    };
    assert.deepEqual(decisions, [true, true, false, false]);
    assert.deepEqual(
      ['pttl', 'set', 'pexpire', 'time', 'get'].map((command) => [command, delta(command)]),
      [
        ['pttl', 4],
        ['set', 1],
        ['pexpire', 1],
        ['time', 0],
        ['get', 0],
      ],
    );
  });

  it('rejects a policy whose ticks would not be exact integers', () => {
    assert.throws(() => limiter(10_000_000, 1_000_000_000), /must stay below 2\^53/);
  });

  it('property: admissions over any span never exceed the token-bucket bound, with concurrent callers', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 80, max: 250 }), burstsArb, async (limit, windowMs, bursts) => {
        const rl = new GcraLimiter({ redis, limit, windowMs, prefix: `${prefix}${randomUUID()}:`, ...EXACTNESS });
        const admitted = await admittedDuring(rl, bursts);
        assert.ok(admitted.length >= Math.min(limit, bursts[0]!.callers), 'the first burst is admitted up to the limit');
        // Sound check: admissions that all happened within a span s can number at most a full bucket plus
        // what refilled during s. (Sorted by start, a run i..j happened inside [start_i, max end].)
        admitted.sort((a, b) => a.start - b.start);
        for (let i = 0; i < admitted.length; i++) {
          let end = 0;
          for (let j = i; j < admitted.length; j++) {
            end = Math.max(end, admitted[j]!.end);
            const span = end - admitted[i]!.start;
            const bound = limit + Math.floor((span * limit) / windowMs);
            assert.ok(j - i + 1 <= bound, `${j - i + 1} admissions within ${span} ms; a bucket of ${limit} per ${windowMs} ms allows ${bound}`);
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});

for (const kind of kinds)
  describe(`rate-limit/redis: ${kind.name}, outage and restart (own redis-server)`, function () {
    let own: RedisServer | undefined;
    let client: Redis;
    let logs: ReturnType<typeof captureLogs>;
    before(async function () {
      own = await startRedisServer().catch(() => undefined);
      if (!own?.controllable) this.skip();
    });
    after(async () => {
      await own?.stop();
    });
    beforeEach(async () => {
      logs = captureLogs();
      // Default ioredis settings (offline queue, endless reconnects), as most apps have them, except a
      // steady reconnect delay so the test can act while the client waits between attempts.
      client = new Redis(own!.url, { lazyConnect: true, retryStrategy: () => 300 });
      client.on('error', () => {}); // connection errors are expected here; ioredis prints them otherwise
      await client.connect();
    });
    afterEach(() => {
      logs.restore();
      client.disconnect();
    });

    async function until(condition: () => boolean, what: string) {
      const deadline = Date.now() + 10_000;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
        await sleep(10);
      }
    }

    it('fails open (admits, logs once) or closed (denies) while Redis is down, then recovers from NOSCRIPT after the restart', async () => {
      const server = own!;
      const prefix = `outage:${randomUUID()}:`;
      const open = kind.create({ redis: client, limit: 2, windowMs: 60_000, prefix });
      const closed = kind.create({ redis: client, limit: 2, windowMs: 60_000, prefix, failOpen: false });
      assert.equal((await open.take('k')).remaining, 1);
      const answersAgain = () => logs.lines.filter((l) => l.msg === 'rate limiter: Redis answers again').length;
      assert.equal(answersAgain(), 0, 'no recovery to report before any trouble');

      await server.stop();
      await until(() => client.status === 'reconnecting', 'the client to notice the outage');
      const [denied, ...admitted] = await Promise.all([closed.take('k'), open.take('k'), open.take('k'), open.take('k')]);
      assert.ok(
        admitted.every((d) => d.allowed && d.degraded === true),
        'fail open admits, flagged degraded',
      );
      assert.deepEqual(denied, { allowed: false, limit: 2, remaining: 0, resetMs: 1000, retryAfterMs: 1000, degraded: true });
      const warnings = logs.lines.filter((l) => String(l.msg).includes('Redis unavailable'));
      assert.equal(warnings.length, 2, 'one warning per limiter, not one per request');
      assert.match(String((warnings[0]!.err as { message?: string }).message), /Redis connection is reconnecting/);
      assert.deepEqual(
        warnings.map((l) => [l.level, l.failOpen]),
        [
          [40, false],
          [40, true],
        ],
      );

      await server.start();
      await until(() => client.status === 'ready', 'the client to reconnect');
      assert.equal(await commandCalls(client, 'evalsha'), 0, 'a fresh server with an empty script cache; nothing queued during the outage was replayed');
      const recovered = await open.take('k');
      assert.equal(recovered.degraded, undefined, 'NOSCRIPT after the restart is handled by reloading the script, not by the failure policy');
      assert.deepEqual([recovered.allowed, recovered.remaining], [true, 1], 'the restarted Redis lost the window (no persistence in this test)');
      assert.equal(await commandCalls(client, 'evalsha'), 1);
      assert.equal(await commandCalls(client, 'eval'), 1);
      assert.ok(logs.lines.some((l) => l.msg === 'rate limiter: Redis answers again' && l.policyDecisions === 3));
      assert.deepEqual([(await closed.take('k')).allowed, await commandCalls(client, 'eval')], [true, 1], 'the next decision is one EVALSHA again');
      await open.take('k');
      assert.equal(answersAgain(), 2, 'one line per limiter when its trouble ends, none for later decisions');
    });

    it('decides at once on a client that was disconnected for good', async () => {
      const gone = client.duplicate();
      gone.on('error', () => {});
      await gone.connect();
      const ended = once(gone, 'end');
      gone.disconnect();
      await ended;
      const decision = await kind.create({ redis: gone, limit: 5, windowMs: 1000, failOpen: false }).take('k');
      assert.deepEqual([decision.allowed, decision.degraded], [false, true]);
      const warning = logs.lines.find((l) => String(l.msg).includes('Redis unavailable'));
      assert.match(String((warning?.err as { message?: string } | undefined)?.message), /Redis connection is end/);
    });

    it('decides at once while the connection is closing (status close: ioredis is asking retryStrategy about a reconnect)', async () => {
      // ioredis sets `close`, asks retryStrategy, then sets `reconnecting` in the same turn (its events come
      // a tick later): code running inside retryStrategy is what sees `close`.
      let limiter: ReturnType<typeof kind.create> | undefined;
      let seen: { status: string; decision: Promise<RateLimitDecision> } | undefined;
      const closing: Redis = new Redis(own!.url, {
        retryStrategy: () => {
          if (limiter && !seen) seen = { status: closing.status, decision: limiter.take('k') };
          return 50;
        },
      });
      closing.on('error', () => {});
      try {
        await closing.ping();
        limiter = kind.create({ redis: closing, limit: 5, windowMs: 1000, failOpen: false, timeoutMs: 30_000 });
        await client.call('CLIENT', 'KILL', 'ID', String(await closing.call('CLIENT', 'ID')));
        const deadline = Date.now() + 10_000;
        while (!seen && Date.now() < deadline) await sleep(10);
        assert.equal(seen?.status, 'close');
        const decided = await seen.decision;
        assert.deepEqual([decided.allowed, decided.degraded], [false, true], 'the failure policy answered, not a queued command');
        const warning = logs.lines.find((l) => String(l.msg).includes('Redis unavailable'));
        assert.match(String((warning?.err as { message?: string } | undefined)?.message), /Redis connection is close/);
      } finally {
        closing.disconnect();
      }
    });

    it('takes no late reply for a recovery: only a decision Redis made in time ends the trouble', async () => {
      const prefix = `late:${randomUUID()}:`;
      await client.hset(`${prefix}bad`, 'field', 'value');
      await client.pexpire(`${prefix}bad`, 60_000);
      const closed = kind.create({ redis: client, limit: 5, windowMs: 60_000, prefix, failOpen: false, timeoutMs: 100 });
      const pauser = client.duplicate();
      await pauser.call('CLIENT', 'PAUSE', '400', 'ALL');
      pauser.disconnect();
      // Both time out; their replies (a WRONGTYPE error, an admission) arrive after the pause.
      const timedOut = await Promise.all([closed.take('bad'), closed.take('good')]);
      assert.ok(timedOut.every((d) => d.degraded === true));
      await sleep(500);
      const answersAgain = () => logs.lines.filter((l) => l.msg === 'rate limiter: Redis answers again');
      assert.equal(answersAgain().length, 0, 'a late reply is not a recovery');
      assert.equal((await closed.take('good')).degraded, undefined);
      assert.deepEqual(
        answersAgain().map((l) => l.policyDecisions),
        [2],
        'the two timed-out decisions, counted once each',
      );
    });

    it('lets the failure policy answer when a connected Redis does not reply in time', async () => {
      const prefix = `slow:${randomUUID()}:`;
      const closed = kind.create({ redis: client, limit: 5, windowMs: 60_000, prefix, failOpen: false, timeoutMs: 100 });
      assert.equal((await closed.take('k')).allowed, true);
      const pauser = client.duplicate();
      const warnings: Error[] = [];
      const onWarning = (warning: Error) => warnings.push(warning);
      process.on('warning', onWarning);
      await pauser.call('CLIENT', 'PAUSE', '1500', 'ALL');
      try {
        const decision = await closed.take('k');
        assert.deepEqual([decision.allowed, decision.degraded], [false, true]);
        const warning = logs.lines.find((l) => String(l.msg).includes('Redis unavailable'));
        assert.match(String((warning?.err as { message?: string } | undefined)?.message), /did not answer within 100 ms/);
        // A decision started later keeps its own full timeout when the timer fires for an earlier one.
        const first = closed.take('k');
        await sleep(60);
        const started = Date.now();
        await Promise.all([first, closed.take('k')]);
        assert.ok(Date.now() - started >= 90, `the later decision waited ${Date.now() - started} ms of its 100`);
        assert.deepEqual(warnings, [], 'the timer is set for the next deadline, not an overflowing delay');
      } finally {
        process.off('warning', onWarning);
        await pauser.call('CLIENT', 'UNPAUSE');
        pauser.disconnect();
      }
    });
  });
