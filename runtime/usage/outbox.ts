// Usage examples for the outbox pattern (snippets bw-outbox-enqueue, bw-outbox-relay,
// bw-outbox-consumer): an order and its "order.placed" message commit together, a relay publishes
// the message to a queue at least once, and the consumer applies each outbox id once.
import { QueueProcessor, TaskManager, type Queue } from '../src/background.js';
import { OutboxRelay, ProcessedMessages, enqueueOutbox, idempotentHandler, type OutboxMessage, type Transact } from '../src/outbox.js';
import type { Queryable } from '../src/repository/sql.js';

export interface OrderPlaced {
  orderId: string;
  total: number;
}

export const ORDERS_TABLES = [
  'CREATE TABLE IF NOT EXISTS orders (id text PRIMARY KEY, total integer NOT NULL)',
  'CREATE TABLE IF NOT EXISTS invoices (order_id text PRIMARY KEY, total integer NOT NULL)',
];

/** Places an order: the row and its message commit together or not at all. Returns the outbox id. */
export async function placeOrder(transaction: Transact, order: OrderPlaced): Promise<string> {
  // @snippet bw-outbox-enqueue Write a row and its outbox message in one transaction (no lost or phantom events)
  const outboxId = await transaction(async (tx) => {
    await tx.query('INSERT INTO orders (id, total) VALUES ($1, $2)', [order.orderId, order.total]);
    /*$0*/return enqueueOutbox(tx, { topic: /*${1}*/'order.placed'/*$*/, payload: /*${2}*/order/*$*/ });
  });
  // @end
  return outboxId;
}

/** Relays the outbox to `queue` and invoices each placed order once; returns what a caller needs to stop it. */
export function startOrderPipeline(db: Queryable, transaction: Transact, queue: Queue<OutboxMessage<OrderPlaced>>) {
  // @snippet bw-outbox-relay Relay committed outbox messages to a queue, at least once, backing off while it is down
  const relay = new OutboxRelay<OrderPlaced>({
    db: /*${1}*/db/*$*/,
    queue: /*${2}*/queue/*$*/,
    batchSize: /*${3}*/100/*$*/,
    leaseMs: /*${4}*/60_000/*$*/,
  });
  const tasks = new TaskManager().add(relay);
  tasks.start();
  // @end

  // @snippet bw-outbox-consumer Idempotent queue consumer: applies each outbox message once, in one transaction with its record
  const invoicing = new QueueProcessor({
    queue: /*${1}*/queue/*$*/,
    handler: idempotentHandler<OrderPlaced>({
      processed: new ProcessedMessages({ consumer: /*${2}*/'invoicing'/*$*/ }),
      transaction: /*${3}*/transaction/*$*/,
      handle: async (order, { tx }) => {
        /*$0*/await tx.query('INSERT INTO invoices (order_id, total) VALUES ($1, $2)', [order.orderId, order.total]);
      },
    }),
  });
  // @end
  tasks.add(invoicing); // starts it: the manager is running
  return { relay, invoicing, tasks };
}
