/**
 * Bulwark pattern: outbox/relay
 * OutboxRelay: claims committed outbox messages under a lease (FOR UPDATE SKIP LOCKED), publishes them to a Queue at least once, backs off while it is down, cleans up sent rows.
 *
 * Patterns used: background, log, outbox, repository/sql
 * Packages used: none
 */
import { randomUUID } from 'node:crypto';
import { BackgroundTask, MAX_TIMER_DELAY, delay, exponentialBackoff, type BackgroundTaskOptions, type Queue, type TaskContext } from '../background.js';
import { logger } from '../log.js';
import type { OutboxMessage } from '../outbox.js';
import { quoteIdentifier, type Queryable } from '../repository/sql.js';

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
 * then a lease: `locked_until` and a `claim` token), publishes them one by one, and marks the
 * published ones sent. A message the queue always rejects holds up the messages behind it: alert on
 * `attempts` and `last_error` of the oldest unsent rows.
 *
 * Why a lease rather than a lock held across the publishing: a transaction left open while the queue
 * is slow or down would pin row locks and, on PGlite, block every other query of the application.
 * Crash safety comes from the lease instead: a relay killed mid-batch leaves its claims to expire,
 * then any relay claims them again; messages it had published but not yet marked are published
 * twice. Hence consumers must be idempotent on `outboxId` (`ProcessedMessages` in outbox.ts).
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
    // Both arm a setTimeout, which turns anything above 2^31-1 ms into 1 ms: polling without pause, every publish timing out.
    this.#pollIntervalMs = timerDelay('pollIntervalMs', options.pollIntervalMs ?? 1000);
    this.#leaseMs = nonNegative('leaseMs', options.leaseMs ?? 60_000);
    this.#publishTimeoutMs = timerDelay('publishTimeoutMs', options.publishTimeoutMs ?? 10_000);
    if (this.#publishTimeoutMs === 0) throw new RangeError('publishTimeoutMs must be > 0: a 0 ms timeout fails every publish');
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
    // Measured from before the claim: the lease runs from the statement, not from its answer.
    const leaseEnds = performance.now() + this.#leaseMs;
    const claim = randomUUID();
    const batch = await this.#claim(claim);
    if (batch.length === 0) {
      await this.#idle(stopping);
      return;
    }
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
    await this.#settle(claim, sent, unsent, failure);
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

  async #claim(claim: string): Promise<OutboxMessage<T>[]> {
    const { rows } = await this.#db.query(
      `UPDATE ${this.#table} SET locked_until = now() + ($2 * interval '1 millisecond'), claim = $3, attempts = attempts + 1
       WHERE id IN (
         SELECT id FROM ${this.#table}
         WHERE sent_at IS NULL AND (locked_until IS NULL OR locked_until <= now())
         ORDER BY created_at, id LIMIT $1
         FOR UPDATE SKIP LOCKED)
       RETURNING id, topic, payload, created_at`,
      [this.#batchSize, this.#leaseMs, claim],
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

  async #settle(claim: string, sent: string[], unsent: string[], failure: unknown): Promise<void> {
    // If these statements fail (database gone), nothing is lost: the leases expire and the
    // messages are claimed again, the sent ones being published a second time.
    if (sent.length > 0) {
      await this.#db.query(`UPDATE ${this.#table} SET sent_at = now(), locked_until = NULL, last_error = NULL WHERE id = ANY($1::uuid[])`, [sent]);
    }
    if (unsent.length > 0) {
      const reason = failure === undefined ? 'released unpublished (stop, or the lease running out)' : describe(failure);
      // Only while the claim is still ours: if our lease ran out and another relay claimed the
      // message, clearing its lease would let a third relay publish it concurrently.
      await this.#db.query(`UPDATE ${this.#table} SET locked_until = NULL, last_error = $2 WHERE id = ANY($1::uuid[]) AND sent_at IS NULL AND claim = $3`, [
        unsent,
        reason,
        claim,
      ]);
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
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`${name} must be a finite number >= 0, got ${String(value)}`);
  return value;
}

function timerDelay(name: string, value: number): number {
  if (nonNegative(name, value) > MAX_TIMER_DELAY) throw new RangeError(`${name} must be <= ${MAX_TIMER_DELAY} (MAX_TIMER_DELAY), got ${String(value)}`);
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}
