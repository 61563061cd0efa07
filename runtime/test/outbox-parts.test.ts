// The outbox's building blocks on PGlite: the schema, enqueueOutbox's refusals (a payload jsonb
// cannot store must fail before the transaction commits anything), the transaction over a pool,
// and the consumers' processed-ids record.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type pg from 'pg';
import {
  ProcessedMessages,
  createOutboxSchema,
  enqueueOutbox,
  idempotentHandler,
  outboxSchema,
  poolTransaction,
  type ConnectionPool,
  type OutboxMessage,
} from '../src/outbox.js';
import type { Queryable } from '../src/repository/sql.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { openOutboxDb, type OutboxDb } from './fixtures/outbox.js';
import { schemaSqlTargets } from './fixtures/sql-schemas.js';

for (const target of schemaSqlTargets()) {
  describe(`outbox parts on ${target.name}`, function () {
    this.timeout(60_000);
    let db: OutboxDb;
    let logs: CapturedLogs;
    const count = async (table: string) => Number((await db.db.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0]!.n);

    before(async () => {
      db = await openOutboxDb(target);
    });
    after(() => db?.close());
    beforeEach(async () => {
      logs = captureLogs();
      await db.db.query('TRUNCATE outbox, outbox_processed');
    });
    afterEach(() => logs.restore());

    describe('schema', () => {
      it('creates the outbox, its unsent index and the processed table under the given names, idempotently', async () => {
        await db.db.query('DROP SCHEMA IF EXISTS shop CASCADE');
        await db.db.query('CREATE SCHEMA shop');
        for (let i = 0; i < 2; i++) await createOutboxSchema(db.db, { table: 'shop.messages', processedTable: 'shop.handled' });
        const { rows } = await db.db.query(
          "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'shop' UNION ALL SELECT indexname FROM pg_indexes WHERE schemaname = 'shop' ORDER BY 1",
        );
        assert.deepEqual(
          rows.map((row) => row.name),
          ['handled', 'handled_pkey', 'messages', 'messages_pkey', 'messages_unsent'],
        );
        const id = await enqueueOutbox(db.db, { topic: 't', payload: { a: 1 } }, { table: 'shop.messages' });
        assert.deepEqual((await db.db.query('SELECT id, topic, payload, attempts FROM shop.messages')).rows, [
          { id, topic: 't', payload: { a: 1 }, attempts: 0 },
        ]);
        assert.equal(await new ProcessedMessages({ consumer: 'c', table: 'shop.handled' }).record(db.db, id), true);
        assert.equal(await count('shop.handled'), 1);
      });

      it('defaults to outbox, outbox_unsent and outbox_processed', () => {
        const [table, index, processed] = outboxSchema();
        assert.match(table!, /^CREATE TABLE IF NOT EXISTS "outbox" \(/);
        assert.match(index!, /^CREATE INDEX IF NOT EXISTS "outbox_unsent" ON "outbox" \(created_at, id\) WHERE sent_at IS NULL$/);
        assert.match(processed!, /^CREATE TABLE IF NOT EXISTS "outbox_processed" \(/);
      });
    });

    describe('enqueueOutbox', () => {
      it('refuses a topic that is not a non-empty string', async () => {
        for (const topic of ['', 5, undefined]) {
          await assert.rejects(enqueueOutbox(db.db, { topic: topic as string, payload: 1 }), {
            name: 'TypeError',
            message: 'outbox topic must be a non-empty string',
          });
        }
        assert.equal(await count('outbox'), 0);
      });

      it('names the type of a payload that is not JSON', async () => {
        for (const [payload, type] of [
          [undefined, 'undefined'],
          [() => 1, 'function'],
          [Symbol('s'), 'symbol'],
        ] as const) {
          await assert.rejects(enqueueOutbox(db.db, { topic: 't', payload }), {
            name: 'TypeError',
            message: `outbox payload must be a JSON value, got ${type}`,
          });
        }
      });

      // Strings built from the characters that matter: backslashes and "u0000"/"ud8.." look-alikes typed
      // as text, NUL, both halves of a surrogate pair alone, and a whole pair.
      const piece = fc.constantFrom(
        'a',
        '\\',
        'u',
        '0000',
        'd800',
        'D800',
        'dc00',
        'd7ff',
        'e000',
        '\u0000',
        '\u0001',
        '\uD800',
        '\uDBFF',
        '\uDC00',
        '\uDFFF',
        '\uD83D\uDE00',
      );
      const text = fc.array(piece, { maxLength: 6 }).map((pieces) => pieces.join(''));
      // A lone surrogate does not survive a round trip through UTF-8 (it comes back as U+FFFD).
      const storable = (value: string) => !value.includes('\u0000') && Buffer.from(value, 'utf8').toString('utf8') === value;

      it('stores every payload jsonb can hold, exactly, and refuses the rest before the insert (property)', async () => {
        await fc.assert(
          fc.asyncProperty(fc.oneof(text, fc.array(text, { maxLength: 3 }), fc.dictionary(text, text, { maxKeys: 2 })), async (payload) => {
            const strings = typeof payload === 'string' ? [payload] : Array.isArray(payload) ? payload : Object.entries(payload).flat();
            if (strings.every(storable)) {
              const id = await enqueueOutbox(db.db, { topic: 't', payload });
              const { rows } = await db.db.query('SELECT payload FROM outbox WHERE id = $1', [id]);
              assert.deepEqual(rows[0]!.payload, JSON.parse(JSON.stringify(payload)));
            } else {
              await assert.rejects(enqueueOutbox(db.db, { topic: 't', payload }), {
                name: 'TypeError',
                message: 'outbox payload must not contain a NUL character or an unpaired surrogate (jsonb cannot store them)',
              });
            }
          }),
          { numRuns: 300 },
        );
      });
    });

    describe('poolTransaction', () => {
      /** A pool of one connection (pg.Pool's own, or PGlite's only one), recording what each checkout ends with. */
      function pool(options: { failRollback?: unknown } = {}): ConnectionPool & { released: unknown[] } {
        const released: unknown[] = [];
        const real = db.db as unknown as Partial<pg.Pool>;
        return {
          released,
          connect: async () => {
            const client: Queryable & { release?(destroy?: Error | boolean): void } = real.connect ? await real.connect() : db.db;
            return {
              query: async (text: string, params?: unknown[]) => {
                if (text === 'ROLLBACK' && 'failRollback' in options) {
                  await client.query('ROLLBACK');
                  throw options.failRollback;
                }
                return client.query(text, params);
              },
              release: (destroy?: Error | boolean) => {
                released.push(destroy);
                client.release?.(destroy);
              },
            };
          },
        };
      }

      it('commits the work and returns its result, giving the connection back', async () => {
        const p = pool();
        const id = await poolTransaction(p)((tx) => enqueueOutbox(tx, { topic: 't', payload: 1 }));
        // Committed, not left open: on PGlite's single connection a ROLLBACK now would otherwise undo it.
        if (!('connect' in db.db)) await db.db.query('ROLLBACK');
        assert.equal((await db.db.query('SELECT id FROM outbox')).rows[0]!.id, id);
        assert.deepEqual(p.released, [undefined]);
      });

      it('rolls back when the work throws, and rethrows its error', async () => {
        const p = pool();
        const failure = new Error('declined');
        await assert.rejects(
          poolTransaction(p)(async (tx) => {
            await enqueueOutbox(tx, { topic: 't', payload: 1 });
            throw failure;
          }),
          (error) => error === failure,
        );
        assert.equal(await count('outbox'), 0);
        assert.deepEqual(p.released, [undefined]);
      });

      it('destroys a connection whose ROLLBACK failed instead of pooling it mid-transaction', async () => {
        const broken = new Error('connection reset');
        for (const [thrown, destroyedWith] of [
          [broken, broken],
          ['not an Error', new Error('not an Error')],
        ] as const) {
          const p = pool({ failRollback: thrown });
          await assert.rejects(
            poolTransaction(p)(async () => {
              throw new Error('work failed');
            }),
            /work failed/,
          );
          assert.deepEqual(p.released, [destroyedWith]);
        }
      });
    });

    describe('processed messages', () => {
      it('refuses a nameless consumer and a bad age', async () => {
        assert.throws(() => new ProcessedMessages({ consumer: '' }), { name: 'TypeError', message: 'consumer must be a non-empty name' });
        const processed = new ProcessedMessages({ consumer: 'c' });
        for (const age of [-1, NaN, Infinity]) {
          await assert.rejects(processed.cleanup(db.db, age), { name: 'RangeError', message: `olderThanMs must be a finite number >= 0, got ${age}` });
        }
      });

      it('applies a message once per consumer; a duplicate is logged and skipped, a failed one is retried', async () => {
        await db.db.query('CREATE TABLE IF NOT EXISTS invoices (order_id text PRIMARY KEY)');
        await db.db.query('TRUNCATE invoices');
        const calls: Array<{ payload: unknown; outboxId: string; aborted: boolean }> = [];
        let failNext = false;
        const handler = idempotentHandler<{ orderId: string }>({
          processed: new ProcessedMessages({ consumer: 'billing' }),
          transaction: db.transaction,
          handle: async (payload, { message, tx, signal }) => {
            calls.push({ payload, outboxId: message.outboxId, aborted: signal.aborted });
            await tx.query('INSERT INTO invoices (order_id) VALUES ($1)', [payload.orderId]);
            if (failNext) throw new Error('handler failed');
          },
        });
        const message: OutboxMessage<{ orderId: string }> = {
          outboxId: '00000000-0000-4000-8000-000000000001',
          topic: 'order.placed',
          payload: { orderId: 'o-1' },
          createdAt: new Date().toISOString(),
        };
        const context = { signal: new AbortController().signal } as Parameters<typeof handler>[1];
        failNext = true;
        await assert.rejects(handler(message, context), /handler failed/);
        failNext = false;
        await handler(message, context);
        await handler(message, context);
        assert.deepEqual(calls, Array(2).fill({ payload: { orderId: 'o-1' }, outboxId: message.outboxId, aborted: false }));
        assert.equal(await count('invoices'), 1);
        const skipped = logs.lines.filter((line) => line.msg === 'duplicate outbox message skipped');
        assert.deepEqual(
          skipped.map((line) => [line.consumer, line.outboxId]),
          [['billing', message.outboxId]],
        );
      });

      it('has() and cleanup() see only their own consumer', async () => {
        const id = '00000000-0000-4000-8000-000000000002';
        const a = new ProcessedMessages({ consumer: 'a' });
        const b = new ProcessedMessages({ consumer: 'b' });
        await a.record(db.db, id);
        assert.deepEqual([await a.has(db.db, id), await b.has(db.db, id)], [true, false]);
        await b.record(db.db, id);
        await db.db.query("UPDATE outbox_processed SET processed_at = now() - interval '1 hour'");
        assert.equal(await a.cleanup(db.db, 2 * 3_600_000), 0);
        assert.equal(await a.cleanup(db.db, 60_000), 1);
        assert.deepEqual([await a.has(db.db, id), await b.has(db.db, id)], [false, true]);
        assert.equal(await b.cleanup(db.db, 0), 1, 'an age of 0 forgets every record');
      });
    });
  });
}
