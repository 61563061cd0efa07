// A Symbol (or any value a template literal cannot print) passed where a pattern expects a number
// or a name: each refusal must be the pattern's own TypeError or RangeError naming the option, never
// the engine's "Cannot convert a Symbol value to a string" thrown while building that message.
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { BackgroundTask, InMemoryQueue, QueueProcessor, exponentialBackoff, type TaskContext } from '../src/background.js';
import { RedisQueue, RedisQueueRecovery } from '../src/background/redis.js';
import { rateLimited, serviceUnavailable } from '../src/errors.js';
import { OutboxRelay, ProcessedMessages } from '../src/outbox.js';
import { MemoryRepository } from '../src/repository/memory.js';

const SYMBOL = Symbol('hostile') as unknown as number;

/** The refusal is ours: the right class, and a message that names what was wrong. */
function refused(work: () => unknown, kind: ErrorConstructor, names: RegExp): void {
  assert.throws(work, (error: unknown) => {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
    assert.doesNotMatch(error.message, /Cannot convert a Symbol/);
    assert.match(error.message, names);
    return true;
  });
}

async function refusedAsync(work: () => Promise<unknown>, kind: ErrorConstructor, names: RegExp): Promise<void> {
  await assert.rejects(work, (error: unknown) => {
    assert.ok(error instanceof kind, `expected a ${kind.name}, got ${String(error)}`);
    assert.doesNotMatch(error.message, /Cannot convert a Symbol/);
    assert.match(error.message, names);
    return true;
  });
}

class IdleTask extends BackgroundTask {
  protected async run({ stopping }: TaskContext): Promise<void> {
    await new Promise((resolve) => stopping.addEventListener('abort', resolve, { once: true }));
  }
}

describe('Symbol inputs get the pattern’s own error', () => {
  let redis: Redis;
  before(() => (redis = new Redis({ lazyConnect: true })));
  after(() => redis.disconnect());

  it('background: task name, processor counts, backoff bounds, in-memory receive', async () => {
    refused(() => new IdleTask({ name: SYMBOL as unknown as string }), TypeError, /name must be a string, got symbol/);
    const queue = new InMemoryQueue<string>();
    refused(
      () => new QueueProcessor({ queue, handler: async () => {}, concurrency: SYMBOL }),
      RangeError,
      /concurrency must be an integer >= 1, got Symbol\(hostile\)/,
    );
    refused(() => new QueueProcessor({ queue, handler: async () => {}, maxAttempts: SYMBOL }), RangeError, /maxAttempts/);
    refused(() => exponentialBackoff({ baseMs: SYMBOL }), RangeError, /baseMs/);
    await refusedAsync(() => queue.receive(SYMBOL, new AbortController().signal), RangeError, /max must be an integer >= 1, got Symbol\(hostile\)/);
  });

  it('background on Redis: queue name, timeouts, receive and recover counts, recovery interval', async () => {
    refused(() => new RedisQueue({ name: SYMBOL as unknown as string, redis }), TypeError, /queue name must be a non-empty string free of braces, got symbol/);
    refused(
      () => new RedisQueue({ name: 'jobs', redis, blockTimeoutMs: SYMBOL }),
      RangeError,
      /blockTimeoutMs must be a finite number > 0, got Symbol\(hostile\)/,
    );
    refused(() => new RedisQueue({ name: 'jobs', redis, visibilityTimeoutMs: SYMBOL }), RangeError, /visibilityTimeoutMs/);
    const queue = new RedisQueue<string>({ name: 'jobs', redis });
    await refusedAsync(() => queue.receive(SYMBOL, new AbortController().signal), RangeError, /max must be an integer >= 1, got Symbol\(hostile\)/);
    await refusedAsync(() => queue.recover({ olderThanMs: SYMBOL }), RangeError, /olderThanMs must be a finite number >= 0, got Symbol\(hostile\)/);
    refused(
      () => new RedisQueueRecovery(queue as RedisQueue<unknown>, { intervalMs: SYMBOL }),
      RangeError,
      /intervalMs must be a finite number > 0, got Symbol\(hostile\)/,
    );
  });

  it('outbox: relay options and the processed-messages cleanup age', async () => {
    const queue = new InMemoryQueue<unknown>();
    const db = { query: async () => ({ rows: [] }) };
    for (const option of ['batchSize', 'pollIntervalMs', 'leaseMs', 'publishTimeoutMs', 'retentionMs', 'cleanupIntervalMs']) {
      refused(() => new OutboxRelay({ db: db as never, queue, [option]: SYMBOL }), RangeError, new RegExp(`${option} must be .*got Symbol\\(hostile\\)`));
    }
    await refusedAsync(
      () => new ProcessedMessages({ consumer: 'mailer' }).cleanup(db as never, SYMBOL),
      RangeError,
      /olderThanMs must be a finite number >= 0, got Symbol\(hostile\)/,
    );
  });

  it('errors: Retry-After seconds', () => {
    refused(() => rateLimited(SYMBOL), TypeError, /retryAfterSeconds must be a non-negative number, got Symbol\(hostile\)/);
    refused(() => serviceUnavailable(SYMBOL), TypeError, /retryAfterSeconds/);
  });

  it('repository: a Symbol idField or unique field not among the fields', () => {
    const id = Symbol('id') as unknown as 'id';
    refused(
      () => new MemoryRepository<{ id: number }, number>({ entity: 'user', fields: ['id'], idField: id }),
      TypeError,
      /idField Symbol\(id\) is not in fields/,
    );
    refused(
      () => new MemoryRepository<{ id: number }, number>({ entity: 'user', fields: ['id'], idField: 'id', unique: [id] }),
      TypeError,
      /unique field Symbol\(id\) is not in fields/,
    );
  });
});
