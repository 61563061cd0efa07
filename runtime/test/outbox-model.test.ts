// Model-based property test of the outbox: random interleavings of committed and rolled-back
// writes, relay rounds that succeed, meet a queue that is down, or crash after any number of
// publishes, and leases running out. Invariants: nothing committed vanishes, nothing rolled back
// is published, a message is published twice only if a crash or lost lease was involved, and the
// idempotent consumer finally applies every committed message exactly once.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { OutboxRelay, ProcessedMessages, enqueueOutbox, type OutboxRelayOptions } from '../src/outbox.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { RecordingQueue, killableConnection, openOutboxDb, type OutboxDb } from './fixtures/outbox.js';
import { sqlTargets } from './fixtures/sql.js';

interface Job {
  key: string;
}

/** Runs single rounds on demand instead of a background loop, so a test decides every interleaving. */
class SteppedRelay extends OutboxRelay<Job> {
  round(): Promise<void> {
    const live = new AbortController().signal;
    return this.run({ stopping: live, signal: live });
  }
}

type Command =
  | { kind: 'commit'; count: number }
  | { kind: 'rollback' }
  | { kind: 'round'; batchSize: number; queueDown: boolean; crashAfter: number | undefined }
  | { kind: 'expire' };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.record({ kind: fc.constant('commit' as const), count: fc.integer({ min: 1, max: 3 }) }),
  fc.record({ kind: fc.constant('rollback' as const) }),
  fc.record({
    kind: fc.constant('round' as const),
    batchSize: fc.integer({ min: 1, max: 4 }),
    queueDown: fc.boolean(),
    crashAfter: fc.option(fc.integer({ min: 0, max: 3 }), { nil: undefined }),
  }),
  fc.record({ kind: fc.constant('expire' as const) }),
);

for (const target of sqlTargets()) {
  describe(`outbox model on ${target.name}`, function () {
    this.timeout(180_000);
    let db: OutboxDb;
    let logs: CapturedLogs;
    before(async () => {
      logs = captureLogs('fatal');
      db = await openOutboxDb(target);
    });
    after(async () => {
      await db?.close();
      logs?.restore();
    });

    it('never loses a committed message, never publishes a rolled-back one, and duplicates only after a crash', async () => {
      await fc.assert(
        fc.asyncProperty(fc.array(command, { minLength: 1, maxLength: 25 }), async (commands) => {
          await db.db.query('TRUNCATE outbox, outbox_processed');
          const queue = new RecordingQueue<Job>();
          const committed = new Set<string>();
          const rolledBack = new Set<string>();
          // Messages that were in a batch whose relay crashed: only these may be published twice.
          const mayRepeat = new Set<string>();
          let next = 0;
          const options: Omit<OutboxRelayOptions<Job>, 'db' | 'queue'> = {
            leaseMs: 600_000,
            publishTimeoutMs: 1_000,
            backoff: () => 0,
            cleanupIntervalMs: 600_000,
          };

          for (const step of commands) {
            if (step.kind === 'commit') {
              await db.transaction(async (tx) => {
                for (let i = 0; i < step.count; i++) {
                  const key = `m${next++}`;
                  await enqueueOutbox<Job>(tx, { topic: 'job', payload: { key } });
                  committed.add(key);
                }
              });
            } else if (step.kind === 'rollback') {
              const key = `m${next++}`;
              await db
                .transaction(async (tx) => {
                  await enqueueOutbox<Job>(tx, { topic: 'job', payload: { key } });
                  throw new Error('rolled back');
                })
                .catch(() => rolledBack.add(key));
            } else if (step.kind === 'expire') {
              // Time passes beyond every lease: claims of crashed relays become claimable again.
              await db.db.query("UPDATE outbox SET locked_until = now() - interval '1 millisecond' WHERE locked_until IS NOT NULL");
            } else {
              const connection = killableConnection(db.db);
              const before = queue.accepted.length;
              queue.down = step.queueDown;
              const { crashAfter } = step;
              queue.afterAccept = crashAfter === undefined ? undefined : (count) => void (count - before > crashAfter ? connection.kill() : undefined);
              if (crashAfter === 0) connection.kill(); // dies before it even claims
              const relay = new SteppedRelay({ db: connection, queue, batchSize: step.batchSize, ...options });
              let claimed: string[] = [];
              const claimedRows = async () =>
                (await db.db.query('SELECT payload FROM outbox WHERE locked_until > now()')).rows.map((row) => (row.payload as Job).key);
              await relay.round().catch(() => {});
              if (crashAfter !== undefined) {
                claimed = await claimedRows();
                for (const key of claimed) mayRepeat.add(key);
                for (const message of queue.accepted.slice(before)) mayRepeat.add(message.payload.key);
              }
              queue.afterAccept = undefined;
            }

            // Invariants after every step.
            const counts = new Map<string, number>();
            for (const message of queue.accepted) counts.set(message.payload.key, (counts.get(message.payload.key) ?? 0) + 1);
            for (const key of rolledBack) assert.ok(!counts.has(key), `rolled-back ${key} was published`);
            for (const [key, n] of counts) assert.ok(n === 1 || mayRepeat.has(key), `${key} published ${n} times without a crash`);
            const { rows } = await db.db.query('SELECT payload, sent_at IS NOT NULL AS sent FROM outbox');
            const stored = new Map(rows.map((row) => [(row.payload as Job).key, row.sent as boolean]));
            for (const key of committed) {
              assert.ok(stored.has(key), `committed ${key} vanished from the outbox`);
              if (stored.get(key)) assert.ok(counts.has(key), `${key} is marked sent but was never published`);
            }
            assert.equal(stored.size, committed.size, 'the outbox holds a message nobody committed');
          }

          // Recovery: the queue is up, leases run out, a healthy relay drains the outbox.
          queue.down = false;
          await db.db.query('UPDATE outbox SET locked_until = NULL');
          const healthy = new SteppedRelay({ db: db.db, queue, batchSize: 10, ...options });
          while ((await healthy.pending()) > 0) await healthy.round();
          const published = new Set(queue.accepted.map((message) => message.payload.key));
          assert.deepEqual(
            [...committed].filter((key) => !published.has(key)),
            [],
            'committed messages never published',
          );

          // The consumer side: each delivery recorded once per outbox id, duplicates skipped.
          const processed = new ProcessedMessages({ consumer: 'model' });
          let applied = 0;
          for (const message of queue.accepted) {
            if (await db.transaction((tx) => processed.record(tx, message.outboxId))) applied += 1;
          }
          assert.equal(applied, committed.size);
        }),
        { numRuns: target.name === 'PGlite' ? 40 : 25 },
      );
    });
  });
}
