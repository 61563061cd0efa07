// QueueProcessor details a user relies on: the backoff's exact range, what reaches the queue for
// each backoff result, messages already past their attempts, and the logs an operator reads.
import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { InMemoryQueue, MAX_RETRY_DELAY_MS, QueueProcessor, exponentialBackoff, type QueueMessage } from '../src/background.js';
import { logger, setLogger, type Logger } from '../src/log.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { gate, waitFor } from './fixtures/background-helpers.js';

const never = () => new AbortController().signal;

/** Runs `body` with Math.random pinned to `value`, so a jittered delay is exact. */
function withRandom<T>(value: number, body: () => T): T {
  const original = Math.random;
  Math.random = () => value;
  try {
    return body();
  } finally {
    Math.random = original;
  }
}

/** Puts one message through `attempts` failed deliveries by hand, so it arrives with that count and `lastError`. */
async function messageWithAttempts(queue: InMemoryQueue<string>, attempts: number, lastError?: string): Promise<void> {
  await queue.enqueue('job');
  for (let n = 0; n < attempts; n += 1) {
    const [message] = await queue.receive(1, never());
    await queue.retry(message!, 0, lastError ?? `failure ${n}`);
  }
}

describe('background QueueProcessor details', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('exponentialBackoff scales the jitter by min(maxMs, baseMs * 2^(attempt-1)), with defaults of 1 s and 60 s', () => {
    const half = (backoff: (attempt: number) => number, attempts: number[]) => withRandom(0.5, () => attempts.map(backoff));
    assert.deepEqual(half(exponentialBackoff(), [0, 1, 2, 3, 7, 8, 30]), [500, 500, 1000, 2000, 30_000, 30_000, 30_000]);
    assert.deepEqual(half(exponentialBackoff({ baseMs: 10, maxMs: 100 }), [-3, 1, 2, 4, 5]), [5, 5, 10, 40, 50]);
    assert.deepEqual(half(exponentialBackoff({ baseMs: 0 }), [1, 10]), [0, 0]);
    assert.throws(() => exponentialBackoff({ baseMs: Infinity }), { name: 'RangeError', message: 'baseMs must be a finite number >= 0, got Infinity' });
    assert.throws(() => exponentialBackoff({ maxMs: -1 }), { name: 'RangeError', message: 'maxMs must be a finite number >= 0, got -1' });
  });

  it('sends each backoff result to the queue as the retry delay: negative is now, above the cap is the cap', async () => {
    const delays: number[] = [];
    class RecordingQueue extends InMemoryQueue<string> {
      override async retry(message: QueueMessage<string>, delayMs: number, error: string): Promise<void> {
        delays.push(delayMs);
        return super.retry(message, 0, error);
      }
    }
    const results = [-5, 0, 250, MAX_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS + 1];
    const queue = new RecordingQueue();
    const processor = new QueueProcessor({
      queue,
      maxAttempts: results.length + 1,
      backoff: (attempt) => results[attempt - 1]!,
      handler: async () => {
        throw new Error('always');
      },
    });
    await queue.enqueue('job');
    processor.start();
    await waitFor(() => processor.stats.deadLettered === 1, 'the message to run out of attempts');
    await processor.stop();
    assert.deepEqual(delays, [0, 0, 250, MAX_RETRY_DELAY_MS, MAX_RETRY_DELAY_MS]);
    const clamped = logs.lines.filter((line) => String(line.msg).startsWith('backoff returned more than MAX_RETRY_DELAY_MS'));
    assert.deepEqual(
      clamped.map((line) => [line.level, line.backoffResult, line.msg]),
      [[40, MAX_RETRY_DELAY_MS + 1, `backoff returned more than MAX_RETRY_DELAY_MS; clamped to ${MAX_RETRY_DELAY_MS} ms`]],
    );
  });

  it('retries with the default backoff when backoff returns a value that cannot even be turned into text', async () => {
    const queue = new InMemoryQueue<string>();
    const hostile = {
      toString: () => {
        throw new Error('no text form');
      },
    };
    const deliveries: number[] = [];
    const processor = new QueueProcessor({
      queue,
      backoff: () => hostile as unknown as number,
      handler: async (_body, { message }) => {
        deliveries.push(message.attempts);
        if (message.attempts === 0) throw new Error('first try fails');
      },
    });
    await queue.enqueue('job');
    processor.start();
    // The default backoff waits up to 1 s before the second attempt.
    await waitFor(() => processor.stats.succeeded === 1, 'the retried message to succeed');
    await processor.stop();
    assert.deepEqual(deliveries, [0, 1]);
    assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    const line = logs.lines.find((l) => String(l.msg).startsWith('backoff returned'));
    assert.deepEqual(
      [line?.level, line?.backoffResult, line?.msg],
      [50, '[object Object]', 'backoff returned [object Object] for attempt 1; using the default backoff'],
    );
  });

  it('dead-letters a message delivered at or past its attempts without running the handler, keeping its last error', async () => {
    const queue = new InMemoryQueue<string>();
    await messageWithAttempts(queue, 3, 'Error: earlier failure');
    let handled = 0;
    const processor = new QueueProcessor({ queue, maxAttempts: 3, handler: async () => void (handled += 1) });
    processor.start();
    await waitFor(() => queue.counts().dead === 1, 'the message to be dead-lettered');
    await processor.stop();
    assert.equal(handled, 0);
    assert.deepEqual(
      queue.deadLetters().map((m) => [m.attempts, m.lastError]),
      [[4, 'Error: earlier failure']],
    );
    assert.deepEqual(processor.stats, { succeeded: 0, retried: 0, deadLettered: 1, released: 0, settleFailures: 0 });
    const line = logs.lines.find((l) => l.msg === 'message exceeded its attempts (its consumers crashed); dead-lettering');
    assert.deepEqual([line?.level, line?.task, line?.attempts], [50, 'QueueProcessor', 3]);
  });

  it('runs a message one attempt below the limit, and dead-letters it when that attempt fails', async () => {
    const queue = new InMemoryQueue<string>();
    await messageWithAttempts(queue, 2);
    const seen: number[] = [];
    const processor = new QueueProcessor({
      queue,
      maxAttempts: 3,
      backoff: () => 0,
      handler: async (_body, { message }) => {
        seen.push(message.attempts);
        throw new RangeError('still broken');
      },
    });
    processor.start();
    await waitFor(() => queue.counts().dead === 1, 'the message to be dead-lettered');
    await processor.stop();
    assert.deepEqual(seen, [2]);
    assert.deepEqual(
      queue.deadLetters().map((m) => [m.attempts, m.lastError]),
      [[3, 'RangeError: still broken']],
    );
    const line = logs.lines.find((l) => l.msg === 'message failed its last attempt; dead-lettering');
    assert.deepEqual([line?.level, line?.attempts, (line?.err as { message?: string })?.message], [50, 2, 'still broken']);
  });

  it('logs a retried failure with its message, attempt, error and delay', async () => {
    const queue = new InMemoryQueue<string>();
    const processor = new QueueProcessor({
      queue,
      name: 'mailer',
      backoff: () => 1,
      handler: async (_body, { message }) => {
        if (message.attempts === 0) throw new Error('smtp down');
      },
    });
    const id = await queue.enqueue('mail');
    processor.start();
    await waitFor(() => processor.stats.succeeded === 1, 'the retry to succeed');
    await processor.stop();
    const line = logs.lines.find((l) => l.msg === 'message failed; retrying later');
    assert.deepEqual([line?.level, line?.task, line?.messageId, line?.attempts, line?.delayMs], [40, 'mailer', id, 0, 1]);
    assert.equal((line?.err as { message?: string })?.message, 'smtp down');
  });

  it('keeps the last error to 1000 characters plus an ellipsis', async () => {
    const queue = new InMemoryQueue<string>();
    const prefix = 'Error: '.length;
    const lengths = [1000 - prefix, 1001 - prefix];
    const processor = new QueueProcessor({
      queue,
      maxAttempts: 1,
      handler: async (body) => {
        throw new Error('x'.repeat(Number(body)));
      },
    });
    for (const length of lengths) await queue.enqueue(String(length));
    processor.start();
    await waitFor(() => queue.counts().dead === 2, 'both messages dead-lettered');
    await processor.stop();
    const errors = new Map(queue.deadLetters().map((m) => [m.body, m.lastError!]));
    assert.equal(errors.get(String(lengths[0])), `Error: ${'x'.repeat(lengths[0]!)}`);
    assert.equal(errors.get(String(lengths[1])), `Error: ${'x'.repeat(lengths[1]! - 1)}…`);
  });

  it('describes and logs what a handler threw, even a value without a string form', async () => {
    const thrown: Record<string, unknown> = {
      bare: Object.create(null),
      hostile: {
        toString: () => {
          throw new Error('no');
        },
      },
      symbolName: Object.assign(new Error('x'), { name: Symbol('odd') }),
      text: 'plain string',
    };
    const queue = new InMemoryQueue<string>();
    const processor = new QueueProcessor({
      queue,
      maxAttempts: 1,
      handler: async (body) => {
        throw thrown[body];
      },
    });
    for (const key of Object.keys(thrown)) await queue.enqueue(key);
    processor.start();
    await waitFor(() => queue.counts().dead === 4, 'every message dead-lettered');
    await processor.stop();
    assert.deepEqual(Object.fromEntries(queue.deadLetters().map((m) => [m.body, m.lastError])), {
      bare: '[object Object]',
      hostile: '[object Object]',
      symbolName: 'Symbol(odd): x',
      text: 'plain string',
    });
    const logged = logs.lines.filter((line) => line.msg === 'message failed its last attempt; dead-lettering');
    assert.equal(logged.length, 4, 'a failure whose thrown value could not be serialised was not logged');
    // pino cannot serialise an Error with a Symbol name: that one is logged with its description instead.
    assert.ok(logged.some((line) => line.err === 'Symbol(odd): x'));
  });

  it('a log call that throws while a message is handled leaves the message unsettled and is logged, not a crash', async () => {
    const capturing = logger;
    // Only the warning the abort path logs before it releases the message throws.
    const throwingWarn = Object.create(capturing) as Logger;
    throwingWarn.warn = ((...args: Parameters<Logger['warn']>) => {
      if (args.includes('message interrupted by shutdown; releasing it')) throw new Error('log transport down');
      capturing.warn(...args);
    }) as Logger['warn'];
    setLogger(throwingWarn);
    try {
      const queue = new InMemoryQueue<string>();
      const processor = new QueueProcessor({
        queue,
        handler: async (_body, { signal }) => {
          await new Promise((resolve) => signal.addEventListener('abort', resolve));
          throw signal.reason;
        },
      });
      const id = await queue.enqueue('job');
      processor.start();
      await waitFor(() => processor.inFlight === 1, 'the message in flight');
      assert.equal(await processor.stop({ timeoutMs: 0 }), 'aborted');
      assert.deepEqual(queue.counts(), { ready: 0, inFlight: 1, delayed: 0, dead: 0 });
      const line = logs.lines.find((l) => l.msg === 'unexpected failure handling a message; it stays unsettled until the queue redelivers it');
      assert.deepEqual(
        [line?.level, line?.task, line?.messageId, (line?.err as { message?: string })?.message],
        [50, 'QueueProcessor', id, 'log transport down'],
      );
    } finally {
      setLogger(capturing);
    }
  });

  it('refills only its free slots, takes nothing once stopping, and reports nothing amiss', async () => {
    const rejections: unknown[] = [];
    const onRejection = (reason: unknown) => void rejections.push(reason);
    process.on('unhandledRejection', onRejection);
    try {
      const queue = new InMemoryQueue<number>();
      const gates = Array.from({ length: 6 }, gate);
      let running = 0;
      let peak = 0;
      const processor = new QueueProcessor({
        queue,
        concurrency: 2,
        handler: async (n) => {
          running += 1;
          peak = Math.max(peak, running);
          await gates[n]!.opened;
          running -= 1;
        },
      });
      for (let n = 0; n < gates.length; n += 1) await queue.enqueue(n);
      processor.start();
      await waitFor(() => running === 2, 'both slots busy');
      gates[0]!.open(); // one slot frees while the other stays busy
      await waitFor(() => processor.stats.succeeded === 1 && running === 2, 'the free slot refilled');
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(peak, 2, 'more handlers ran than concurrency allows');
      const stopping = processor.stop({ timeoutMs: 60_000 });
      gates.forEach((g) => g.open());
      assert.equal(await stopping, 'drained');
      assert.equal(processor.stats.succeeded, 3, 'a message was taken after stop began');
      assert.equal(queue.counts().ready, 3);
      assert.deepEqual(
        logs.lines.filter((line) => line.msg === 'background task iteration failed'),
        [],
      );
      await new Promise((resolve) => setImmediate(resolve));
      assert.deepEqual(rejections, []);
    } finally {
      process.off('unhandledRejection', onRejection);
    }
  });

  it('logs a throwing backoff and a failed settle with what an operator needs', async () => {
    class RetryFails extends InMemoryQueue<string> {
      override async retry(): Promise<void> {
        throw new Error('broker unreachable');
      }
    }
    const queue = new RetryFails();
    const processor = new QueueProcessor({
      queue,
      backoff: () => {
        throw new Error('backoff bug');
      },
      handler: async () => {
        throw new Error('handler failed');
      },
    });
    const id = await queue.enqueue('job');
    processor.start();
    await waitFor(() => processor.stats.settleFailures === 1, 'the failed settle');
    await processor.stop({ timeoutMs: 0 });
    const threw = logs.lines.find((l) => l.msg === 'backoff threw for attempt 1; using the default backoff');
    assert.deepEqual([threw?.level, threw?.messageId, (threw?.err as { message?: string })?.message], [50, id, 'backoff bug']);
    const unsettled = logs.lines.find((l) => l.msg === 'could not settle message; the queue will redeliver it');
    assert.deepEqual(
      [unsettled?.level, unsettled?.task, unsettled?.messageId, unsettled?.outcome, (unsettled?.err as { message?: string })?.message],
      [50, 'QueueProcessor', id, 'retried', 'broker unreachable'],
    );
  });

  it('leaves no abort listener on its stopping signal however often all its slots fill up', async () => {
    let stopping: AbortSignal | undefined;
    class WatchedQueue extends InMemoryQueue<number> {
      override receive(max: number, signal: AbortSignal): Promise<QueueMessage<number>[]> {
        stopping = signal;
        return super.receive(max, signal);
      }
    }
    const queue = new WatchedQueue();
    const gates = Array.from({ length: 12 }, gate);
    const started: number[] = [];
    const processor = new QueueProcessor({
      queue,
      concurrency: 1,
      handler: async (n) => {
        started.push(n);
        await gates[n]!.opened;
      },
    });
    for (let n = 0; n < gates.length; n += 1) await queue.enqueue(n);
    processor.start();
    for (let n = 0; n < gates.length; n += 1) {
      // Each message is released only once the loop waits for its slot, so every slot fills up.
      await waitFor(() => started.length === n + 1, `message ${n} to start`);
      await new Promise((resolve) => setImmediate(resolve));
      gates[n]!.open();
    }
    await waitFor(() => processor.stats.succeeded === gates.length, 'every message');
    await waitFor(() => processor.inFlight === 0, 'the processor to go idle');
    // At most the idle receive's own listener remains.
    assert.ok(getEventListeners(stopping!, 'abort').length <= 1, `${getEventListeners(stopping!, 'abort').length} listeners left`);
    await processor.stop();
  });
});
