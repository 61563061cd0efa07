// The outbox relaying into a real RedisQueue while redis-server is stopped and restarted. The relay's
// client keeps ioredis's offline queue, so publishes that timed out during the outage still land
// after the restart: real duplicates, which the idempotent consumer must absorb.
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { QueueProcessor, TaskManager } from '../src/background.js';
import { RedisQueue, RedisQueueRecovery } from '../src/background/redis.js';
import { OutboxRelay, ProcessedMessages, enqueueOutbox, idempotentHandler, type OutboxMessage } from '../src/outbox.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';
import { openOutboxDb, type OutboxDb } from './fixtures/outbox.js';
import { startRedisServer, type RedisServer } from './fixtures/redis.js';
import { sqlTargets } from './fixtures/sql.js';

interface OrderPlaced {
  orderId: string;
}

for (const target of sqlTargets()) {
  describe(`outbox into a RedisQueue on ${target.name}, Redis stopped and restarted`, function () {
    this.timeout(120_000);
    let redisServer: RedisServer;
    let db: OutboxDb;
    let logs: CapturedLogs;

    before(async function () {
      redisServer = await startRedisServer();
      if (!redisServer.controllable) this.skip();
      db = await openOutboxDb(target);
      await db.db.query('CREATE TABLE IF NOT EXISTS shipments (order_id text PRIMARY KEY)');
    });
    after(async () => {
      await db?.close();
      if (redisServer?.controllable) await redisServer.stop();
    });
    beforeEach(() => {
      logs = captureLogs();
    });
    afterEach(() => logs.restore());

    it('publishes nothing during the outage, then everything; duplicates from the offline queue are applied once', async () => {
      const redis = new Redis(redisServer.url);
      redis.on('error', () => {}); // expected while the server is down
      const queue = new RedisQueue<OutboxMessage<OrderPlaced>>({ name: `outbox-${Date.now()}`, redis, blockTimeoutMs: 200 });
      const relay = new OutboxRelay<OrderPlaced>({ db: db.db, queue, pollIntervalMs: 20, publishTimeoutMs: 100, leaseMs: 2_000, backoff: () => 50 });
      let applied = 0;
      const consumer = new QueueProcessor({
        queue,
        concurrency: 4,
        handler: idempotentHandler<OrderPlaced>({
          processed: new ProcessedMessages({ consumer: 'shipping' }),
          transaction: db.transaction,
          handle: async (order, { tx }) => {
            applied += 1;
            await tx.query('INSERT INTO shipments (order_id) VALUES ($1)', [order.orderId]);
          },
        }),
      });
      const tasks = new TaskManager()
        .add(relay)
        .add(consumer)
        .add(new RedisQueueRecovery(queue as RedisQueue<unknown>, { intervalMs: 1_000 }));
      tasks.start();
      try {
        await redisServer.stop();
        for (let i = 0; i < 10; i++) {
          await db.transaction(async (tx) => {
            await enqueueOutbox<OrderPlaced>(tx, { topic: 'order.placed', payload: { orderId: `o-${i}` } });
          });
        }
        // Many timed-out rounds: at production scale (10 s timeout, backoff up to a minute) this is minutes of outage.
        await waitFor(() => relay.stats.failedRounds >= 5, 'rounds failing against the stopped server');
        assert.equal(applied, 0);
        assert.equal(await relay.pending(), 10);

        await redisServer.start();
        await waitFor(async () => (await relay.pending()) === 0, 'the outbox to drain after the restart', 30_000);
        await waitFor(() => applied === 10, 'every order to be shipped', 30_000);
        // Let late duplicates arrive and be absorbed.
        await waitFor(async () => {
          const counts = await queue.counts();
          return counts.ready === 0 && counts.processing === 0 && consumer.inFlight === 0;
        }, 'the queue to empty');
        assert.equal(applied, 10);
        assert.deepEqual((await db.db.query('SELECT count(*)::int AS n FROM shipments')).rows, [{ n: 10 }]);
        assert.equal(consumer.stats.deadLettered, 0);
        // Each timed-out publish stayed in ioredis's offline queue and landed after the restart.
        assert.ok(consumer.stats.succeeded > 10, 'no duplicate arrived, so the idempotent consumer was not exercised');
      } finally {
        await tasks.stop({ timeoutMs: 5_000 });
        await queue.close();
        redis.disconnect();
      }
    });
  });
}
