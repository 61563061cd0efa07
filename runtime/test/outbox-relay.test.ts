// The relay one round at a time on PGlite: what each round claims, publishes, marks and releases,
// what it records for an operator (attempts, last_error, stats), and when it cleans up. Rounds are
// driven by hand (no background loop, no poll timers), so every case is deterministic and fast.
// Waits are bounded (waitFor): under mutation testing an endless polling loop would outlive its
// test and starve every later run in the same process.
import assert from 'node:assert/strict';
import { OutboxRelay, enqueueOutbox, type OutboxRelayOptions } from '../src/outbox.js';
import type { Queryable } from '../src/repository/sql.js';
import { waitFor } from './fixtures/background-helpers.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { RecordingQueue, openOutboxDb, type OutboxDb } from './fixtures/outbox.js';
import { schemaSqlTargets } from './fixtures/sql-schemas.js';

interface Job {
  n: number;
}

/** An OutboxRelay whose rounds a test runs itself, with signals it controls. */
class SteppedRelay extends OutboxRelay<Job> {
  round(signals: { stopping?: AbortSignal; signal?: AbortSignal } = {}): Promise<void> {
    const live = new AbortController().signal;
    return this.run({ stopping: signals.stopping ?? live, signal: signals.signal ?? live });
  }
}

const aborted = (reason?: unknown) => AbortSignal.abort(reason);

interface Row {
  n: number;
  attempts: number;
  sent: boolean;
  locked: boolean;
  last_error: string | null;
}

for (const target of schemaSqlTargets()) {
  describe(`outbox relay rounds on ${target.name}`, function () {
    this.timeout(60_000);
    let db: OutboxDb;
    let logs: CapturedLogs;
    const relay = (queue: RecordingQueue<Job>, options: Partial<OutboxRelayOptions<Job>> = {}) =>
      new SteppedRelay({ db: db.db, queue, backoff: () => 0, ...options });
    const enqueue = (numbers: number[], table?: string) =>
      db.transaction(async (tx) => {
        const ids = [];
        for (const n of numbers) ids.push(await enqueueOutbox<Job>(tx, { topic: 'job', payload: { n } }, { table }));
        return ids;
      });
    const rows = async (): Promise<Row[]> =>
      (
        await db.db.query(
          "SELECT (payload->>'n')::int AS n, attempts, sent_at IS NOT NULL AS sent, locked_until IS NOT NULL AS locked, last_error FROM outbox ORDER BY created_at, id",
        )
      ).rows as never;
    const published = (queue: RecordingQueue<Job>) => queue.accepted.map((message) => message.payload.n);

    before(async () => {
      db = await openOutboxDb(target);
    });
    after(() => db?.close());
    beforeEach(async () => {
      logs = captureLogs();
      await db.db.query('TRUNCATE outbox');
    });
    afterEach(() => logs.restore());

    it('publishes the oldest messages first, as envelopes of their row, and marks them sent', async () => {
      // One transaction shares one created_at: the id orders those.
      const sameInstant = await enqueue([1, 2, 3, 4, 5]);
      await enqueue([6]);
      const queue = new RecordingQueue<Job>();
      const r = relay(queue);
      await r.round();
      assert.deepEqual(
        queue.accepted.map((message) => message.outboxId),
        [...[...sameInstant].sort(), queue.accepted[5]!.outboxId],
      );
      assert.deepEqual(published(queue).slice(5), [6]);
      const { rows: stored } = await db.db.query('SELECT id, created_at FROM outbox');
      for (const message of queue.accepted) {
        const row = stored.find((candidate) => candidate.id === message.outboxId)!;
        assert.equal(message.topic, 'job');
        assert.equal(message.createdAt, new Date(row.created_at as Date).toISOString());
      }
      assert.deepEqual(
        (await rows()).map((row) => [row.attempts, row.sent, row.locked, row.last_error]),
        Array(6).fill([1, true, false, null]),
      );
      assert.deepEqual(r.stats, { published: 6, failedRounds: 0, released: 0, cleaned: 0 });
      assert.equal(await r.pending(), 0);
    });

    it('claims at most batchSize messages per round (100 by default), leaving the rest untouched', async () => {
      await enqueue(Array.from({ length: 103 }, (_, i) => i));
      const queue = new RecordingQueue<Job>();
      await relay(queue).round();
      assert.equal(queue.accepted.length, 100);
      assert.equal(await relay(queue).pending(), 3);
      await relay(queue, { batchSize: 2 }).round();
      assert.equal(queue.accepted.length, 102);
      assert.deepEqual(
        (await rows()).map((row) => row.attempts),
        [...Array(102).fill(1), 0],
      );
    });

    it('holds a claim for leaseMs (60 s by default) while publishing, and skips messages another relay holds', async () => {
      await enqueue([1, 2]);
      const leaseLeft: number[] = [];
      const queue = new RecordingQueue<Job>();
      queue.afterAccept = async () => {
        const { rows: locks } = await db.db.query(
          "SELECT extract(epoch FROM locked_until - now()) * 1000 AS ms, claim FROM outbox WHERE (payload->>'n')::int = 1",
        );
        assert.ok(locks[0]!.claim, 'a claim token');
        leaseLeft.push(Number(locks[0]!.ms));
      };
      // Message 2 is held by another relay's live lease; an expired lease is claimable.
      await db.db.query("UPDATE outbox SET locked_until = now() + interval '1 hour', claim = gen_random_uuid() WHERE (payload->>'n')::int = 2");
      await relay(queue).round();
      assert.deepEqual(published(queue), [1]);
      assert.ok(leaseLeft[0]! > 50_000 && leaseLeft[0]! <= 60_000, `lease ${leaseLeft[0]} ms`);
      await db.db.query("UPDATE outbox SET locked_until = now() - interval '1 millisecond' WHERE (payload->>'n')::int = 2");
      queue.afterAccept = undefined;
      await relay(queue, { leaseMs: 90_000 }).round();
      assert.deepEqual(published(queue), [1, 2]);
    });

    it('after a failed publish, releases the rest with the error, counts the failure and backs off; success resets the count', async () => {
      await enqueue([1, 2, 3, 4]);
      const queue = new RecordingQueue<Job>();
      queue.failAfter = 2;
      const asked: number[] = [];
      const r = relay(queue, { backoff: (n) => (asked.push(n), 0) });
      await r.round();
      assert.deepEqual(
        (await rows()).map((row) => [row.sent, row.locked, row.last_error]),
        [
          [true, false, null],
          [true, false, null],
          [false, false, 'Error: queue failed mid-batch'],
          [false, false, 'Error: queue failed mid-batch'],
        ],
      );
      assert.deepEqual(r.stats, { published: 2, failedRounds: 1, released: 2, cleaned: 0 });
      const warning = logs.lines.find((line) => line.msg === 'outbox publish failed; backing off');
      assert.deepEqual([warning?.task, warning?.failures, warning?.waitMs, warning?.unsent], ['OutboxRelay', 1, 0, 2]);
      await r.round();
      assert.deepEqual(asked, [1, 2], 'consecutive failed rounds are counted up');
      queue.failAfter = undefined;
      await r.round();
      assert.deepEqual(
        (await rows()).map((row) => [row.attempts, row.sent, row.last_error]),
        [
          [1, true, null],
          [1, true, null],
          [3, true, null],
          [3, true, null],
        ],
        'a message sent after failures keeps its attempts and loses its error',
      );
      await enqueue([5]);
      queue.failAfter = 0;
      await r.round();
      assert.deepEqual(asked, [1, 2, 1], 'a successful round resets the failure count');
      assert.equal(r.stats.failedRounds, 3);
    });

    it('records what was thrown, whatever it is, cut to 1000 characters', async () => {
      const cases: Array<[unknown, string]> = [
        ['a string', 'a string'],
        [new RangeError('out of range'), 'RangeError: out of range'],
        [new Error('x'.repeat(1000)), `Error: ${'x'.repeat(993)}…`],
        [new Error('y'.repeat(993)), `Error: ${'y'.repeat(993)}`],
      ];
      for (const [thrown, recorded] of cases) {
        await db.db.query('TRUNCATE outbox');
        await enqueue([1]);
        const r = new SteppedRelay({
          db: db.db,
          backoff: () => 0,
          queue: {
            enqueue: async () => {
              throw thrown;
            },
          },
        });
        await r.round();
        assert.equal((await rows())[0]!.last_error, recorded);
      }
    });

    it('refuses a backoff that is not a finite number >= 0, after releasing the messages', async () => {
      for (const bad of [NaN, -1, Infinity]) {
        await db.db.query('TRUNCATE outbox');
        await enqueue([1]);
        const queue = new RecordingQueue<Job>();
        queue.down = true;
        await assert.rejects(relay(queue, { backoff: () => bad }).round(), {
          name: 'RangeError',
          message: `backoff(1) returned ${bad}; expected a finite number >= 0`,
        });
        assert.deepEqual(
          (await rows()).map((row) => row.locked),
          [false],
        );
      }
    });

    it('waits the backoff after a failed round, cut short by a stop', async () => {
      await enqueue([1]);
      const queue = new RecordingQueue<Job>();
      queue.down = true;
      const stop = new AbortController();
      let done = false;
      const round = relay(queue, { backoff: () => 600_000 })
        .round({ stopping: stop.signal })
        .then(() => (done = true));
      await waitFor(async () => queue.calls > 0 && !(await rows())[0]!.locked, 'the failed publish to be released', 5_000);
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(done, false, 'the round did not wait its backoff');
      stop.abort();
      await round;
    });

    it('gives up on a publish after publishTimeoutMs, and releases the message', async () => {
      await enqueue([1]);
      const queue = new RecordingQueue<Job>();
      queue.hold = new Promise(() => {});
      const r = relay(queue, { publishTimeoutMs: 30 });
      await r.round();
      assert.deepEqual(
        (await rows()).map((row) => [row.locked, row.last_error]),
        [[false, 'Error: publish timed out after 30 ms']],
      );
      assert.equal(r.stats.failedRounds, 1);
    });

    it('an abort cuts a publish short: the claims are released with its reason, and it is no failure', async () => {
      for (const [reason, recorded] of [
        [new Error('shutting down now'), 'Error: shutting down now'],
        ['not an Error', 'Error: publish aborted'],
      ] as const) {
        await db.db.query('TRUNCATE outbox');
        await enqueue([1, 2]);
        const queue = new RecordingQueue<Job>();
        queue.hold = new Promise(() => {});
        const abort = new AbortController();
        const asked: number[] = [];
        const r = relay(queue, { backoff: (n) => (asked.push(n), 600_000) });
        const round = r.round({ signal: abort.signal });
        await waitFor(() => queue.calls > 0, 'the publish', 5_000);
        abort.abort(reason);
        await round;
        assert.deepEqual(
          (await rows()).map((row) => [row.sent, row.locked, row.last_error]),
          [
            [false, false, recorded],
            [false, false, recorded],
          ],
        );
        assert.deepEqual([r.stats.released, r.stats.failedRounds, asked.length], [2, 0, 0]);
      }
    });

    it('publishes nothing once aborted, or when a publish could outlast the lease, and says so', async () => {
      await enqueue([1, 2]);
      const queue = new RecordingQueue<Job>();
      await relay(queue).round({ signal: aborted() });
      // The lease ends leaseMs after the claim began; a publish may take publishTimeoutMs more than that allows.
      await relay(queue, { leaseMs: 1_000, publishTimeoutMs: 999.999 }).round();
      assert.equal(queue.calls, 0);
      assert.deepEqual(
        (await rows()).map((row) => [row.attempts, row.locked, row.last_error]),
        Array(2).fill([2, false, 'released unpublished (stop, or the lease running out)']),
      );
    });

    it('does not release a message whose lease it lost to another relay', async () => {
      await enqueue([1]);
      const queue = new RecordingQueue<Job>();
      let fail!: (error: Error) => void;
      queue.hold = new Promise((_, reject) => (fail = reject));
      queue.hold.catch(() => {}); // awaited by the publish; this only keeps Node from flagging it as unhandled first
      const round = relay(queue).round();
      await waitFor(() => queue.calls > 0, 'the publish', 5_000);
      // Meanwhile the lease ran out and another relay claimed the message; then this relay's publish fails.
      await db.db.query("UPDATE outbox SET claim = gen_random_uuid(), locked_until = now() + interval '1 hour'");
      fail(new Error('publish failed late'));
      await round;
      assert.deepEqual(
        (await rows()).map((row) => [row.locked, row.last_error]),
        [[true, null]],
      );
    });

    it('spends no statement on an empty list of sent or unsent messages', async () => {
      const statements: string[] = [];
      const recording: Queryable = {
        query: (text, params) => {
          statements.push(text.trim().split(/\s+/).slice(0, 4).join(' '));
          return db.db.query(text, params);
        },
      };
      await enqueue([1]);
      const queue = new RecordingQueue<Job>();
      const r = relay(queue, { db: recording, cleanupIntervalMs: 600_000 });
      await r.round();
      queue.down = true;
      await enqueue([2]);
      await r.round();
      assert.deepEqual(statements, [
        'DELETE FROM "outbox" WHERE', // the first round's cleanup
        'UPDATE "outbox" SET locked_until', // claim
        'UPDATE "outbox" SET sent_at', // mark sent
        'UPDATE "outbox" SET locked_until', // claim
        'UPDATE "outbox" SET locked_until', // release
      ]);
    });

    describe('cleanup', () => {
      const sentAgo = (ms: number, count = 1) =>
        db.db.query(
          `INSERT INTO outbox (id, topic, payload, sent_at) SELECT gen_random_uuid(), 'job', '{"n":0}', now() - $1 * interval '1 millisecond' FROM generate_series(1, $2)`,
          [ms, count],
        );

      it('deletes sent messages past retentionMs (7 days by default), never unsent or recent ones', async () => {
        const day = 24 * 3_600_000;
        await sentAgo(8 * day);
        await sentAgo(6 * day);
        await enqueue([1]);
        await db.db.query("UPDATE outbox SET created_at = now() - interval '30 days' WHERE sent_at IS NULL");
        const queue = new RecordingQueue<Job>();
        queue.down = true;
        const r = relay(queue);
        await r.round();
        assert.equal(r.stats.cleaned, 1);
        assert.equal(await r.pending(), 1);
        await relay(queue, { retentionMs: day, cleanupIntervalMs: 0 }).round();
        assert.equal((await db.db.query('SELECT count(*)::int AS n FROM outbox')).rows[0]!.n, 1);
      });

      it('runs at most once per cleanupIntervalMs (60 s by default)', async () => {
        const queue = new RecordingQueue<Job>();
        const r = relay(queue, { retentionMs: 1_000 });
        await sentAgo(5_000);
        await r.round({ stopping: aborted() });
        await sentAgo(5_000);
        await r.round({ stopping: aborted() });
        assert.equal(r.stats.cleaned, 1, 'cleaned again within the interval');
        const eager = relay(queue, { retentionMs: 1_000, cleanupIntervalMs: 0 });
        await eager.round({ stopping: aborted() });
        await sentAgo(5_000);
        await eager.round({ stopping: aborted() });
        assert.equal(eager.stats.cleaned, 2);
      });

      it('deletes a large backlog in chunks of 1000 until done, or one chunk when stopping', async () => {
        await sentAgo(5_000, 3_000);
        const queue = new RecordingQueue<Job>();
        const stopping = relay(queue, { retentionMs: 1_000 });
        await stopping.round({ stopping: aborted() });
        assert.equal(stopping.stats.cleaned, 1_000);
        const full = relay(queue, { retentionMs: 1_000 });
        full.wake(); // nothing to publish: skip the idle wait
        await full.round();
        assert.equal(full.stats.cleaned, 2_000, 'a chunk of exactly 1000 may not be the last');
      });
    });

    describe('idle', () => {
      it('an empty round waits pollIntervalMs unless woken or stopping', async () => {
        const queue = new RecordingQueue<Job>();
        const r = relay(queue, { pollIntervalMs: 600_000 });
        r.wake();
        await r.round(); // woken before it idled: returns at once, and the wake is used up
        let done = false;
        const idle = r.round().then(() => (done = true));
        await new Promise((resolve) => setTimeout(resolve, 30));
        assert.equal(done, false, 'an empty round did not wait');
        r.wake();
        await idle;
        const stop = new AbortController();
        done = false;
        const stopped = r.round({ stopping: stop.signal }).then(() => (done = true));
        await new Promise((resolve) => setTimeout(resolve, 30));
        assert.equal(done, false, 'a wake that ended an idle wait was not used up');
        stop.abort();
        await stopped;
        await r.round({ stopping: aborted() });
        // A wake while not idle is kept for the next idle wait, however earlier waits ended.
        r.wake();
        const woken = await Promise.race([r.round().then(() => true), new Promise((resolve) => setTimeout(resolve, 5_000, false))]);
        assert.equal(woken, true, 'a wake between rounds was lost');
      });

      it('polls again after pollIntervalMs', async () => {
        const r = relay(new RecordingQueue<Job>(), { pollIntervalMs: 20 });
        await r.round();
        await r.round();
      });
    });

    describe('options', () => {
      const queue = new RecordingQueue<Job>();
      it('names the option and the bound it breaks', () => {
        const cases: Array<[Partial<OutboxRelayOptions<Job>>, string]> = [
          [{ batchSize: 0 }, 'batchSize must be an integer >= 1, got 0'],
          [{ batchSize: 1.5 }, 'batchSize must be an integer >= 1, got 1.5'],
          [{ leaseMs: -1 }, 'leaseMs must be a finite number >= 0, got -1'],
          [{ leaseMs: Infinity }, 'leaseMs must be a finite number >= 0, got Infinity'],
          [{ retentionMs: -1 }, 'retentionMs must be a finite number >= 0, got -1'],
          [{ retentionMs: NaN }, 'retentionMs must be a finite number >= 0, got NaN'],
          [{ cleanupIntervalMs: -1 }, 'cleanupIntervalMs must be a finite number >= 0, got -1'],
          [{ pollIntervalMs: -1 }, 'pollIntervalMs must be a finite number >= 0, got -1'],
          [{ pollIntervalMs: 2 ** 31 }, `pollIntervalMs must be <= ${2 ** 31 - 1} (MAX_TIMER_DELAY), got ${2 ** 31}`],
          [{ publishTimeoutMs: 0 }, 'publishTimeoutMs must be > 0: a 0 ms timeout fails every publish'],
          [{ publishTimeoutMs: 60_000 }, 'publishTimeoutMs (60000) must be below leaseMs (60000), or a slow publish outlives its claim'],
          [{ leaseMs: 10_000 }, 'publishTimeoutMs (10000) must be below leaseMs (10000), or a slow publish outlives its claim'],
        ];
        for (const [options, message] of cases) {
          assert.throws(() => relay(queue, options), { name: 'RangeError', message }, JSON.stringify(options));
        }
        assert.equal(
          relay(queue, { batchSize: 1, leaseMs: 2, publishTimeoutMs: 1, retentionMs: 0, cleanupIntervalMs: 0, pollIntervalMs: 0 }).name,
          'OutboxRelay',
        );
        assert.equal(relay(queue, { name: 'billing-relay', leaseMs: 10_001 }).name, 'billing-relay');
      });

      it('relays from the table it is given', async () => {
        await db.db.query('DROP SCHEMA IF EXISTS app CASCADE');
        await db.db.query('CREATE SCHEMA app');
        await db.db.query('CREATE TABLE app.events (LIKE outbox INCLUDING ALL)');
        await enqueue([9], 'app.events');
        const r = relay(queue, { table: 'app.events' });
        assert.equal(await r.pending(), 1);
        await r.round();
        assert.deepEqual(published(queue), [9]);
        assert.equal(await r.pending(), 0);
      });
    });
  });
}
