/**
 * Bulwark pattern: outbox
 * Transactional outbox: write a row and its message in one transaction, relay them to a Queue at least once, apply them in idempotent consumers keyed by the outbox id.
 *
 * Patterns used: background, log, outbox/relay, repository/sql
 * Packages used: none
 */
import { randomUUID } from 'node:crypto';
import type { MessageHandler } from './background.js';
import { logger } from './log.js';
import { quoteIdentifier, type Queryable } from './repository/sql.js';

// The relay is part of the pattern's API: `import { OutboxRelay, enqueueOutbox } from './outbox.js'`.
export { OutboxRelay, type OutboxRelayOptions, type OutboxRelayStats } from './outbox/relay.js';

/**
 * What the relay publishes. `outboxId` is the idempotency key: a message may be delivered more than
 * once (after a relay crash, a publish timeout, or a queue retry), never with a different id.
 */
export interface OutboxMessage<T> {
  readonly outboxId: string;
  readonly topic: string;
  readonly payload: T;
  /** ISO timestamp of the transaction that wrote the message. */
  readonly createdAt: string;
}

export interface OutboxTableOptions {
  /** Outbox table, optionally schema-qualified. Default `'outbox'`. */
  readonly table?: string;
}

/** Runs `work` in one transaction on one connection: commits when it resolves, rolls back when it throws. */
export type Transact = <R>(work: (tx: Queryable) => Promise<R>) => Promise<R>;

/** A pool that lends connections: `pg.Pool` fits. (PGlite needs no adapter: pass `(work) => db.transaction(work)`.) */
export interface ConnectionPool {
  connect(): Promise<Queryable & { release(destroy?: Error | boolean): void }>;
}

/** A {@link Transact} over a pg-style pool: BEGIN/COMMIT on one checked-out connection. */
export function poolTransaction(pool: ConnectionPool): Transact {
  return async (work) => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      await client.query('BEGIN');
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      // A ROLLBACK that fails means the connection is unusable: destroy it instead of pooling it mid-transaction.
      await client.query('ROLLBACK').catch((rollbackError: unknown) => {
        broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
      });
      throw error;
    } finally {
      client.release(broken);
    }
  };
}

/**
 * DDL for the outbox table and the consumers' processed-ids table, as separate statements (idempotent:
 * `IF NOT EXISTS`). Put them in your migrations, or run {@link createOutboxSchema}. Ids are UUIDs rather
 * than a sequence so that a recreated or restored table can never reuse an id a consumer already processed.
 */
export function outboxSchema(options: OutboxTableOptions & { readonly processedTable?: string } = {}): string[] {
  const table = quoteIdentifier(options.table ?? 'outbox');
  const processed = quoteIdentifier(options.processedTable ?? 'outbox_processed');
  const index = quoteIdentifier(`${(options.table ?? 'outbox').split('.').at(-1)}_unsent`);
  return [
    `CREATE TABLE IF NOT EXISTS ${table} (
      id uuid PRIMARY KEY,
      topic text NOT NULL,
      payload jsonb NOT NULL,
      created_at timestamptz(3) NOT NULL DEFAULT now(),
      attempts integer NOT NULL DEFAULT 0,
      locked_until timestamptz(3),
      claim uuid,
      sent_at timestamptz(3),
      last_error text
    )`,
    // Partial: the relay's claim reads only unsent rows, which stay few however long the retention.
    `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (created_at, id) WHERE sent_at IS NULL`,
    `CREATE TABLE IF NOT EXISTS ${processed} (
      consumer text NOT NULL,
      message_id uuid NOT NULL,
      processed_at timestamptz(3) NOT NULL DEFAULT now(),
      PRIMARY KEY (consumer, message_id)
    )`,
  ];
}

/** Runs {@link outboxSchema} statement by statement (one parameterless statement per query, which PGlite requires). */
export async function createOutboxSchema(db: Queryable, options: OutboxTableOptions & { readonly processedTable?: string } = {}): Promise<void> {
  for (const statement of outboxSchema(options)) await db.query(statement);
}

/**
 * Writes a message to the outbox. Call it with the client of the transaction that writes your row:
 * both commit together or neither does, which is the whole point. Returns the outbox id.
 * The payload is stored as jsonb, so it must be JSON (no Dates, bigints or undefined values).
 */
export async function enqueueOutbox<T>(tx: Queryable, message: { topic: string; payload: T }, options: OutboxTableOptions = {}): Promise<string> {
  if (typeof message.topic !== 'string' || message.topic.length === 0) throw new TypeError('outbox topic must be a non-empty string');
  const json = JSON.stringify(message.payload);
  // Refused here with a clear error rather than as a NOT NULL violation or jsonb's "unsupported Unicode escape".
  if (json === undefined) throw new TypeError(`outbox payload must be a JSON value, got ${typeof message.payload}`);
  // Of the \uXXXX escapes JSON.stringify writes, jsonb refuses `\u0000` (NUL) and `\udXXX` (a lone surrogate).
  // After an odd number of backslashes the same letters are plain text (the user typed "\u0000"), which is fine.
  if (/(?<!\\)(?:\\\\)*\\u(?:0000|d[89a-f])/.test(json)) {
    throw new TypeError('outbox payload must not contain a NUL character or an unpaired surrogate (jsonb cannot store them)');
  }
  const id = randomUUID();
  await tx.query(`INSERT INTO ${quoteIdentifier(options.table ?? 'outbox')} (id, topic, payload) VALUES ($1, $2, $3::jsonb)`, [id, message.topic, json]);
  return id;
}

// ---------------------------------------------------------------------------------------------
// Idempotent consumers

/**
 * The consumer side of at-least-once: which outbox ids a consumer has already applied.
 * For effects in the same database, {@link record} inside the transaction that applies them (or use
 * {@link idempotentHandler}): a duplicate then changes nothing. For effects elsewhere (HTTP, email),
 * no local table can make them exactly-once: check {@link has}, send `outboxId` as the other system's
 * idempotency key, then {@link record}.
 */
export class ProcessedMessages {
  readonly consumer: string;
  readonly #table: string;

  constructor(options: { consumer: string; table?: string }) {
    if (!options.consumer) throw new TypeError('consumer must be a non-empty name');
    this.consumer = options.consumer;
    this.#table = quoteIdentifier(options.table ?? 'outbox_processed');
  }

  /** Records the id; `true` the first time, `false` when it was already recorded (skip the work). */
  async record(tx: Queryable, outboxId: string): Promise<boolean> {
    const { rows } = await tx.query(`INSERT INTO ${this.#table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS inserted`, [
      this.consumer,
      outboxId,
    ]);
    return rows.length > 0;
  }

  async has(db: Queryable, outboxId: string): Promise<boolean> {
    const { rows } = await db.query(`SELECT 1 AS found FROM ${this.#table} WHERE consumer = $1 AND message_id = $2`, [this.consumer, outboxId]);
    return rows.length > 0;
  }

  /**
   * Forgets records older than `olderThanMs`. Keep them longer than a duplicate can arrive late:
   * the relay's lease plus the queue's whole retry schedule (days is a safe order of magnitude).
   */
  async cleanup(db: Queryable, olderThanMs: number): Promise<number> {
    const { rows } = await db.query(
      `DELETE FROM ${this.#table} WHERE consumer = $1 AND processed_at < now() - ($2 * interval '1 millisecond') RETURNING 1 AS deleted`,
      [this.consumer, nonNegative('olderThanMs', olderThanMs)],
    );
    return rows.length;
  }
}

export interface IdempotentHandlerOptions<T> {
  readonly processed: ProcessedMessages;
  /** Opens the transaction that records the id and applies the effects. */
  readonly transaction: Transact;
  /** Applies the message's effects through `tx`. Throwing rolls back the record too, so the queue's retry runs it again. */
  readonly handle: (payload: T, context: { message: OutboxMessage<T>; tx: Queryable; signal: AbortSignal }) => Promise<void>;
}

/**
 * A {@link MessageHandler} for a QueueProcessor that applies each outbox id at most once: the id is
 * recorded in the same transaction as the effects, so a redelivered duplicate is acked without effect.
 * Keep `handle` to database work: the transaction (and on PGlite, the whole database) is held while it runs.
 */
export function idempotentHandler<T>(options: IdempotentHandlerOptions<T>): MessageHandler<OutboxMessage<T>> {
  const { processed, transaction, handle } = options;
  return (message, { signal }) =>
    transaction(async (tx) => {
      if (!(await processed.record(tx, message.outboxId))) {
        logger.info({ consumer: processed.consumer, outboxId: message.outboxId }, 'duplicate outbox message skipped');
        return;
      }
      await handle(message.payload, { message, tx, signal });
    });
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  return value;
}
