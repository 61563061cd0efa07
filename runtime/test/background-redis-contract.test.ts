// RedisQueue's contract at its edges, on a real redis-server: which stored entries count as
// messages, the blocking receive (batching and leases), recover()'s bookkeeping, and option bounds.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { getEventListeners } from 'node:events';
import { Redis } from 'ioredis';
import { MAX_TIMER_DELAY, QueueProcessor } from '../src/background.js';
import { RedisQueue, RedisQueueRecovery } from '../src/background/redis.js';
import { useRedisQueues } from './fixtures/redis-queues.js';
import { blockedInBlmove, waitFor } from './fixtures/background-helpers.js';

describe('background/redis RedisQueue contract (real redis-server)', () => {
  const suite = useRedisQueues('contract');
  const { newQueue } = suite;
  const never = () => new AbortController().signal;

  /** Ids of the clients blocked in BLMOVE. */
  async function blockedIds(): Promise<string[]> {
    return String(await suite.redis.client('LIST'))
      .split('\n')
      .filter((line) => /\bflags=\w*b/.test(line) && line.includes('cmd=blmove'))
      .map((line) => /\bid=(\d+)/.exec(line)?.[1] ?? '?');
  }

  it('delivers only well-formed envelopes, parks every other entry unchanged, and drops a non-string lastError', async () => {
    const queue = newQueue<number>();
    const malformed = [
      'null',
      '"text"',
      '[1]',
      '{"id":1,"attempts":0,"body":1}',
      '{"id":"negative","attempts":-1,"body":1}',
      '{"id":"fraction","attempts":1.5,"body":1}',
      '{"id":"missing","body":1}',
    ];
    const valid = ['{"id":"zero","attempts":0,"lastError":5,"body":1}', '{"id":"two","attempts":2,"lastError":"Error: x","body":2}'];
    // LPUSH adds to the head and consumers take from the tail: this order is delivery order.
    await suite.redis.lpush(`{${queue.name}}:ready`, ...malformed, ...valid);
    const messages = await queue.receive(20, never());
    assert.deepEqual(messages, [
      { id: 'zero', body: 1, attempts: 0 },
      { id: 'two', body: 2, attempts: 2, lastError: 'Error: x' },
    ]);
    assert.deepEqual(await queue.counts(), { ready: 0, processing: 2, delayed: 0, dead: malformed.length });
    assert.deepEqual(
      await queue.deadLetters(),
      [...malformed].reverse().map((raw) => ({ id: 'unparseable', body: raw, attempts: 0, lastError: 'not a queue envelope' })),
    );
  });

  it('logs a malformed entry with its queue and at most 200 characters of it', async () => {
    const queue = newQueue<string>();
    const raw = `not json ${'x'.repeat(300)}`;
    await suite.redis.lpush(`{${queue.name}}:ready`, raw);
    assert.deepEqual(await queue.receive(1, never()), []);
    const line = suite.logs.lines.find((l) => l.msg === 'malformed queue entry; moving it to the dead-letter list');
    assert.deepEqual([line?.level, line?.queue, line?.raw], [50, queue.name, raw.slice(0, 200)]);
  });

  it('warns, naming the queue and message, when a settle finds its message no longer in processing', async () => {
    const queue = newQueue<string>();
    const id = await queue.enqueue('once');
    const [message] = await queue.receive(1, never());
    await queue.ack(message!);
    await queue.ack(message!);
    const warnings = suite.logs.lines.filter((l) => String(l.msg).startsWith('settled a message no longer in processing'));
    assert.deepEqual(
      warnings.map((l) => [l.level, l.queue, l.messageId, l.msg]),
      [[40, queue.name, id, 'settled a message no longer in processing (recovered meanwhile, or Redis lost it); it may be handled twice']],
    );
  });

  it('a blocking receive returns the whole batch that arrived and leases every entry it took', async () => {
    const queue = newQueue<number>({ blockTimeoutMs: 60_000 });
    const receiving = queue.receive(3, never());
    await waitFor(async () => (await blockedInBlmove(suite.redis)) === 1, 'the receive to block');
    const entries = [1, 2, 3, 4].map((n) => JSON.stringify({ id: `m${n}`, attempts: 0, body: n }));
    await suite.redis
      .multi()
      .lpush(`{${queue.name}}:ready`, ...entries)
      .exec();
    const messages = await receiving;
    assert.deepEqual(
      messages.map((m) => m.body),
      [1, 2, 3],
    );
    assert.equal((await queue.counts()).ready, 1, 'took more than max');
    // Leases are stamped when taken: past the visibility age, recover() moves all three, the blocked-for one included.
    const takenAt = Date.now();
    await waitFor(() => Date.now() - takenAt > 100, '100 ms to pass');
    assert.equal(await queue.recover({ olderThanMs: 50 }), 3);
  });

  it('QueueProcessor dead-letters an entry whose crashed consumers used up its attempts, saying so when it has no last error', async () => {
    const queue = newQueue<number>();
    await suite.redis.lpush(`{${queue.name}}:ready`, JSON.stringify({ id: 'crashed', attempts: 3, body: 1 }));
    let handled = 0;
    const processor = new QueueProcessor({ queue, maxAttempts: 3, handler: async () => void (handled += 1) });
    processor.start();
    await waitFor(async () => (await queue.counts()).dead === 1, 'the dead letter');
    await processor.stop();
    assert.equal(handled, 0);
    assert.deepEqual(await queue.deadLetters(), [{ id: 'crashed', body: 1, attempts: 4, lastError: 'attempts exhausted by crashed consumers' }]);
  });

  it('a receive on an aborted signal takes nothing', async () => {
    const queue = newQueue<string>();
    await queue.enqueue('stays');
    const controller = new AbortController();
    controller.abort();
    assert.deepEqual(await queue.receive(1, controller.signal), []);
    assert.deepEqual(await queue.counts(), { ready: 1, processing: 0, delayed: 0, dead: 0 });
  });

  it('close() drops the blocking connection, and a later receive opens a new one', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 60_000 });
    const controller = new AbortController();
    const waiting = queue.receive(1, controller.signal);
    await waitFor(async () => (await blockedInBlmove(suite.redis)) === 1, 'the receive to block');
    const before = await blockedIds();
    controller.abort();
    assert.deepEqual(await waiting, []);
    await queue.close();
    const again = queue.receive(1, never());
    await waitFor(async () => (await blockedInBlmove(suite.redis)) === 1, 'the second receive to block');
    assert.notDeepEqual(await blockedIds(), before, 'close() left the blocking connection open');
    await queue.enqueue('after close');
    assert.deepEqual(
      (await again).map((m) => m.body),
      ['after close'],
    );
  });

  it('a receive waiting on an empty ready list returns when a retry comes due, not after blockTimeoutMs', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 600_000 });
    await queue.enqueue('job');
    const [first] = await queue.receive(1, never());
    await queue.retry(first!, 200, 'Error: soon');
    const guard = AbortSignal.timeout(5_000); // a hang guard far above the 200 ms delay, far below the block timeout
    // The wait ends empty-handed at the due time, so the caller's next receive promotes the retry.
    assert.deepEqual(await queue.receive(1, guard), []);
    assert.equal(guard.aborted, false, 'the receive waited past the due time of the retry');
    const [again] = await queue.receive(1, guard);
    assert.deepEqual([again?.id, again?.attempts, again?.lastError], [first!.id, 1, 'Error: soon']);
  });

  it('cancels a blocked receive with CLIENT UNBLOCK, keeping its blocking connection, and leaves no listener behind', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 600_000 });
    const stopping = never();
    const ids: string[] = [];
    for (let n = 0; n < 2; n += 1) {
      const controller = new AbortController();
      const waiting = queue.receive(1, AbortSignal.any([stopping, controller.signal]));
      await waitFor(async () => (await blockedIds()).length === 1, 'the receive to block');
      ids.push(...(await blockedIds()));
      controller.abort();
      assert.deepEqual(await waiting, []);
    }
    assert.equal(ids[0], ids[1], 'the blocking connection was dropped instead of unblocked');
    assert.equal(getEventListeners(stopping, 'abort').length, 0);
  });

  it('after its blocking connection reconnects, an aborted receive is still unblocked on that connection', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 600_000 });
    const blockThenAbort = async () => {
      const controller = new AbortController();
      const waiting = queue.receive(1, controller.signal);
      await waitFor(async () => (await blockedIds()).length === 1, 'the receive to block');
      const [id] = await blockedIds();
      controller.abort();
      assert.deepEqual(await waiting, []);
      return id;
    };
    const killed = await blockThenAbort();
    await suite.redis.client('KILL', 'ID', killed!); // a network drop: ioredis reconnects under a new client id
    const reconnected = await blockThenAbort();
    assert.notEqual(reconnected, killed);
    assert.equal(await blockThenAbort(), reconnected, 'the abort after the reconnect used a stale id and dropped the connection');
  });

  it('logs an error on its blocking connection at debug level and keeps receiving', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 600_000 });
    const duplicates: Redis[] = [];
    const duplicate = suite.redis.duplicate.bind(suite.redis);
    suite.redis.duplicate = (...args: Parameters<Redis['duplicate']>) => {
      const connection = duplicate(...args);
      duplicates.push(connection);
      return connection;
    };
    try {
      const waiting = queue.receive(1, never());
      await waitFor(async () => (await blockedIds()).length === 1, 'the receive to block');
      duplicates[0]!.stream.destroy(new Error('connection reset by peer'));
      await waitFor(() => suite.logs.lines.some((l) => l.msg === 'blocking connection error'), 'the error to be logged');
      const line = suite.logs.lines.find((l) => l.msg === 'blocking connection error');
      assert.deepEqual([line?.level, line?.queue, (line?.err as { message?: string })?.message], [20, queue.name, 'connection reset by peer']);
      await queue.enqueue('after the error');
      // The interrupted receive either resends its BLMOVE after the reconnect or fails; then a new receive gets the message.
      const received =
        (await waiting.then(
          (messages) => messages,
          () => undefined,
        )) ?? (await queue.receive(1, never()));
      assert.deepEqual(
        received.map((m) => m.body),
        ['after the error'],
      );
    } finally {
      delete (suite.redis as unknown as { duplicate?: unknown }).duplicate;
    }
  });

  it('a receive whose signal aborts while it takes from the ready list does not go on to block', async () => {
    const queue = newQueue<string>({ blockTimeoutMs: 600_000 });
    await queue.receive(1, AbortSignal.timeout(50)); // from here on the blocking connection and its id are known
    const controller = new AbortController();
    const evalOriginal = suite.redis.eval.bind(suite.redis) as (...args: unknown[]) => Promise<unknown>;
    (suite.redis as unknown as { eval: (...args: unknown[]) => Promise<unknown> }).eval = async (...args: unknown[]) => {
      const result = await evalOriginal(...args);
      if (String(args[0]).includes('LMOVE')) controller.abort(); // stop() arrives while the take is in flight
      return result;
    };
    try {
      assert.deepEqual(await queue.receive(1, controller.signal), []);
    } finally {
      delete (suite.redis as unknown as { eval?: unknown }).eval;
    }
    assert.deepEqual(await blockedIds(), []);
  });

  describe('with a Redis user that may not run every command (ACL)', () => {
    const users: string[] = [];
    const connections: Redis[] = [];
    async function restrictedQueue(rules: string[], options: { blockTimeoutMs?: number } = {}): Promise<RedisQueue<string>> {
      const username = `restricted-${randomUUID()}`;
      users.push(username);
      await suite.redis.acl('SETUSER', username, 'on', 'nopass', '~*', '&*', '+@all', ...rules);
      const connection = new Redis(suite.server.url, { username });
      connection.on('error', () => {});
      connections.push(connection);
      return newQueue<string>({ redis: connection, ...options });
    }
    afterEach(async () => {
      await suite.closeQueues(); // before their connections go
      for (const connection of connections.splice(0)) connection.disconnect();
      for (const username of users.splice(0)) await suite.redis.acl('DELUSER', username);
    });

    it('a receive whose BLMOVE Redis refuses rejects with that error instead of reporting an empty queue', async () => {
      const queue = await restrictedQueue(['-blmove']);
      await assert.rejects(queue.receive(1, never()), /NOPERM/);
    });

    it('when CLIENT UNBLOCK is refused, an aborted receive drops its blocking connection, logs why, and the next receive opens a new one', async () => {
      const queue = await restrictedQueue(['-client|unblock'], { blockTimeoutMs: 600_000 });
      const controller = new AbortController();
      const waiting = queue.receive(1, controller.signal);
      await waitFor(async () => (await blockedIds()).length === 1, 'the receive to block');
      const [dropped] = await blockedIds();
      controller.abort();
      assert.deepEqual(await waiting, []);
      const line = suite.logs.lines.find((l) => l.msg === 'CLIENT UNBLOCK failed; closing the blocking connection instead');
      assert.deepEqual([line?.level, line?.queue], [20, queue.name]);
      assert.match(String((line?.err as { message?: string })?.message), /NOPERM/);
      const again = queue.receive(1, never());
      await waitFor(async () => (await blockedIds()).length === 1, 'the next receive to block');
      assert.notEqual((await blockedIds())[0], dropped);
      await queue.enqueue('after the fallback');
      assert.deepEqual(
        (await again).map((m) => m.body),
        ['after the fallback'],
      );
    });
  });

  it('rejects a fractional receive count', async () => {
    const queue = newQueue<string>();
    await assert.rejects(queue.receive(1.5, never()), { name: 'RangeError', message: 'max must be an integer >= 1, got 1.5' });
  });

  it('recover() logs only when it moved something, and validates olderThanMs', async () => {
    const queue = newQueue<string>();
    assert.equal(await queue.recover({ olderThanMs: 0 }), 0);
    assert.deepEqual(
      suite.logs.lines.filter((line) => line.queue === queue.name),
      [],
    );
    await queue.enqueue('held');
    await queue.receive(1, never());
    assert.equal(await queue.recover({ olderThanMs: 0 }), 1);
    const line = suite.logs.lines.find((l) => l.msg === 'recovered messages abandoned by crashed consumers');
    assert.deepEqual([line?.level, line?.queue, line?.moved], [40, queue.name, 1]);
    for (const olderThanMs of [-1, NaN, Infinity]) {
      await assert.rejects(queue.recover({ olderThanMs }), { name: 'RangeError', message: `olderThanMs must be a finite number >= 0, got ${olderThanMs}` });
    }
  });

  it('reads 100 dead letters by default, newest first', async () => {
    const queue = newQueue<number>();
    const entries = Array.from({ length: 101 }, (_, n) => JSON.stringify({ id: `d${n}`, attempts: 1, body: n }));
    await suite.redis.lpush(`{${queue.name}}:dead`, ...entries);
    const letters = await queue.deadLetters();
    assert.equal(letters.length, 100);
    assert.deepEqual([letters[0]!.body, letters[99]!.body], [100, 1]);
  });

  it('accepts the boundary values of its options and refuses the ones just past them', () => {
    const name = `bounds-${randomUUID()}`;
    assert.doesNotThrow(() => new RedisQueue({ name, redis: suite.redis, blockTimeoutMs: MAX_TIMER_DELAY }));
    assert.throws(() => new RedisQueue({ name, redis: suite.redis, blockTimeoutMs: MAX_TIMER_DELAY + 1 }), {
      name: 'RangeError',
      message: `blockTimeoutMs must be <= ${MAX_TIMER_DELAY}, got ${MAX_TIMER_DELAY + 1}`,
    });
    for (const visibilityTimeoutMs of [0, -1, NaN, Infinity]) {
      assert.throws(() => new RedisQueue({ name, redis: suite.redis, visibilityTimeoutMs }), {
        name: 'RangeError',
        message: `visibilityTimeoutMs must be a finite number > 0, got ${visibilityTimeoutMs}`,
      });
    }
    const queue = new RedisQueue({ name, redis: suite.redis });
    assert.equal(new RedisQueueRecovery(queue, { intervalMs: 1000 }).name, `RedisQueueRecovery(${name})`);
    assert.throws(() => new RedisQueueRecovery(queue, { intervalMs: 999 }), { name: 'RangeError', message: 'intervalMs must be >= 1000, got 999' });
    assert.throws(() => new RedisQueueRecovery(queue, { intervalMs: 0 }), { name: 'RangeError', message: 'intervalMs must be a finite number > 0, got 0' });
  });
});
