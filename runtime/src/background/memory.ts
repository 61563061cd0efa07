/**
 * Bulwark pattern: background/memory
 * InMemoryQueue: the process-local Queue that QueueProcessor uses in tests and development, with delayed retries and a dead-letter list.
 *
 * Patterns used: background, background/task
 * Packages used: none
 */
import { randomUUID } from 'node:crypto';
import type { Queue, QueueMessage } from '../background.js';
import { MAX_TIMER_DELAY } from './task.js';

/**
 * A process-local {@link Queue} for tests, development and work that may be lost with the process.
 * Like a real broker it stores copies (structuredClone): a handler that mutates its body and fails
 * gets the original back on redelivery, and only the delivered message object itself can settle it.
 */
export class InMemoryQueue<T> implements Queue<T> {
  readonly #ready: QueueMessage<T>[] = [];
  readonly #inFlight = new Map<string, { stored: QueueMessage<T>; delivered: QueueMessage<T> }>();
  readonly #deadLetters: QueueMessage<T>[] = [];
  readonly #wakeups = new Set<() => void>();
  #delayed = 0;

  async enqueue(body: T): Promise<string> {
    const id = randomUUID();
    this.#push({ id, body: copy(body), attempts: 0 });
    return id;
  }

  async receive(max: number, signal: AbortSignal): Promise<QueueMessage<T>[]> {
    positiveInteger('max', max);
    while (this.#ready.length === 0) {
      if (signal.aborted) return [];
      await new Promise<void>((resolve) => {
        const wake = () => {
          this.#wakeups.delete(wake);
          signal.removeEventListener('abort', wake);
          resolve();
        };
        this.#wakeups.add(wake);
        signal.addEventListener('abort', wake);
      });
    }
    return this.#ready.splice(0, max).map((stored) => {
      const delivered = { ...stored, body: copy(stored.body) };
      this.#inFlight.set(stored.id, { stored, delivered });
      return delivered;
    });
  }

  async ack(message: QueueMessage<T>): Promise<void> {
    this.#settle(message);
  }

  async retry(message: QueueMessage<T>, delayMs: number, error: string): Promise<void> {
    // Before settling: a NaN or overflowing delay would make setTimeout fire after 1 ms, and a bad call must leave the message in flight.
    retryDelay(delayMs);
    const stored = this.#settle(message);
    const next = { ...stored, attempts: stored.attempts + 1, lastError: error };
    if (delayMs <= 0) return this.#push(next);
    this.#delayed += 1;
    // unref: a pending retry must not keep a stopping process alive (this queue is process-local anyway).
    setTimeout(() => {
      this.#delayed -= 1;
      this.#push(next);
    }, delayMs).unref();
  }

  async deadLetter(message: QueueMessage<T>, error: string): Promise<void> {
    const stored = this.#settle(message);
    this.#deadLetters.push({ ...stored, attempts: stored.attempts + 1, lastError: error });
  }

  async release(message: QueueMessage<T>): Promise<void> {
    this.#ready.unshift(this.#settle(message));
    this.#wake();
  }

  /** Messages waiting, in flight, waiting out a retry delay, and dead-lettered. */
  counts(): { ready: number; inFlight: number; delayed: number; dead: number } {
    return { ready: this.#ready.length, inFlight: this.#inFlight.size, delayed: this.#delayed, dead: this.#deadLetters.length };
  }

  deadLetters(): readonly QueueMessage<T>[] {
    return [...this.#deadLetters];
  }

  #settle(message: QueueMessage<T>): QueueMessage<T> {
    const entry = this.#inFlight.get(message.id);
    // Identity, not id: a copy or a forged message with a live id must not settle someone else's delivery.
    if (entry?.delivered !== message) {
      throw new Error(`message ${String(message.id)} is not in flight: it was already settled, or never received from this queue`);
    }
    this.#inFlight.delete(message.id);
    return entry.stored;
  }

  #push(message: QueueMessage<T>): void {
    this.#ready.push(message);
    this.#wake();
  }

  #wake(): void {
    for (const wake of [...this.#wakeups]) wake();
  }
}

function copy<T>(body: T): T {
  try {
    return structuredClone(body);
  } catch (error) {
    throw new TypeError(`InMemoryQueue: message body must be structured-cloneable (${(error as Error).message})`);
  }
}

/** The bound is the queues' MAX_RETRY_DELAY_MS (a setTimeout cannot wait longer). */
function retryDelay(value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value > MAX_TIMER_DELAY) {
    throw new RangeError(`retry delayMs must be a number <= ${MAX_TIMER_DELAY} (MAX_RETRY_DELAY_MS), got ${String(value)}`);
  }
  return value;
}

function positiveInteger(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw new RangeError(`${name} must be an integer >= 1, got ${String(value)}`);
  return value;
}
