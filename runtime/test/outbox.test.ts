// The outbox on PGlite and PostgreSQL: atomicity with the business row, at-least-once relaying,
// and the faults it exists for: a relay killed mid-batch, a queue down for a long time, two relays at once.
import assert from 'node:assert/strict';
import pg from 'pg';
import { InMemoryQueue, QueueProcessor } from '../src/background.js';
import { OutboxRelay, ProcessedMessages, enqueueOutbox, idempotentHandler, type OutboxMessage, type OutboxRelayOptions } from '../src/outbox.js';
import type { Queryable } from '../src/repository/sql.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';
import { RecordingQueue, killableConnection, openOutboxDb, type OutboxDb } from './fixtures/outbox.js';
import { sqlTargets } from './fixtures/sql.js';

interface OrderPlaced {
  orderId: string;
  total: number;
}

/** Writes an order and its "order.placed" message in one transaction. */
async function placeOrder(db: OutboxDb, orderId: string, total = 10): Promise<string> {
  return db.transaction(async (tx) => {
    await tx.query('INSERT INTO orders (id, total) VALUES ($1, $2)', [orderId, total]);
    return enqueueOutbox<OrderPlaced>(tx, { topic: 'order.placed', payload: { orderId, total } });
  });
}

async function outboxRows(db: Queryable): Promise<Array<{ id: string; attempts: number; sent: boolean; locked: boolean; last_error: string | null }>> {
  const { rows } = await db.query(
    'SELECT id, attempts, sent_at IS NOT NULL AS sent, locked_until IS NOT NULL AS locked, last_error FROM outbox ORDER BY created_at, id',
  );
  return rows as never;
}

const fast = { pollIntervalMs: 10, errorDelayMs: 10, backoff: () => 10 } satisfies Partial<OutboxRelayOptions<OrderPlaced>>;

for (const target of sqlTargets()) {
  describe(`outbox on ${target.name}`, function () {
    this.timeout(60_000);
    let db: OutboxDb;
    let logs: CapturedLogs;
    const relays: OutboxRelay<OrderPlaced>[] = [];
    const relay = (options: Omit<OutboxRelayOptions<OrderPlaced>, 'db'> & { db?: Queryable }) => {
      const created = new OutboxRelay<OrderPlaced>({ db: db.db, ...fast, ...options });
      relays.push(created);
      return created;
    };

    before(async () => {
      db = await openOutboxDb(target);
    });
    after(() => db?.close());
    beforeEach(async () => {
      logs = captureLogs();
      await db.db.query('TRUNCATE outbox, outbox_processed, orders');
      await db.db.query('DROP TABLE IF EXISTS shipments');
    });
    afterEach(async () => {
      await Promise.all(relays.splice(0).map((r) => r.stop({ timeoutMs: 0 })));
      logs.restore();
    });

    it('commits the row and its message together, and a rollback drops both', async () => {
      const id = await placeOrder(db, 'o-1', 42);
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO orders (id, total) VALUES ($1, $2)', ['o-2', 7]);
          await enqueueOutbox(tx, { topic: 'order.placed', payload: { orderId: 'o-2', total: 7 } });
          throw new Error('payment declined');
        }),
        /payment declined/,
      );
      // A failure at the message's own insert rolls back the row as well.
      await assert.rejects(
        db.transaction(async (tx) => {
          await tx.query('INSERT INTO orders (id, total) VALUES ($1, $2)', ['o-3', 7]);
          await enqueueOutbox(tx, { topic: 'order.placed', payload: undefined });
        }),
      );
      assert.deepEqual(
        (await db.db.query('SELECT id FROM orders ORDER BY id')).rows.map((r) => r.id),
        ['o-1'],
      );
      const { rows } = await db.db.query('SELECT id, topic, payload FROM outbox');
      assert.deepEqual(rows, [{ id, topic: 'order.placed', payload: { orderId: 'o-1', total: 42 } }]);
    });

    it('relays every committed message once, as an envelope keyed by the outbox id, and marks it sent', async () => {
      const ids = [];
      for (let i = 0; i < 25; i++) ids.push(await placeOrder(db, `o-${i}`, i));
      const queue = new RecordingQueue<OrderPlaced>();
      const r = relay({ queue, batchSize: 10 });
      r.start();
      await waitFor(() => queue.accepted.length === 25, 'all 25 messages');
      await waitFor(async () => (await r.pending()) === 0, 'every message marked sent');
      assert.deepEqual([...queue.counts().values()], Array(25).fill(1));
      assert.deepEqual(new Set(queue.accepted.map((m) => m.outboxId)), new Set(ids));
      const first = queue.accepted.find((m) => m.payload.orderId === 'o-0') as OutboxMessage<OrderPlaced>;
      assert.equal(first.topic, 'order.placed');
      assert.deepEqual(first.payload, { orderId: 'o-0', total: 0 });
      assert.match(first.createdAt, /^\d{4}-\d\d-\d\dT/);
      assert.equal(await r.stop(), 'drained');
      assert.equal(r.stats.published, 25);
      for (const row of await outboxRows(db.db)) assert.deepEqual([row.sent, row.locked, row.attempts], [true, false, 1]);
    });

    it('publishes a message committed while idle at once when woken, not after the poll interval', async () => {
      const queue = new RecordingQueue<OrderPlaced>();
      const r = relay({ queue, pollIntervalMs: 600_000 });
      r.start();
      await waitFor(() => r.state === 'running', 'the relay to start');
      await new Promise((resolve) => setTimeout(resolve, 50)); // let it reach its idle wait
      await placeOrder(db, 'o-1');
      r.wake();
      await waitFor(() => queue.accepted.length === 1, 'the woken relay to publish', 5_000);
      assert.equal(await r.stop({ timeoutMs: 5_000 }), 'drained', 'stop did not interrupt the idle wait');
    });

    it('after a publish fails mid-batch, marks what was published and relays only the rest again', async () => {
      for (let i = 0; i < 10; i++) await placeOrder(db, `o-${i}`);
      const queue = new RecordingQueue<OrderPlaced>();
      queue.failAfter = 4;
      const r = relay({ queue, batchSize: 10, backoff: () => 50 });
      r.start();
      await waitFor(() => r.stats.failedRounds >= 1, 'the failed round');
      const rows = await outboxRows(db.db);
      assert.equal(rows.filter((row) => row.sent).length, 4);
      assert.ok(
        rows.filter((row) => !row.sent).every((row) => !row.locked && /queue failed mid-batch/.test(row.last_error ?? '')),
        'unsent messages were not released',
      );
      queue.failAfter = undefined;
      await waitFor(async () => (await r.pending()) === 0, 'the rest');
      assert.deepEqual([...queue.counts().values()], Array(10).fill(1), 'a message published before the failure was published again');
    });

    it('a relay killed mid-batch loses nothing: its claims expire, the next relay republishes, the idempotent consumer applies each once', async () => {
      for (let i = 0; i < 8; i++) await placeOrder(db, `o-${i}`, i);
      const doomed = killableConnection(db.db);
      const queue = new RecordingQueue<OrderPlaced>();
      // The process "dies" right after the 5th publish: its connection is gone before anything is marked sent.
      queue.afterAccept = (count) => (count === 5 ? doomed.kill() : undefined);
      // A lease long enough that the check below falls inside it even on a loaded machine.
      const first = relay({ db: doomed, queue, batchSize: 8, leaseMs: 3_000, publishTimeoutMs: 500 });
      first.start();
      await waitFor(() => logs.lines.some((line) => line.msg === 'background task iteration failed'), 'the relay to fail at marking');
      await first.stop({ timeoutMs: 0 });
      const published = queue.accepted.length;
      assert.ok(published >= 5 && published <= 8, `published ${published}`);
      assert.equal((await outboxRows(db.db)).filter((row) => row.sent).length, 0, 'nothing can be marked sent on a dead connection');

      const second = relay({ queue, batchSize: 8, leaseMs: 3_000, publishTimeoutMs: 500 });
      second.start();
      // Within the lease nobody may take the dead relay's claims...
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(queue.accepted.length, published, 'a claim was taken over before its lease expired');
      // ...after it, every message is published (again): at least once, never lost.
      await waitFor(async () => (await second.pending()) === 0, 'the expired claims to be relayed');
      const counts = queue.counts();
      assert.equal(counts.size, 8);
      assert.equal(queue.accepted.length, published + 8);

      // The consumer sees duplicates and applies each outbox id once.
      await db.db.query('CREATE TABLE shipments (order_id text PRIMARY KEY)');
      const deliveries = new InMemoryQueue<OutboxMessage<OrderPlaced>>();
      for (const message of queue.accepted) await deliveries.enqueue(message);
      const processed = new ProcessedMessages({ consumer: 'shipping' });
      let applied = 0;
      const consumer = new QueueProcessor({
        queue: deliveries,
        concurrency: 4,
        handler: idempotentHandler<OrderPlaced>({
          processed,
          transaction: db.transaction,
          handle: async (order, { tx }) => {
            applied += 1;
            // Without the processed-ids check a duplicate would violate this primary key.
            await tx.query('INSERT INTO shipments (order_id) VALUES ($1)', [order.orderId]);
          },
        }),
      });
      consumer.start();
      await waitFor(() => consumer.stats.succeeded === published + 8, 'every delivery to be handled');
      await consumer.stop();
      assert.equal(applied, 8);
      assert.equal(consumer.stats.retried, 0);
      assert.deepEqual((await db.db.query('SELECT count(*)::int AS n FROM shipments')).rows, [{ n: 8 }]);
    });

    if (target.name === 'PostgreSQL') {
      it('a relay whose PostgreSQL connection is terminated mid-batch loses nothing; only what it had published is published again', async () => {
        for (let i = 0; i < 6; i++) await placeOrder(db, `o-${i}`);
        const searchPath = String((await db.db.query('SHOW search_path')).rows[0]?.search_path);
        const client = new pg.Client({ connectionString: process.env.DATABASE_URL, options: `-c search_path=${searchPath}` });
        client.on('error', () => {}); // the termination below, expected
        await client.connect();
        const pid = Number((await client.query('SELECT pg_backend_pid() AS pid')).rows[0]?.pid);
        const queue = new RecordingQueue<OrderPlaced>();
        queue.afterAccept = async (count) => {
          if (count === 3) await db.db.query('SELECT pg_terminate_backend($1)', [pid]);
        };
        const first = relay({ db: client, queue, batchSize: 6, leaseMs: 1_000, publishTimeoutMs: 500 });
        first.start();
        await waitFor(() => logs.lines.some((line) => line.msg === 'background task iteration failed'), 'the relay to lose its connection');
        await first.stop({ timeoutMs: 0 });
        await client.end().catch(() => {});
        const published = queue.accepted.map((m) => m.outboxId);
        assert.equal((await outboxRows(db.db)).filter((row) => row.sent).length, 0);
        queue.afterAccept = undefined;
        const second = relay({ queue, batchSize: 6, leaseMs: 1_000, publishTimeoutMs: 500 });
        second.start();
        await waitFor(async () => (await second.pending()) === 0, 'the expired claims to be relayed');
        const counts = queue.counts();
        assert.equal(counts.size, 6);
        for (const [id, n] of counts) assert.equal(n, published.includes(id) ? 2 : 1, `message ${id}`);
      });
    }

    it('rides out a long queue outage with growing backoff, without spinning, then delivers everything once', async () => {
      for (let i = 0; i < 6; i++) await placeOrder(db, `o-${i}`);
      const queue = new RecordingQueue<OrderPlaced>();
      queue.down = true;
      const asked: number[] = [];
      // The production schedule (1 s .. 60 s) scaled down a thousandfold: 300 ms here stands for 5 minutes.
      const r = relay({ queue, backoff: (n) => (asked.push(n), Math.min(60, 2 ** (n - 1))), batchSize: 3 });
      r.start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      const rounds = r.stats.failedRounds;
      assert.ok(rounds >= 4, `only ${rounds} rounds`);
      assert.ok(rounds <= 40, `${rounds} rounds in 300 ms: the relay spins instead of backing off`);
      assert.deepEqual(
        asked,
        asked.map((_, i) => i + 1),
        'consecutive failures are not counted up',
      );
      // One publish per failed round; the round in flight may have published without being counted yet.
      assert.ok(
        queue.calls >= rounds && queue.calls <= rounds + 1,
        `${queue.calls} publishes in ${rounds} rounds: a round kept publishing after its first failure`,
      );
      const rows = await outboxRows(db.db);
      assert.ok(rows.every((row) => !row.sent));
      // Each round retries the oldest batch: the backlog behind it is not touched while the queue is down.
      assert.ok(
        rows.slice(0, 3).every((row) => row.attempts >= 4 && /ECONNREFUSED/.test(row.last_error ?? '')),
        'the oldest batch was not retried',
      );
      assert.ok(rows.slice(3).every((row) => row.attempts === 0));
      queue.down = false;
      await waitFor(async () => (await r.pending()) === 0, 'delivery after the outage');
      assert.deepEqual([...queue.counts().values()], Array(6).fill(1));
      const before = asked.length;
      await placeOrder(db, 'o-after');
      await waitFor(() => queue.accepted.length === 7, 'a message after recovery');
      assert.equal(asked.length, before, 'success did not reset the failure count');
    });

    it('a relay that outlived its lease cannot release the claim another relay took over', async () => {
      await placeOrder(db, 'o-1');
      let openGate!: () => void;
      const gate = new Promise<void>((resolve) => (openGate = resolve));
      // Relay A's release statement stalls (a slow connection) until its lease ran out and B claimed the message.
      const stalling: Queryable = {
        query: async (text, params) => {
          if (/SET locked_until = NULL, last_error = \$2/.test(text)) await gate;
          return db.db.query(text, params);
        },
      };
      const down = new RecordingQueue<OrderPlaced>();
      down.down = true;
      const a = relay({ db: stalling, queue: down, leaseMs: 300, publishTimeoutMs: 100, backoff: () => 60_000 });
      a.start();
      await waitFor(() => down.calls === 1, 'A to fail its publish');
      await new Promise((resolve) => setTimeout(resolve, 400));
      const hanging = new RecordingQueue<OrderPlaced>();
      hanging.hold = new Promise(() => {});
      const b = relay({ queue: hanging, leaseMs: 600_000 });
      b.start();
      await waitFor(() => hanging.calls === 1, 'B to claim the expired message');
      openGate();
      await waitFor(() => a.stats.failedRounds === 1, "A's late release");
      const c = new RecordingQueue<OrderPlaced>();
      relay({ queue: c }).start();
      await new Promise((resolve) => setTimeout(resolve, 300));
      assert.equal(c.calls, 0, "A's late release cleared B's lease: a third relay published the message B is publishing");
    });

    it('two relays at once never publish the same message twice', async () => {
      for (let i = 0; i < 120; i++) await placeOrder(db, `o-${i}`);
      const queue = new RecordingQueue<OrderPlaced>();
      const a = relay({ queue, batchSize: 7, name: 'relay-a' });
      const b = relay({ queue, batchSize: 7, name: 'relay-b' });
      a.start();
      b.start();
      await waitFor(async () => (await a.pending()) === 0, 'all 120 messages');
      const counts = queue.counts();
      assert.equal(counts.size, 120);
      assert.deepEqual(
        [...counts.entries()].filter(([, n]) => n > 1),
        [],
        'a message was published twice',
      );
      assert.equal(a.stats.published + b.stats.published, 120);
      assert.ok(a.stats.published > 0 && b.stats.published > 0, `one relay did all the work: ${a.stats.published}/${b.stats.published}`);
    });

    it('a graceful stop finishes the batch in hand; an aborted one releases the unpublished claims at once', async () => {
      for (let i = 0; i < 4; i++) await placeOrder(db, `o-${i}`);
      const queue = new RecordingQueue<OrderPlaced>();
      let open!: () => void;
      queue.hold = new Promise((resolve) => (open = resolve));
      const graceful = relay({ queue, batchSize: 4 });
      graceful.start();
      await waitFor(() => queue.calls === 1, 'the first publish');
      const stopping = graceful.stop({ timeoutMs: 10_000 });
      open();
      assert.equal(await stopping, 'drained');
      assert.equal(queue.accepted.length, 4);
      assert.equal(await graceful.pending(), 0);

      for (let i = 4; i < 8; i++) await placeOrder(db, `o-${i}`);
      queue.hold = new Promise(() => {}); // the queue never answers
      const aborted = relay({ queue, batchSize: 4, leaseMs: 600_000 });
      aborted.start();
      await waitFor(() => queue.calls === 5, 'the hanging publish');
      assert.equal(await aborted.stop({ timeoutMs: 20 }), 'aborted');
      assert.equal(aborted.stats.released, 4);
      assert.ok(
        (await outboxRows(db.db)).every((row) => row.sent || !row.locked),
        'a claim outlived the relay',
      );
      // No lease to wait out (it is ten minutes): a new relay takes them immediately.
      queue.hold = undefined;
      const next = relay({ queue, batchSize: 4, leaseMs: 600_000 });
      next.start();
      await waitFor(() => queue.accepted.length === 8, 'the released messages');
    });

    it('deletes sent messages past retention, never unsent ones', async () => {
      for (let i = 0; i < 3; i++) await placeOrder(db, `o-${i}`);
      const queue = new RecordingQueue<OrderPlaced>();
      const r = relay({ queue, retentionMs: 0, cleanupIntervalMs: 0 });
      r.start();
      await waitFor(() => r.stats.cleaned === 3, 'the sent messages to be cleaned');
      queue.down = true;
      await placeOrder(db, 'o-unsent');
      await waitFor(() => r.stats.failedRounds >= 2, 'rounds with an unsent message');
      assert.equal((await outboxRows(db.db)).length, 1);
      assert.equal(r.stats.cleaned, 3);
    });

    it('records processed ids per consumer, and forgets them only past the given age', async () => {
      const id = await placeOrder(db, 'o-1');
      const billing = new ProcessedMessages({ consumer: 'billing' });
      const shipping = new ProcessedMessages({ consumer: 'shipping' });
      assert.equal(await billing.has(db.db, id), false);
      assert.equal(await db.transaction((tx) => billing.record(tx, id)), true);
      assert.equal(await db.transaction((tx) => billing.record(tx, id)), false);
      assert.equal(await shipping.record(db.db, id), true, 'consumers share one record');
      // A rolled-back record is no record: the work it guarded will run again.
      await assert.rejects(
        db.transaction(async (tx) => {
          await billing.record(tx, '00000000-0000-4000-8000-000000000001');
          throw new Error('handler failed');
        }),
      );
      assert.equal(await billing.has(db.db, '00000000-0000-4000-8000-000000000001'), false);
      assert.equal(await billing.cleanup(db.db, 60_000), 0);
      assert.equal(await billing.cleanup(db.db, 0), 1);
      assert.equal(await billing.has(db.db, id), false);
      assert.equal(await shipping.has(db.db, id), true, 'cleanup of one consumer touched another');
    });
  });
}

describe('outbox relay options', () => {
  const db: Queryable = { query: async () => ({ rows: [] }) };
  const queue = new RecordingQueue<unknown>();

  it('refuses a publish timeout that could outlive the lease, and invalid sizes', () => {
    assert.throws(() => new OutboxRelay({ db, queue, leaseMs: 1000, publishTimeoutMs: 1000 }), /publishTimeoutMs \(1000\) must be below leaseMs/);
    assert.throws(() => new OutboxRelay({ db, queue, batchSize: 0 }), /batchSize/);
    assert.throws(() => new OutboxRelay({ db, queue, pollIntervalMs: NaN }), /pollIntervalMs/);
    assert.throws(() => new OutboxRelay({ db, queue, table: 'outbox; drop table users' }), /invalid SQL identifier/);
  });

  it('refuses a poll interval or publish timeout that setTimeout would turn into 1 ms, and a 0 ms publish timeout', () => {
    assert.throws(() => new OutboxRelay({ db, queue, pollIntervalMs: 2 ** 31 }), /pollIntervalMs must be <= 2147483647/);
    assert.throws(() => new OutboxRelay({ db, queue, publishTimeoutMs: 2 ** 31, leaseMs: 2 ** 40 }), /publishTimeoutMs must be <= 2147483647/);
    assert.throws(() => new OutboxRelay({ db, queue, publishTimeoutMs: 0 }), /publishTimeoutMs must be > 0/);
    assert.ok(new OutboxRelay({ db, queue, pollIntervalMs: 2 ** 31 - 1, publishTimeoutMs: 2 ** 31 - 1, leaseMs: 2 ** 40 }));
  });

  it('refuses a payload that is not JSON or holds a NUL or a lone surrogate (jsonb refuses both) before touching the database', async () => {
    let queries = 0;
    const counting: Queryable = { query: async () => (queries++, { rows: [] }) };
    for (const payload of [undefined, () => 1, Symbol('x'), { note: 'a\u0000b' }, { note: 'x\ud800' }, ['\udc00']]) {
      await assert.rejects(enqueueOutbox(counting, { topic: 't', payload }), TypeError, String(typeof payload));
    }
    assert.equal(queries, 0);
    await enqueueOutbox(counting, { topic: 't', payload: { note: 'the text \\u0000 is fine, and so is a pair: 😀' } });
    assert.equal(queries, 1);
  });

  it('refuses an empty topic before touching the database', async () => {
    await assert.rejects(enqueueOutbox(db, { topic: '', payload: 1 }), /topic/);
  });
});
