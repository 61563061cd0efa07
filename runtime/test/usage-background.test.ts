import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { InMemoryQueue } from '../src/background.js';
import { startEmailWorker, startMetricsFlusher, startRedisEmailWorker, type WelcomeEmail } from '../usage/background.js';
import { redisServer } from './fixtures/redis.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';

describe('usage: background', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('bw-queue-worker sends queued emails, retries a failure, and installs removable signal handlers', async () => {
    const before = process.listenerCount('SIGTERM');
    const queue = new InMemoryQueue<WelcomeEmail>();
    const sent: string[] = [];
    let failuresLeft = 1;
    const { worker, tasks, removeSignalHandlers } = startEmailWorker(queue, async (email) => {
      if (email.to === 'flaky@example.com' && failuresLeft-- > 0) throw new Error('SMTP 451');
      sent.push(email.to);
    });
    try {
      assert.equal(process.listenerCount('SIGTERM'), before + 1);
      await queue.enqueue({ to: 'ada@example.com' });
      await queue.enqueue({ to: 'flaky@example.com' });
      // The default backoff delays the retry by up to a second.
      await waitFor(() => sent.length === 2, 'both emails sent');
      assert.deepEqual(sent.sort(), ['ada@example.com', 'flaky@example.com']);
      assert.equal(worker.stats.retried, 1);
      assert.equal(await tasks.stop(), 'drained');
    } finally {
      removeSignalHandlers();
    }
    assert.equal(process.listenerCount('SIGTERM'), before);
  });

  it('bw-redis-queue processes through a real Redis and recovers nothing when no consumer crashed', async () => {
    const redis = new Redis((await redisServer()).url);
    const sent: string[] = [];
    const { queue, tasks } = startRedisEmailWorker(redis, async (email) => void sent.push(email.to), `usage-${randomUUID()}`);
    try {
      await queue.enqueue({ to: 'grace@example.com' });
      await waitFor(() => sent.length === 1, 'the email');
      assert.equal(await tasks.stop(), 'drained');
      assert.deepEqual(sent, ['grace@example.com']);
      assert.deepEqual(await queue.counts(), { ready: 0, processing: 0, delayed: 0, dead: 0 });
    } finally {
      await queue.close();
      redis.disconnect();
    }
  });

  it('bw-background-task flushes periodically and its stop interrupts the idle wait', async () => {
    let flushes = 0;
    const flusher = startMetricsFlusher({ flush: async () => void (flushes += 1) }, 600_000);
    await waitFor(() => flushes === 1, 'the first flush');
    // The interval is ten minutes: only an interrupted wait lets stop() finish within mocha's timeout.
    assert.equal(await flusher.stop({ timeoutMs: 60_000 }), 'drained');
    assert.equal(flushes, 1);
  });
});
