import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { QueueProcessor, TaskManager } from '../src/background.js';
import { RedisQueue, RedisQueueRecovery } from '../src/background/redis.js';
import { useRedisQueues } from './fixtures/redis-queues.js';
import { blockedInBlmove, gate, waitFor } from './fixtures/background-helpers.js';

describe('background/redis RedisQueue (real redis-server)', () => {
  const suite = useRedisQueues('test');
  const { newQueue } = suite;

  it('delivers in FIFO order, hides received messages from other consumers, and forgets them once acked', async () => {
    const queue = newQueue<{ n: number }>();
    for (let n = 1; n <= 3; n += 1) await queue.enqueue({ n });
    const signal = new AbortController().signal;
    const firstTwo = await queue.receive(2, signal);
    assert.deepEqual(
      firstTwo.map((m) => m.body.n),
      [1, 2],
    );
    assert.deepEqual(await queue.counts(), { ready: 1, processing: 2, delayed: 0, dead: 0 });
    const other = await queue.receive(5, signal);
    assert.deepEqual(
      other.map((m) => m.body.n),
      [3],
    );
    for (const message of [...firstTwo, ...other]) await queue.ack(message);
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it('catalogue defect: a handler that throws never loses its message: retried with backoff, then dead-lettered, counts add up', async () => {
    const queue = newQueue<{ invoice: string }>();
    const seenAttempts: number[] = [];
    const processor = new QueueProcessor({
      queue,
      maxAttempts: 3,
      backoff: () => 5,
      handler: async (_body, { message }) => {
        seenAttempts.push(message.attempts);
        throw new Error('renderer crashed');
      },
    });
    const id = await queue.enqueue({ invoice: 'INV-1' });
    processor.start();
    await waitFor(async () => (await queue.counts()).dead === 1, 'the dead letter');
    await processor.stop();

    assert.deepEqual(seenAttempts, [0, 1, 2]);
    const [dead] = await queue.deadLetters();
    assert.deepEqual(dead, { id, body: { invoice: 'INV-1' }, attempts: 3, lastError: 'Error: renderer crashed' });
    assert.deepEqual(processor.stats, { succeeded: 0, retried: 2, deadLettered: 1, released: 0, settleFailures: 0 });
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 1 });
  });

  it('redelivers a retried message only after its delay, carrying the attempt count', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('job');
    const signal = new AbortController().signal;
    const [first] = await queue.receive(1, signal);
    assert.ok(first);
    await queue.retry(first, 60_000, 'Error: later');
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 1, dead: 0 });
    assert.deepEqual(await queue.receive(1, AbortSignal.timeout(50)), [], 'a retry due in a minute was delivered early');

    const [retried] = await suite.redis.zrange(`{${queue.name}}:delayed`, '0', '0'); // ioredis 6 types ZRANGE's stop as a string
    await suite.redis.zadd(`{${queue.name}}:delayed`, 0, retried!); // make it due now
    const [second] = await queue.receive(1, signal);
    assert.equal(second?.id, first.id);
    assert.equal(second?.attempts, 1);
    assert.equal(second?.lastError, 'Error: later');
  });

  it('recover() redelivers a message taken by a consumer that crashed before acking', async () => {
    const queue = newQueue<string>({ visibilityTimeoutMs: 60_000 });
    const id = await queue.enqueue('charge card');
    // The "crashed" consumer: a separate queue instance that receives and then is simply abandoned.
    const crashed = new RedisQueue<string>({ name: queue.name, redis: suite.redis });
    const [taken] = await crashed.receive(1, new AbortController().signal);
    assert.equal(taken?.id, id);
    await crashed.close();

    assert.equal(await queue.recover(), 0, 'a fresh lease was treated as stale');
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 1, delayed: 0, dead: 0 });

    assert.equal(await queue.recover({ olderThanMs: 0 }), 1);
    const handled: Array<[string, number]> = [];
    const processor = new QueueProcessor({ queue, handler: async (body, { message }) => void handled.push([body, message.attempts]) });
    processor.start();
    await waitFor(() => processor.stats.succeeded === 1, 'the recovered message');
    await processor.stop();
    assert.deepEqual(handled, [['charge card', 1]], 'the crash counts as an attempt');
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it("RedisQueueRecovery sweeps periodically, so a crashed consumer's message is handled without manual recover()", async () => {
    const queue = newQueue<string>({ visibilityTimeoutMs: 1 });
    const crashed = new RedisQueue<string>({ name: queue.name, redis: suite.redis });
    await queue.enqueue('resize image');
    assert.equal((await crashed.receive(1, new AbortController().signal)).length, 1);
    await crashed.close();
    const handled: string[] = [];
    const processor = new QueueProcessor({ queue, handler: async (body) => void handled.push(body) });
    const tasks = new TaskManager().add(processor).add(new RedisQueueRecovery(queue, { intervalMs: 1000 }));
    tasks.start();
    await waitFor(() => handled.length === 1, 'the recovered message');
    assert.equal(await tasks.stop(), 'drained');
    assert.deepEqual(handled, ['resize image']);
  });

  it('dead-letters a message whose consumers keep crashing instead of redelivering it forever', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('poison pill');
    for (let crash = 0; crash < 2; crash += 1) {
      const consumer = new RedisQueue<string>({ name: queue.name, redis: suite.redis });
      assert.equal((await consumer.receive(1, new AbortController().signal)).length, 1);
      await consumer.close();
      assert.equal(await queue.recover({ olderThanMs: 0 }), 1);
    }
    let handlerCalls = 0;
    const processor = new QueueProcessor({ queue, maxAttempts: 2, handler: async () => void (handlerCalls += 1) });
    processor.start();
    await waitFor(() => processor.stats.deadLettered === 1, 'the dead letter');
    await processor.stop();
    assert.equal(handlerCalls, 0);
  });

  it('ack after recover() handed the message elsewhere does not duplicate it', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('once');
    const [slow] = await queue.receive(1, new AbortController().signal);
    assert.ok(slow);
    await queue.recover({ olderThanMs: 0 });
    await queue.retry(slow, 0, 'late failure'); // the slow consumer settles after recovery
    assert.deepEqual(await queue.counts(), { ready: 1, processing: 0, delayed: 0, dead: 0 });
    assert.ok(suite.logs.lines.some((line) => String(line.msg).startsWith('settled a message no longer in processing')));
  });

  it('a release that ioredis resends after a reconnect cannot duplicate the copy another consumer took meanwhile', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('once');
    const signal = new AbortController().signal;
    const [first] = await queue.receive(1, signal);
    assert.ok(first);
    const sent: unknown[][] = [];
    const evalOriginal = suite.redis.eval.bind(suite.redis);
    (suite.redis as unknown as { eval: (...args: unknown[]) => unknown }).eval = (...args: unknown[]) => {
      sent.push(args);
      return (evalOriginal as (...a: unknown[]) => unknown)(...args);
    };
    try {
      await queue.release(first);
    } finally {
      delete (suite.redis as unknown as { eval?: unknown }).eval;
    }
    const [second] = await queue.receive(1, signal); // another consumer takes the released message
    assert.ok(second);
    assert.equal(second.id, first.id);
    await (evalOriginal as (...a: unknown[]) => Promise<unknown>)(...sent[0]!); // the resent release
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 1, delayed: 0, dead: 0 });
    await queue.ack(second);
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it('still settles entries written before release added a delivery marker, and tolerates the marker on receive', async () => {
    const queue = newQueue<string>();
    const ready = `{${queue.name}}:ready`;
    await suite.redis.lpush(
      ready,
      JSON.stringify({ id: 'old', attempts: 0, body: 'legacy' }),
      JSON.stringify({ id: 'm', attempts: 1, delivery: 'x', body: 'marked' }),
    );
    const messages = await queue.receive(2, new AbortController().signal);
    assert.deepEqual(
      messages.map((m) => [m.id, m.attempts, m.body]),
      [
        ['old', 0, 'legacy'],
        ['m', 1, 'marked'],
      ],
    );
    for (const message of messages) await queue.ack(message);
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it('retry, release and dead-letter requeue the message as stored, not as a failing handler mutated it', async () => {
    const queue = newQueue<{ items: string[]; self?: unknown }>();
    const signal = new AbortController().signal;
    await queue.enqueue({ items: ['a', 'b'] });
    const mutate = (message: { body: { items: string[]; self?: unknown } }) => {
      message.body.items.pop();
      message.body.self = message.body; // not even serialisable any more
    };
    const [first] = await queue.receive(1, signal);
    mutate(first!);
    await queue.retry(first!, 0, 'failed');
    const [second] = await queue.receive(1, signal);
    assert.deepEqual([second!.body, second!.attempts], [{ items: ['a', 'b'] }, 1]);
    mutate(second!);
    await queue.release(second!);
    const [third] = await queue.receive(1, signal);
    assert.deepEqual([third!.body, third!.attempts], [{ items: ['a', 'b'] }, 1]);
    mutate(third!);
    await queue.deadLetter(third!, 'gave up');
    assert.deepEqual(
      (await queue.deadLetters()).map((m) => [m.body, m.attempts, m.lastError]),
      [[{ items: ['a', 'b'] }, 2, 'gave up']],
    );
  });

  it('moves a malformed entry to the dead-letter list instead of crashing consumers', async () => {
    const queue = newQueue<string>();
    await suite.redis.lpush(`{${queue.name}}:ready`, 'not json at all');
    await queue.enqueue('valid');
    const signal = new AbortController().signal;
    const messages = await queue.receive(5, signal);
    assert.deepEqual(
      messages.map((m) => m.body),
      ['valid'],
    );
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 1, delayed: 0, dead: 1 });
    assert.deepEqual(await suite.redis.lrange(`{${queue.name}}:dead`, 0, -1), ['not json at all']);
    assert.ok(suite.logs.lines.some((line) => line.msg === 'malformed queue entry; moving it to the dead-letter list'));
  });

  it('stop() unblocks a consumer waiting in BLMOVE promptly, on its dedicated connection', async () => {
    // A block timeout far beyond mocha's 20 s limit: only an active unblock lets this test pass.
    const queue = newQueue<string>({ blockTimeoutMs: 600_000 });
    const processor = new QueueProcessor({ queue, handler: async () => {} });
    processor.start();
    await waitFor(async () => (await blockedInBlmove(suite.redis)) === 1, 'a client blocked in BLMOVE');
    // The shared commands connection stays usable while the other one is blocked.
    assert.equal(await suite.redis.ping(), 'PONG');
    assert.equal(await processor.stop({ timeoutMs: 60_000 }), 'drained');
    assert.equal(await blockedInBlmove(suite.redis), 0);
  });

  it('loses no message across a Redis outage in the middle of processing', async function () {
    if (!suite.server.controllable) this.skip();
    const queue = newQueue<number>({ blockTimeoutMs: 1000 });
    const firstStarted = gate();
    const releaseFirst = gate();
    const handled: number[] = [];
    const processor = new QueueProcessor({
      queue,
      errorDelayMs: 50,
      handler: async (n) => {
        if (n === 1) {
          firstStarted.open();
          await releaseFirst.opened;
        }
        handled.push(n);
      },
    });
    await queue.enqueue(1);
    processor.start();
    await firstStarted.opened;

    await suite.server.stop();
    // Enqueued while Redis is down: ioredis holds the commands and sends them once it reconnects.
    const enqueuedDuringOutage = [queue.enqueue(2), queue.enqueue(3)];
    releaseFirst.open(); // message 1 finishes while Redis is unreachable; its ack waits for the reconnect
    await new Promise((resolve) => setTimeout(resolve, 100));
    await suite.server.start();
    await Promise.all(enqueuedDuringOutage);

    await waitFor(() => handled.length >= 3, 'all three messages');
    await processor.stop({ timeoutMs: 30_000 });
    assert.deepEqual([...handled].sort(), [1, 2, 3]);
    assert.equal(processor.stats.deadLettered, 0);
    assert.equal(processor.stats.retried, 0);
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
  });

  it('rejects a bad name, bad options and foreign messages clearly', async () => {
    assert.throws(() => new RedisQueue({ name: '', redis: suite.redis }), /queue name must be a non-empty string/);
    assert.throws(() => new RedisQueue({ name: 'a{b}', redis: suite.redis }), /free of braces/);
    assert.throws(() => new RedisQueue({ name: 'q', redis: suite.redis, blockTimeoutMs: 0 }), /blockTimeoutMs must be a finite number > 0, got 0/);
    const queue = newQueue<unknown>();
    await assert.rejects(queue.ack({ id: 'x', body: 1, attempts: 0 }), /was not received from queue/);
    await assert.rejects(queue.enqueue(10n), /message body must be JSON-serialisable/);
    await assert.rejects(queue.receive(0, new AbortController().signal), /max must be an integer >= 1, got 0/);
  });
});
