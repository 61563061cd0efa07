/**
 * Bulwark pattern: background
 * Background tasks with a graceful stop that always awaits, a queue processor that acks only after success (retry with backoff, then dead-letter), and SIGTERM draining.
 *
 * Patterns used: background/memory, background/task, log
 * Packages used: none
 */
import { logger } from './log.js';
import { BackgroundTask, MAX_TIMER_DELAY, nonNegative, type BackgroundTaskOptions, type TaskContext } from './background/task.js';

// One import for the whole pattern: `import { InMemoryQueue, QueueProcessor, TaskManager } from './background.js'`.
export { InMemoryQueue } from './background/memory.js';
export {
  BackgroundTask,
  MAX_TIMER_DELAY,
  TaskManager,
  delay,
  installSignalHandlers,
  type BackgroundTaskOptions,
  type SignalHandlerOptions,
  type StopOptions,
  type StopOutcome,
  type Stoppable,
  type TaskContext,
} from './background/task.js';

/**
 * The longest retry delay a queue accepts (2^31-1 ms, about 24.8 days): a timer cannot wait longer,
 * and a later due time is in practice a message parked forever. QueueProcessor clamps to it.
 */
export const MAX_RETRY_DELAY_MS = MAX_TIMER_DELAY;

// ---------------------------------------------------------------------------------------------
// Queues

export interface QueueMessage<T> {
  readonly id: string;
  readonly body: T;
  /** Failed deliveries so far (0 on the first). Carried on the message, so it survives restarts. */
  readonly attempts: number;
  /** Why the last delivery failed, when one did. */
  readonly lastError?: string;
}

/**
 * A queue with explicit settlement: a received message stays invisible to other consumers until it
 * is acked, retried, dead-lettered or released. A message that is never settled must not be lost.
 */
export interface Queue<T> {
  /** Adds a message; resolves with its id. */
  enqueue(body: T): Promise<string>;
  /** Resolves with 1..max messages, or [] when `signal` aborts or the queue's own wait elapses. Must wait, not spin. */
  receive(max: number, signal: AbortSignal): Promise<QueueMessage<T>[]>;
  /** Deletes a successfully handled message. */
  ack(message: QueueMessage<T>): Promise<void>;
  /**
   * Redelivers after `delayMs` with `attempts + 1` and `lastError = error`. `delayMs` <= 0 means now;
   * NaN, a non-number or more than {@link MAX_RETRY_DELAY_MS} rejects with a RangeError and leaves the message in flight.
   */
  retry(message: QueueMessage<T>, delayMs: number, error: string): Promise<void>;
  /** Parks a message that will not succeed, with `attempts + 1` and `lastError = error`. */
  deadLetter(message: QueueMessage<T>, error: string): Promise<void>;
  /** Puts an unhandled message back at the front without counting an attempt (used at shutdown). */
  release(message: QueueMessage<T>): Promise<void>;
}

// ---------------------------------------------------------------------------------------------
// Queue processor

export interface MessageContext<T> {
  readonly message: QueueMessage<T>;
  /** Aborted when shutdown gives up waiting; the message is then released, not counted as failed. */
  readonly signal: AbortSignal;
}

export type MessageHandler<T> = (body: T, context: MessageContext<T>) => Promise<void>;

export interface QueueProcessorOptions<T> extends BackgroundTaskOptions {
  queue: Queue<T>;
  handler: MessageHandler<T>;
  /** Messages handled at once. Default 1. */
  concurrency?: number;
  /** Deliveries before a message is dead-lettered. Default 5. */
  maxAttempts?: number;
  /**
   * Delay in ms before redelivery after failed attempt n (1-based). Default {@link exponentialBackoff}().
   * A result above {@link MAX_RETRY_DELAY_MS} (Infinity included) is clamped to it, a negative one to 0;
   * NaN, a non-number or a throw is a bug in the backoff: it is logged at error level and the default
   * backoff's delay is used, so the message is still retried, never lost.
   */
  backoff?: (attempt: number) => number;
}

export interface QueueProcessorStats {
  succeeded: number;
  retried: number;
  deadLettered: number;
  /** Interrupted by shutdown and put back. */
  released: number;
  /** Ack/retry/dead-letter calls that threw (e.g. broker down); such messages are redelivered later. */
  settleFailures: number;
}

/** Full-jitter exponential backoff: a random delay in [0, min(maxMs, baseMs * 2^(attempt-1))]. */
export function exponentialBackoff(options: { baseMs?: number; maxMs?: number } = {}): (attempt: number) => number {
  const baseMs = nonNegative('baseMs', options.baseMs ?? 1000, false);
  const maxMs = nonNegative('maxMs', options.maxMs ?? 60_000, false);
  return (attempt) => Math.random() * Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

/** Receives from a {@link Queue} and hands each message to `handler`; acks only after the handler succeeded. */
export class QueueProcessor<T> extends BackgroundTask {
  readonly #queue: Queue<T>;
  readonly #handler: MessageHandler<T>;
  readonly #concurrency: number;
  readonly #maxAttempts: number;
  readonly #backoff: (attempt: number) => number;
  readonly #inFlight = new Set<Promise<void>>();
  #slotFreed: (() => void) | undefined;
  readonly #stats: QueueProcessorStats = { succeeded: 0, retried: 0, deadLettered: 0, released: 0, settleFailures: 0 };

  constructor(options: QueueProcessorOptions<T>) {
    super({ name: 'QueueProcessor', ...options });
    // `backoff: 1000` is an easy mistake; found at the first failure it would only be logged, message after message.
    if (typeof options.handler !== 'function') throw new TypeError(`handler must be a function, got ${typeof options.handler}`);
    if (options.backoff !== undefined && typeof options.backoff !== 'function')
      throw new TypeError(`backoff must be a function, got ${typeof options.backoff}`);
    this.#queue = options.queue;
    this.#handler = options.handler;
    this.#concurrency = positiveInteger('concurrency', options.concurrency ?? 1);
    this.#maxAttempts = positiveInteger('maxAttempts', options.maxAttempts ?? 5);
    this.#backoff = options.backoff ?? exponentialBackoff();
  }

  get stats(): Readonly<QueueProcessorStats> {
    return { ...this.#stats };
  }

  get inFlight(): number {
    return this.#inFlight.size;
  }

  protected async run({ stopping, signal }: TaskContext): Promise<void> {
    while (this.#inFlight.size >= this.#concurrency && !stopping.aborted) {
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#slotFreed = undefined;
          stopping.removeEventListener('abort', wake);
          resolve();
        };
        this.#slotFreed = wake;
        stopping.addEventListener('abort', wake);
      });
    }
    if (stopping.aborted) return;
    const messages = await this.#queue.receive(this.#concurrency - this.#inFlight.size, stopping);
    for (const message of messages) {
      const handling = this.#handle(message, signal)
        // #handle catches what it expects; anything else must not become an unhandled rejection (a crash).
        .catch((error: unknown) =>
          logSafely(
            'error',
            { err: error, task: this.name, messageId: message.id },
            'unexpected failure handling a message; it stays unsettled until the queue redelivers it',
          ),
        )
        .finally(() => {
          this.#inFlight.delete(handling);
          this.#slotFreed?.();
        });
      this.#inFlight.add(handling);
    }
  }

  protected override async drain(): Promise<void> {
    await Promise.allSettled([...this.#inFlight]);
  }

  async #handle(message: QueueMessage<T>, signal: AbortSignal): Promise<void> {
    const log = { task: this.name, messageId: message.id, attempts: message.attempts };
    // Only a crashed consumer (recovered by the queue) can deliver past the limit: park it rather than crash again.
    if (message.attempts >= this.#maxAttempts) {
      logger.error(log, 'message exceeded its attempts (its consumers crashed); dead-lettering');
      await this.#settle(() => this.#queue.deadLetter(message, message.lastError ?? 'attempts exhausted by crashed consumers'), 'deadLettered', message);
      return;
    }
    try {
      await this.#handler(message.body, { message, signal });
    } catch (error) {
      if (signal.aborted) {
        logger.warn(log, 'message interrupted by shutdown; releasing it');
        await this.#settle(() => this.#queue.release(message), 'released', message);
        return;
      }
      const attempt = message.attempts + 1;
      const reason = describe(error);
      if (attempt >= this.#maxAttempts) {
        logSafely('error', { ...log, err: error }, 'message failed its last attempt; dead-lettering');
        await this.#settle(() => this.#queue.deadLetter(message, reason), 'deadLettered', message);
      } else {
        const delayMs = this.#retryDelay(attempt, log);
        logSafely('warn', { ...log, err: error, delayMs }, 'message failed; retrying later');
        await this.#settle(() => this.#queue.retry(message, delayMs, reason), 'retried', message);
      }
      return;
    }
    await this.#settle(() => this.#queue.ack(message), 'succeeded', message);
  }

  // Validated before the queue sees it: a NaN delay used to fail inside the queue's settle step, after the message was removed.
  #retryDelay(attempt: number, log: object): number {
    let value: unknown;
    try {
      value = this.#backoff(attempt);
    } catch (error) {
      logSafely('error', { ...log, err: error }, `backoff threw for attempt ${attempt}; using the default backoff`);
      return defaultBackoff(attempt);
    }
    if (typeof value !== 'number' || Number.isNaN(value)) {
      // describe(), not String(): a result whose toString throws would otherwise leave the message unsettled.
      const text = describe(value);
      logger.error({ ...log, backoffResult: text }, `backoff returned ${text} for attempt ${attempt}; using the default backoff`);
      return defaultBackoff(attempt);
    }
    if (value > MAX_RETRY_DELAY_MS) {
      logger.warn({ ...log, backoffResult: value }, `backoff returned more than MAX_RETRY_DELAY_MS; clamped to ${MAX_RETRY_DELAY_MS} ms`);
      return MAX_RETRY_DELAY_MS;
    }
    return Math.max(0, value);
  }

  async #settle(operation: () => Promise<void>, outcome: keyof QueueProcessorStats, message: QueueMessage<T>): Promise<void> {
    try {
      await operation();
      this.#stats[outcome] += 1;
    } catch (error) {
      this.#stats.settleFailures += 1;
      logSafely('error', { err: error, task: this.name, messageId: message.id, outcome }, 'could not settle message; the queue will redeliver it');
    }
  }
}

// ---------------------------------------------------------------------------------------------

const defaultBackoff = exponentialBackoff();

// Handlers throw anything and backoffs return anything: an object without a prototype, a Symbol name or a throwing getter must not derail the retry.
function describe(error: unknown): string {
  let text: string;
  try {
    text = error instanceof Error ? `${String(error.name)}: ${String(error.message)}` : String(error);
  } catch {
    // The conversion's own error says nothing about the handler's failure; the value's type tag is what is left to report.
    text = Object.prototype.toString.call(error);
  }
  return text.length > 1000 ? `${text.slice(0, 1000)}…` : text;
}

// Serialising a thrown value can itself throw (pino reads `stack`, which calls toString on a Symbol name):
// a log line must never stop a message from being settled.
function logSafely(level: 'warn' | 'error', fields: { err: unknown } & Record<string, unknown>, msg: string): void {
  try {
    logger[level](fields, msg);
  } catch {
    // The serialiser's error is about the thrown value's shape, not the failure: log the failure in a form that serialises.
    logger[level]({ ...fields, err: describe(fields.err) }, msg);
  }
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isSafeInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}
