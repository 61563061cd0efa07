import assert from 'node:assert/strict';
import { InMemoryQueue } from '../src/background.js';
import type { OutboxMessage } from '../src/outbox.js';
import { ORDERS_TABLES, placeOrder, startOrderPipeline, type OrderPlaced } from '../usage/outbox.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';
import { openOutboxDb, type OutboxDb } from './fixtures/outbox.js';
import { sqlTargets } from './fixtures/sql.js';

for (const target of sqlTargets()) {
  describe(`usage/outbox on ${target.name}`, function () {
    this.timeout(60_000);
    let db: OutboxDb;
    let logs: CapturedLogs;
    before(async () => {
      logs = captureLogs();
      db = await openOutboxDb(target);
      for (const statement of ORDERS_TABLES) await db.db.query(statement);
    });
    after(async () => {
      await db?.close();
      logs.restore();
    });

    it('bw-outbox-enqueue, bw-outbox-relay, bw-outbox-consumer: each placed order is invoiced once, a failed placement never', async () => {
      await placeOrder(db.transaction, { orderId: 'o-1', total: 30 });
      await placeOrder(db.transaction, { orderId: 'o-2', total: 12 });
      // The order insert fails (duplicate id), so its message must not exist either.
      await assert.rejects(placeOrder(db.transaction, { orderId: 'o-1', total: 99 }));
      const queue = new InMemoryQueue<OutboxMessage<OrderPlaced>>();
      const { relay, invoicing, tasks } = startOrderPipeline(db.db, db.transaction, queue);
      try {
        await waitFor(() => invoicing.stats.succeeded === 2, 'two invoices');
        // A duplicate delivery, as after a relay crash: acked, but it invoices nothing.
        const [sent] = (await db.db.query("SELECT id, payload FROM outbox WHERE payload->>'orderId' = 'o-1'")).rows as Array<{
          id: string;
          payload: OrderPlaced;
        }>;
        await queue.enqueue({ outboxId: sent!.id, topic: 'order.placed', payload: sent!.payload, createdAt: new Date().toISOString() });
        await waitFor(() => invoicing.stats.succeeded === 3, 'the duplicate to be handled');
      } finally {
        assert.equal(await tasks.stop(), 'drained');
      }
      assert.equal(relay.stats.published, 2);
      const { rows } = await db.db.query('SELECT order_id, total FROM invoices ORDER BY order_id');
      assert.deepEqual(rows, [
        { order_id: 'o-1', total: 30 },
        { order_id: 'o-2', total: 12 },
      ]);
      assert.equal(invoicing.stats.retried, 0);
    });
  });
}
