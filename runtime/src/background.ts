/**
 * Bulwark pattern: background
 * Background tasks with a graceful stop that always awaits, a queue processor that acks only after success (retry with backoff, then dead-letter), and SIGTERM draining.
 *
 * Patterns used: background/memory, log
 * Packages used: none
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { logger } from './log.js';

// The default queue is part of the pattern's API: `import { InMemoryQueue, QueueProcessor } from './background.js'`.
export { InMemoryQueue } from './background/memory.js';

/** The two signals a task's work receives. */
export interface TaskContext {
  /** Aborted when stop() begins: take no new work, finish what is in hand. */
  readonly stopping: AbortSignal;
  /** Aborted when stop() times out: abandon in-flight work now (pass it to fetch, queries, timers). */
  readonly signal: AbortSignal;
}

/** `drained`: everything finished on its own. `aborted`: the timeout passed, work was aborted, and its unwinding was awaited. */
export type StopOutcome = 'drained' | 'aborted';

export interface StopOptions {
  /** How long in-flight work may take before it is aborted via `signal`. Default 10 000 ms. */
  timeoutMs?: number;
}

/** Anything that can be stopped gracefully: a task, a {@link TaskManager}, or your own composite. */
export interface Stoppable {
  stop(options?: StopOptions): Promise<StopOutcome>;
}

export interface BackgroundTaskOptions {
  /** Name used in logs. Default: the class name. */
  name?: string;
  /** Pause after an iteration throws, so a persistent failure does not spin. Default 1000 ms. */
  errorDelayMs?: number;
}

const DEFAULT_STOP_TIMEOUT_MS = 10_000;

/**
 * A loop that calls {@link run} until stopped. Subclass it and implement `run` (one unit of work,
 * which should wait on `context.stopping` rather than spin when idle).
 */
export abstract class BackgroundTask implements Stoppable {
  readonly name: string;
  readonly #errorDelayMs: number;
  readonly #stopping = new AbortController();
  readonly #abort = new AbortController();
  #loop: Promise<void> | undefined;
  #settled = false;
  #stopped: Promise<StopOutcome> | undefined;

  constructor(options: BackgroundTaskOptions = {}) {
    this.name = options.name ?? this.constructor.name;
    this.#errorDelayMs = nonNegative('errorDelayMs', options.errorDelayMs ?? 1000);
  }

  /** One unit of work, called repeatedly until stop(). Errors are logged and the loop continues after `errorDelayMs`. */
  protected abstract run(context: TaskContext): Promise<void>;

  /** Runs once after the loop ends, inside stop()'s wait: await here any work that `run` started and did not await. */
  protected async drain(_context: TaskContext): Promise<void> {}

  get state(): 'idle' | 'running' | 'stopping' | 'stopped' {
    if (this.#settled || (this.#stopped && !this.#loop)) return 'stopped';
    if (this.#stopped) return 'stopping';
    return this.#loop ? 'running' : 'idle';
  }

  start(): void {
    if (this.#stopped) throw new Error(`background task "${this.name}" was stopped; create a new instance to run it again`);
    if (this.#loop) throw new Error(`background task "${this.name}" is already running`);
    this.#loop = this.#runLoop().finally(() => {
      this.#settled = true;
    });
  }

  /** Stops taking work, waits up to `timeoutMs`, then aborts in-flight work and STILL waits for it. Idempotent. */
  stop(options: StopOptions = {}): Promise<StopOutcome> {
    const timeoutMs = nonNegative('timeoutMs', options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    this.#stopped ??= this.#stop(timeoutMs);
    return this.#stopped;
  }

  async #stop(timeoutMs: number): Promise<StopOutcome> {
    this.#stopping.abort(new Error(`background task "${this.name}" is stopping`));
    const loop = this.#loop;
    if (!loop) return 'drained';
    if (await settlesWithin(loop, timeoutMs)) {
      logger.info({ task: this.name }, 'background task stopped');
      return 'drained';
    }
    logger.warn({ task: this.name, timeoutMs }, 'background task did not stop in time; aborting in-flight work');
    this.#abort.abort(new Error(`background task "${this.name}" did not stop within ${timeoutMs} ms`));
    // Cancelling is a request, not an event: only after the loop settles are its resources released.
    await loop;
    logger.info({ task: this.name }, 'background task stopped after abort');
    return 'aborted';
  }

  async #runLoop(): Promise<void> {
    const context: TaskContext = { stopping: this.#stopping.signal, signal: this.#abort.signal };
    logger.info({ task: this.name }, 'background task started');
    while (!context.stopping.aborted) {
      try {
        await this.run(context);
      } catch (error) {
        if (context.signal.aborted) break;
        logger.error({ err: error, task: this.name }, 'background task iteration failed');
        await delay(this.#errorDelayMs, context.stopping);
      }
      // An iteration that settles without real I/O would otherwise loop on microtasks alone and starve timers and sockets.
      await nextMacrotask();
    }
    try {
      await this.drain(context);
    } catch (error) {
      logger.error({ err: error, task: this.name }, 'background task drain failed');
    }
  }
}

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
  /** Redelivers after `delayMs` with `attempts + 1` and `lastError = error`. */
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
  /** Delay before redelivery after failed attempt n (1-based). Default {@link exponentialBackoff}(). */
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
  const baseMs = nonNegative('baseMs', options.baseMs ?? 1000);
  const maxMs = nonNegative('maxMs', options.maxMs ?? 60_000);
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
        stopping.addEventListener('abort', wake, { once: true });
      });
    }
    if (stopping.aborted) return;
    const messages = await this.#queue.receive(this.#concurrency - this.#inFlight.size, stopping);
    for (const message of messages) {
      const handling = this.#handle(message, signal).finally(() => {
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
        logger.error({ ...log, err: error }, 'message failed its last attempt; dead-lettering');
        await this.#settle(() => this.#queue.deadLetter(message, reason), 'deadLettered', message);
      } else {
        const delayMs = this.#backoff(attempt);
        logger.warn({ ...log, err: error, delayMs }, 'message failed; retrying later');
        await this.#settle(() => this.#queue.retry(message, delayMs, reason), 'retried', message);
      }
      return;
    }
    await this.#settle(() => this.#queue.ack(message), 'succeeded', message);
  }

  async #settle(operation: () => Promise<void>, outcome: keyof QueueProcessorStats, message: QueueMessage<T>): Promise<void> {
    try {
      await operation();
      this.#stats[outcome] += 1;
    } catch (error) {
      this.#stats.settleFailures += 1;
      logger.error({ err: error, task: this.name, messageId: message.id, outcome }, 'could not settle message; the queue will redeliver it');
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Task manager and shutdown

/** Starts and stops a set of tasks together. */
export class TaskManager implements Stoppable {
  readonly #tasks: BackgroundTask[] = [];
  #state: 'idle' | 'running' | 'stopping' = 'idle';

  get tasks(): readonly BackgroundTask[] {
    return [...this.#tasks];
  }

  /** Adds a task; it starts at once if the manager is running. */
  add(task: BackgroundTask): this {
    if (this.#state === 'stopping') throw new Error(`cannot add task "${task.name}": the task manager is stopping`);
    this.#tasks.push(task);
    if (this.#state === 'running') task.start();
    return this;
  }

  start(): void {
    if (this.#state !== 'idle') throw new Error(`cannot start a task manager that is ${this.#state}`);
    this.#state = 'running';
    for (const task of this.#tasks) task.start();
  }

  /** Stops every task in parallel; each gets the whole `timeoutMs` because they wait concurrently. Works with zero tasks. */
  async stop(options: StopOptions = {}): Promise<StopOutcome> {
    this.#state = 'stopping';
    const outcomes = await Promise.all(this.#tasks.map((task) => task.stop(options)));
    return outcomes.includes('aborted') ? 'aborted' : 'drained';
  }
}

export interface SignalHandlerOptions extends StopOptions {
  /** Default `['SIGTERM', 'SIGINT']`. */
  signals?: readonly NodeJS.Signals[];
  /** Called with 0 after a drained stop, 1 after an aborted or failed one, or a second signal. Default `process.exit`. */
  exit?: (code: number) => void;
}

/**
 * On the first signal, stops `target` (which stops taking work and drains in-flight work), then exits.
 * A second signal exits at once. Returns a disposer that removes the listeners. Default `timeoutMs` 30 000.
 */
export function installSignalHandlers(target: Stoppable, options: SignalHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  const timeoutMs = options.timeoutMs ?? 30_000;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second shutdown signal; exiting without waiting');
      exit(1);
      return;
    }
    shuttingDown = true;
    logger.info({ signal, timeoutMs }, 'shutdown signal received; draining in-flight work');
    target.stop({ timeoutMs }).then(
      (outcome) => {
        logger.info({ outcome }, 'shutdown complete');
        exit(outcome === 'drained' ? 0 : 1);
      },
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        exit(1);
      },
    );
  };
  for (const signal of signals) process.on(signal, onSignal);
  return () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
}

// ---------------------------------------------------------------------------------------------

function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  return Promise.race([promise.then(() => true), timeout]).finally(() => clearTimeout(timer));
}

/** Resolves after `ms`, or early (without throwing) when `signal` aborts: the idle wait of a periodic task. */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
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
