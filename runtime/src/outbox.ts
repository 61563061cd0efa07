/**
 * Bulwark pattern: outbox
 * Transactional outbox: write a row and its message in one transaction, relay to a Queue at least once (leased SKIP LOCKED claims, backoff, cleanup), idempotent consumers keyed by the outbox id.
 *
 * Patterns used: background, log, repository/sql
 * Packages used: none
 */
import { randomUUID } from 'node:crypto';
import {
  BackgroundTask,
  delay,
  exponentialBackoff,
  type BackgroundTaskOptions,
  type MessageHandler,
  type Queue,
  type TaskContext,
} from './background.js';
import { logger } from './log.js';
import { quoteIdentifier, type Queryable } from './repository/sql.js';

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
  const id = randomUUID();
  await tx.query(`INSERT INTO ${quoteIdentifier(options.table ?? 'outbox')} (id, topic, payload) VALUES ($1, $2, $3::jsonb)`, [
    id,
    message.topic,
    JSON.stringify(message.payload),
  ]);
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
    const { rows } = await tx.query(
      `INSERT INTO ${this.#table} (consumer, message_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1 AS inserted`,
      [this.consumer, outboxId],
    );
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

// ---------------------------------------------------------------------------------------------
// Relay

export interface OutboxRelayOptions<T> extends BackgroundTaskOptions {
  /** Where the outbox table lives. Any `query(text, params)` client; the relay opens no transaction. */
  readonly db: Queryable;
  /** Where messages go. Only `enqueue` is used. */
  readonly queue: Pick<Queue<OutboxMessage<T>>, 'enqueue'>;
  readonly table?: string;
  /** Messages claimed per round. Default 100. */
  readonly batchSize?: number;
  /** Wait between rounds that found nothing (cut short by {@link OutboxRelay.wake}). Default 1000 ms. */
  readonly pollIntervalMs?: number;
  /** How long a claim excludes other relays; after it a crashed relay's messages are claimed again. Default 60 000 ms. */
  readonly leaseMs?: number;
  /** Longest wait for one `enqueue`; a slower one counts as a failure. Must be below `leaseMs`. Default 10 000 ms. */
  readonly publishTimeoutMs?: number;
  /** Pause after the n-th consecutive failed round (1-based). Default full-jitter exponential, 1 s up to 60 s. */
  readonly backoff?: (failures: number) => number;
  /** Sent messages are deleted this long after sending. Default 7 days. */
  readonly retentionMs?: number;
  /** How often sent messages past retention are deleted. Default 60 000 ms. */
  readonly cleanupIntervalMs?: number;
}

export interface OutboxRelayStats {
  published: number;
  /** Rounds that stopped at a failed or timed-out publish. */
  failedRounds: number;
  /** Claimed messages given back unpublished (after a failure, or at an aborted stop). */
  released: number;
  /** Sent messages deleted by retention. */
  cleaned: number;
}

interface ClaimedRow {
  id: string;
  topic: string;
  payload: unknown;
  created_at: Date | string;
}

const CLEANUP_CHUNK = 1000;

/**
 * Publishes committed outbox messages to a queue, at least once. Each round claims up to `batchSize`
 * unsent messages in ONE autocommit statement (`FOR UPDATE SKIP LOCKED` against concurrent relays,
 * then a lease `locked_until`), publishes them one by one, and marks the published ones sent.
 *
 * Why a lease rather than a lock held across the publishing: a transaction left open while the queue
 * is slow or down would pin row locks and, on PGlite, block every other query of the application.
 * Crash safety comes from the lease instead: a relay killed mid-batch leaves its claims to expire,
 * then any relay claims them again; messages it had published but not yet marked are published
 * twice. Hence consumers must be idempotent on `outboxId` ({@link ProcessedMessages}).
 *
 * Order: none is promised. Claims go oldest first, but concurrent relays, retries and transactions
 * committing out of order all reorder messages; a consumer that needs order must compare a version.
 */
export class OutboxRelay<T> extends BackgroundTask {
  readonly #db: Queryable;
  readonly #queue: Pick<Queue<OutboxMessage<T>>, 'enqueue'>;
  readonly #table: string;
  readonly #batchSize: number;
  readonly #pollIntervalMs: number;
  readonly #leaseMs: number;
  readonly #publishTimeoutMs: number;
  readonly #backoff: (failures: number) => number;
  readonly #retentionMs: number;
  readonly #cleanupIntervalMs: number;
  readonly #stats: OutboxRelayStats = { published: 0, failedRounds: 0, released: 0, cleaned: 0 };
  #failures = 0;
  #nextCleanupAt = 0;
  #woken = false;
  #wakeIdle: (() => void) | undefined;

  constructor(options: OutboxRelayOptions<T>) {
    super({ name: 'OutboxRelay', ...options });
    this.#db = options.db;
    this.#queue = options.queue;
    this.#table = quoteIdentifier(options.table ?? 'outbox');
    this.#batchSize = positiveInteger('batchSize', options.batchSize ?? 100);
    this.#pollIntervalMs = nonNegative('pollIntervalMs', options.pollIntervalMs ?? 1000);
    this.#leaseMs = nonNegative('leaseMs', options.leaseMs ?? 60_000);
    this.#publishTimeoutMs = nonNegative('publishTimeoutMs', options.publishTimeoutMs ?? 10_000);
    if (this.#publishTimeoutMs >= this.#leaseMs) {
      throw new RangeError(`publishTimeoutMs (${this.#publishTimeoutMs}) must be below leaseMs (${this.#leaseMs}), or a slow publish outlives its claim`);
    }
    this.#backoff = options.backoff ?? exponentialBackoff({ baseMs: 1000, maxMs: 60_000 });
    this.#retentionMs = nonNegative('retentionMs', options.retentionMs ?? 7 * 24 * 3_600_000);
    this.#cleanupIntervalMs = nonNegative('cleanupIntervalMs', options.cleanupIntervalMs ?? 60_000);
  }

  get stats(): Readonly<OutboxRelayStats> {
    return { ...this.#stats };
  }

  /** Starts the next round now instead of after the poll interval: call it after committing a message. */
  wake(): void {
    this.#woken = true;
    this.#wakeIdle?.();
  }

  /** Messages not yet sent (claimed or not): the relay's backlog, worth a metric and an alert. */
  async pending(): Promise<number> {
    const { rows } = await this.#db.query(`SELECT count(*)::int AS pending FROM ${this.#table} WHERE sent_at IS NULL`);
    return Number(rows[0]?.pending ?? 0);
  }

  /** One round: publish a claimed batch, or wait. A DB error propagates to BackgroundTask, which logs it and waits `errorDelayMs`. */
  protected async run({ stopping, signal }: TaskContext): Promise<void> {
    await this.#cleanupIfDue(stopping);
    const batch = await this.#claim();
    if (batch.length === 0) {
      await this.#idle(stopping);
      return;
    }
    const leaseEnds = performance.now() + this.#leaseMs;
    const sent: string[] = [];
    let failure: unknown;
    // A stop that is still graceful (`stopping`) lets the batch finish; only `signal` cuts it short.
    // So does the lease: a publish that could end after it might overlap another relay's claim.
    for (const message of batch) {
      if (signal.aborted || performance.now() + this.#publishTimeoutMs >= leaseEnds) break;
      try {
        await this.#publish(message, signal);
        sent.push(message.outboxId);
      } catch (error) {
        failure = error;
        break;
      }
    }
    const unsent = batch.slice(sent.length).map((message) => message.outboxId);
    await this.#settle(sent, unsent, failure);
    if (failure === undefined || signal.aborted) {
      this.#failures = 0;
      return;
    }
    this.#failures += 1;
    this.#stats.failedRounds += 1;
    const waitMs = this.#backoff(this.#failures);
    // A NaN or infinite pause would spin or stall the relay; the messages are already released.
    if (!Number.isFinite(waitMs) || waitMs < 0) throw new RangeError(`backoff(${this.#failures}) returned ${waitMs}; expected a finite number >= 0`);
    logger.warn({ task: this.name, err: failure, failures: this.#failures, waitMs, unsent: unsent.length }, 'outbox publish failed; backing off');
    await delay(waitMs, stopping);
  }

  async #claim(): Promise<OutboxMessage<T>[]> {
    const { rows } = await this.#db.query(
      `UPDATE ${this.#table} SET locked_until = now() + ($2 * interval '1 millisecond'), attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM ${this.#table}
         WHERE sent_at IS NULL AND (locked_until IS NULL OR locked_until <= now())
         ORDER BY created_at, id LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING id, topic, payload, created_at`,
      [this.#batchSize, this.#leaseMs],
    );
    // RETURNING has no order; restore the claim's.
    return (rows as unknown as ClaimedRow[])
      .map((row) => ({ outboxId: row.id, topic: row.topic, payload: row.payload as T, createdAt: new Date(row.created_at).toISOString() }))
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.outboxId.localeCompare(b.outboxId));
  }

  async #publish(message: OutboxMessage<T>, signal: AbortSignal): Promise<void> {
    // Queue.enqueue takes no signal, so a timeout only stops waiting: the enqueue may still land
    // later, and the message is then published twice. That is within the at-least-once contract.
    let timer: NodeJS.Timeout | undefined;
    let onAbort: (() => void) | undefined;
    const gaveUp = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`publish timed out after ${this.#publishTimeoutMs} ms`)), this.#publishTimeoutMs);
      onAbort = () => reject(signal.reason instanceof Error ? signal.reason : new Error('publish aborted'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.#queue.enqueue(message), gaveUp]);
      this.#stats.published += 1;
    } finally {
      clearTimeout(timer);
      if (onAbort) signal.removeEventListener('abort', onAbort);
    }
  }

  async #settle(sent: string[], unsent: string[], failure: unknown): Promise<void> {
    // If these statements fail (database gone), nothing is lost: the leases expire and the
    // messages are claimed again, the sent ones being published a second time.
    if (sent.length > 0) {
      await this.#db.query(`UPDATE ${this.#table} SET sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = ANY($1::uuid[])`, [sent]);
    }
    if (unsent.length > 0) {
      const reason = failure === undefined ? 'released unpublished (stop, or the lease running out)' : describe(failure);
      await this.#db.query(`UPDATE ${this.#table} SET locked_until = NULL, last_error = $2 WHERE id = ANY($1::uuid[]) AND sent_at IS NULL`, [unsent, reason]);
      this.#stats.released += unsent.length;
    }
  }

  async #cleanupIfDue(stopping: AbortSignal): Promise<void> {
    if (Date.now() < this.#nextCleanupAt) return;
    this.#nextCleanupAt = Date.now() + this.#cleanupIntervalMs;
    // Chunked, so a large backlog of old rows never becomes one long-running DELETE.
    for (;;) {
      const { rows } = await this.#db.query(
        `DELETE FROM ${this.#table} WHERE id IN (
           SELECT id FROM ${this.#table} WHERE sent_at < now() - ($1 * interval '1 millisecond') LIMIT ${CLEANUP_CHUNK})
         RETURNING 1 AS deleted`,
        [this.#retentionMs],
      );
      this.#stats.cleaned += rows.length;
      if (rows.length < CLEANUP_CHUNK || stopping.aborted) return;
    }
  }

  #idle(stopping: AbortSignal): Promise<void> {
    if (this.#woken || stopping.aborted) {
      this.#woken = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        stopping.removeEventListener('abort', done);
        this.#wakeIdle = undefined;
        this.#woken = false;
        resolve();
      };
      const timer = setTimeout(done, this.#pollIntervalMs);
      stopping.addEventListener('abort', done, { once: true });
      this.#wakeIdle = done;
    });
  }
}

function describe(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

function nonNegative(name: string, value: number): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${value}`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${value}`);
  return value;
}
