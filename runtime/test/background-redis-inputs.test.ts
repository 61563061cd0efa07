// Hostile inputs to RedisQueue: delays, limits and stored scores that used to delete a message,
// park it forever, or break every receive. Real redis-server; each test failed before its fix.
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { MAX_RETRY_DELAY_MS, QueueProcessor } from '../src/background.js';
import { MIN_RECOVERY_INTERVAL_MS, RedisQueue, RedisQueueRecovery, SETTLE_SCRIPT } from '../src/background/redis.js';
import { useRedisQueues } from './fixtures/redis-queues.js';
import { waitFor } from './fixtures/background-helpers.js';

describe('background/redis: hostile inputs (real redis-server)', () => {
  const suite = useRedisQueues('inputs');
  const { newQueue } = suite;

  const keys = (queue: RedisQueue<unknown>) => {
    const tag = `{${queue.name}}`;
    return { ready: `${tag}:ready`, processing: `${tag}:processing`, leases: `${tag}:leases`, delayed: `${tag}:delayed`, dead: `${tag}:dead` };
  };

  it('a backoff returning NaN on a later attempt does not delete the message: it is retried and handled', async () => {
    const queue = newQueue<string>();
    const deliveries: number[] = [];
    const processor = new QueueProcessor({
      queue,
      maxAttempts: 5,
      backoff: (n) => [1, 1][n] as number, // attempt 2 reads past the end: undefined, which became a NaN score in Redis
      handler: async (_body, { message }) => {
        deliveries.push(message.attempts);
        if (message.attempts < 2) throw new Error('not yet');
      },
    });
    await queue.enqueue('invoice');
    processor.start();
    await waitFor(() => processor.stats.succeeded === 1, 'the message to survive the bad backoff');
    await processor.stop();
    assert.deepEqual(deliveries, [0, 1, 2]);
    assert.equal(processor.stats.settleFailures, 0);
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it('a backoff returning Infinity is clamped to MAX_RETRY_DELAY_MS: a finite due time, not parked forever', async () => {
    const queue = newQueue<string>();
    const processor = new QueueProcessor({ queue, backoff: () => Infinity, handler: async () => Promise.reject(new Error('down')) });
    await queue.enqueue('job');
    const before = Date.now();
    processor.start();
    await waitFor(() => processor.stats.retried === 1, 'the retry');
    await processor.stop();
    const [, score] = await suite.redis.zrange(keys(queue).delayed, '0', '0', 'WITHSCORES');
    const due = Number(score);
    assert.ok(Number.isFinite(due), `due time ${score}`);
    assert.ok(due >= before + MAX_RETRY_DELAY_MS && due <= Date.now() + MAX_RETRY_DELAY_MS, `due time ${score}`);
  });

  it('retry() rejects NaN, Infinity, 1e300 and non-numbers before touching Redis: the message stays in processing', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('job');
    const [message] = await queue.receive(1, new AbortController().signal);
    assert.ok(message);
    for (const bad of [Number.NaN, Infinity, 1e300, MAX_RETRY_DELAY_MS + 1, '5' as unknown as number]) {
      await assert.rejects(queue.retry(message, bad, 'e'), /retry delayMs must be a number <= 2147483647/);
      assert.deepEqual(await queue.counts(), { ready: 0, processing: 1, delayed: 0, dead: 0 }, `after retry(${String(bad)})`);
    }
    await queue.retry(message, 0, 'e');
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 1, dead: 0 });
  });

  it('the settle script checks every input before it removes anything', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('job');
    const [message] = await queue.receive(1, new AbortController().signal);
    assert.ok(message);
    const [raw] = await suite.redis.lrange(keys(queue).processing, 0, 0);
    const { processing, leases, delayed } = keys(queue);
    for (const [mode, next, score, error] of [
      ['zadd', raw, 'NaN', /retry score must be a finite number, got NaN/],
      ['zadd', raw, 'inf', /retry score must be a finite number, got inf/],
      ['zadd', raw, 'Infinity', /retry score must be a finite number/],
      ['zadd', raw, 'soon', /retry score must be a finite number, got soon/],
      ['zadd', '', '1', /empty entry/],
      ['lpush', '', '0', /empty entry/],
      ['move', raw, '0', /unknown mode move/],
    ] as const) {
      await assert.rejects(suite.redis.eval(SETTLE_SCRIPT, 3, processing, leases, delayed, raw!, mode, next!, score), error);
      assert.deepEqual(await queue.counts(), { ready: 0, processing: 1, delayed: 0, dead: 0 }, `${mode} ${score} removed the message`);
      assert.equal(await suite.redis.zcard(leases), 1);
    }
  });

  it('a delayed entry with an infinite score (left by older code) does not break every receive', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 50 });
    await suite.redis.zadd(keys(queue).delayed, 'inf', JSON.stringify({ id: 'parked', attempts: 1, body: 'x' }));
    assert.deepEqual(await queue.receive(1, new AbortController().signal), []);
    await queue.enqueue('fresh');
    assert.deepEqual(
      (await queue.receive(1, new AbortController().signal)).map((m) => m.body),
      ['fresh'],
    );
  });

  it('deadLetters(limit) reads at most limit entries: 0 is none, not the whole list', async () => {
    const queue = newQueue<string>();
    for (const body of ['a', 'b', 'c']) await suite.redis.lpush(keys(queue).dead, JSON.stringify({ id: body, attempts: 1, body }));
    assert.deepEqual(await queue.deadLetters(0), []);
    assert.deepEqual(
      (await queue.deadLetters(2)).map((m) => m.body),
      ['c', 'b'],
    );
    for (const bad of [-1, 1.5, Number.NaN]) await assert.rejects(queue.deadLetters(bad), /limit must be an integer >= 0/);
  });

  it('RedisQueueRecovery refuses an intervalMs under 1000 ms, which would sweep the processing list without pause', () => {
    const queue = newQueue<string>();
    for (const intervalMs of [0, 1, 10, MIN_RECOVERY_INTERVAL_MS - 1, Number.NaN]) {
      assert.throws(() => new RedisQueueRecovery(queue as RedisQueue<unknown>, { intervalMs }), RangeError, String(intervalMs));
    }
    assert.ok(new RedisQueueRecovery(queue as RedisQueue<unknown>, { intervalMs: MIN_RECOVERY_INTERVAL_MS }));
  });

  it('refuses a blockTimeoutMs that Redis would reject on every receive', async () => {
    assert.throws(() => new RedisQueue({ name: 'q', redis: suite.redis, blockTimeoutMs: 1e300 }), /blockTimeoutMs must be <= 2147483647/);
    assert.throws(() => new RedisQueue({ name: 'q', redis: suite.redis, blockTimeoutMs: Infinity }), /blockTimeoutMs must be a finite number > 0/);
  });
});
