import assert from 'node:assert/strict';
import {
  BackgroundTask,
  InMemoryQueue,
  QueueProcessor,
  TaskManager,
  exponentialBackoff,
  installSignalHandlers,
  type QueueMessage,
  type TaskContext,
} from '../src/background.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { gate, waitFor } from './fixtures/background-helpers.js';

/** A task whose iterations are supplied by the test. */
class ScriptedTask extends BackgroundTask {
  constructor(
    private readonly iteration: (context: TaskContext) => Promise<void>,
    errorDelayMs = 0,
  ) {
    super({ name: 'scripted', errorDelayMs });
  }
  protected run(context: TaskContext): Promise<void> {
    return this.iteration(context);
  }
}

/** Resolves when `signal` aborts. */
const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));

describe('background', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('BackgroundTask', () => {
    it('calls run repeatedly until stop, then never again', async () => {
      let iterations = 0;
      const task = new ScriptedTask(async () => {
        iterations += 1;
        await new Promise((resolve) => setImmediate(resolve));
      });
      task.start();
      assert.equal(task.state, 'running');
      await waitFor(() => iterations >= 3, 'three iterations');
      assert.equal(await task.stop(), 'drained');
      assert.equal(task.state, 'stopped');
      const afterStop = iterations;
      await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal(iterations, afterStop);
    });

    it('catalogue defect: stop awaits the cancellation it triggers after the timeout', async () => {
      let cleanedUp = false;
      // Ignores `stopping`, honours `signal`, and needs several ticks to unwind — the case the
      // catalogue's cancel()-and-return left running after stop() had already returned.
      const task = new ScriptedTask(async ({ signal }) => {
        await aborted(signal);
        await new Promise((resolve) => setTimeout(resolve, 30));
        cleanedUp = true;
      });
      task.start();
      const outcome = await task.stop({ timeoutMs: 10 });
      assert.equal(outcome, 'aborted');
      assert.equal(cleanedUp, true, 'stop() returned before the aborted work finished unwinding');
      assert.ok(logs.lines.some((line) => line.msg === 'background task did not stop in time; aborting in-flight work'));
    });

    it('logs a failing iteration and keeps looping', async () => {
      let iterations = 0;
      const task = new ScriptedTask(async () => {
        iterations += 1;
        if (iterations === 1) throw new Error('boom');
      });
      task.start();
      await waitFor(() => iterations >= 2, 'an iteration after the failure');
      await task.stop();
      const failure = logs.lines.find((line) => line.msg === 'background task iteration failed');
      assert.equal((failure?.err as { message?: string } | undefined)?.message, 'boom');
    });

    it('is idempotent to stop, and refuses to restart', async () => {
      const task = new ScriptedTask(({ stopping }) => aborted(stopping));
      assert.equal(await task.stop(), 'drained', 'stop before start');
      assert.throws(() => task.start(), /was stopped; create a new instance/);
      const running = new ScriptedTask(({ stopping }) => aborted(stopping));
      running.start();
      assert.throws(() => running.start(), /already running/);
      const [first, second] = await Promise.all([running.stop(), running.stop()]);
      assert.equal(first, 'drained');
      assert.equal(second, 'drained');
    });

    it('rejects invalid options with a clear error', () => {
      assert.throws(() => new ScriptedTask(async () => {}, -1), /errorDelayMs must be a finite number >= 0, got -1/);
      const task = new ScriptedTask(async () => {});
      assert.throws(() => task.stop({ timeoutMs: Number.NaN }), /timeoutMs must be a number >= 0 \(Infinity allowed\), got NaN/);
    });
  });

  describe('TaskManager', () => {
    // The catalogue's stop_all never divides when it has no tasks, so this only pins the empty case;
    // its real defect (each task given timeout / N) is tested in background-inputs.test.ts.
    it('an empty manager starts and stops cleanly, drained', async () => {
      const manager = new TaskManager();
      manager.start();
      assert.equal(await manager.stop({ timeoutMs: 30_000 }), 'drained');
    });

    it('stops every task in parallel and reports an abort if any task needed one', async () => {
      const manager = new TaskManager();
      const polite = new ScriptedTask(({ stopping }) => aborted(stopping));
      const stubborn = new ScriptedTask(({ signal }) => aborted(signal));
      manager.add(polite).add(stubborn);
      manager.start();
      assert.equal(await manager.stop({ timeoutMs: 10 }), 'aborted');
      assert.equal(polite.state, 'stopped');
      assert.equal(stubborn.state, 'stopped');
    });

    it('starts tasks added while running and refuses tasks once stopping', async () => {
      const manager = new TaskManager();
      manager.start();
      const late = new ScriptedTask(({ stopping }) => aborted(stopping));
      manager.add(late);
      assert.equal(late.state, 'running');
      await manager.stop();
      assert.throws(() => manager.add(new ScriptedTask(async () => {})), /the task manager is stopping/);
    });
  });

  describe('QueueProcessor on InMemoryQueue', () => {
    it('catalogue defect: a message whose handler throws is not acked: it is retried, then dead-lettered', async () => {
      const queue = new InMemoryQueue<{ order: number }>();
      const seenAttempts: number[] = [];
      const processor = new QueueProcessor({
        queue,
        maxAttempts: 3,
        backoff: () => 0,
        handler: async (_body, { message }) => {
          seenAttempts.push(message.attempts);
          throw new Error('payment gateway said no');
        },
      });
      const id = await queue.enqueue({ order: 42 });
      processor.start();
      await waitFor(() => queue.counts().dead === 1, 'the message to be dead-lettered');
      await processor.stop();

      assert.deepEqual(seenAttempts, [0, 1, 2]);
      const [dead] = queue.deadLetters();
      assert.equal(dead?.id, id);
      assert.deepEqual(dead?.body, { order: 42 });
      assert.equal(dead?.attempts, 3);
      assert.equal(dead?.lastError, 'Error: payment gateway said no');
      assert.deepEqual(processor.stats, { succeeded: 0, retried: 2, deadLettered: 1, released: 0, settleFailures: 0 });
      assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 1 });
    });

    it('redelivers a failed message with its attempt count and acks it once it succeeds', async () => {
      const queue = new InMemoryQueue<string>();
      const backoffAttempts: number[] = [];
      const deliveries: Array<QueueMessage<string>> = [];
      const processor = new QueueProcessor({
        queue,
        backoff: (attempt) => {
          backoffAttempts.push(attempt);
          return 1;
        },
        handler: async (_body, { message }) => {
          deliveries.push(message);
          if (message.attempts < 2) throw new TypeError(`flaky ${message.attempts}`);
        },
      });
      await queue.enqueue('hello');
      processor.start();
      await waitFor(() => processor.stats.succeeded === 1, 'the third delivery to succeed');
      await processor.stop();
      assert.deepEqual(
        deliveries.map((m) => [m.body, m.attempts, m.lastError]),
        [
          ['hello', 0, undefined],
          ['hello', 1, 'TypeError: flaky 0'],
          ['hello', 2, 'TypeError: flaky 1'],
        ],
      );
      assert.deepEqual(backoffAttempts, [1, 2]);
      assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 0 });
    });

    it('loses no message under a mixed workload: every message either succeeded or was dead-lettered, and the counts add up', async () => {
      const queue = new InMemoryQueue<{ n: number; poison: boolean }>();
      const maxAttempts = 4;
      const calls = new Map<number, number>();
      const succeeded = new Set<number>();
      const processor = new QueueProcessor({
        queue,
        concurrency: 4,
        maxAttempts,
        backoff: () => 0,
        handler: async ({ n, poison }) => {
          calls.set(n, (calls.get(n) ?? 0) + 1);
          await new Promise((resolve) => setImmediate(resolve));
          if (poison) throw new Error(`poison ${n}`);
          succeeded.add(n);
        },
      });
      const total = 30;
      const isPoison = (n: number) => n % 7 === 3;
      for (let n = 0; n < total; n += 1) await queue.enqueue({ n, poison: isPoison(n) });
      processor.start();
      await waitFor(() => processor.stats.succeeded + processor.stats.deadLettered === total, 'every message to settle');
      await processor.stop();

      const poisoned = [...Array(total).keys()].filter(isPoison);
      const dead = new Set(queue.deadLetters().map((m) => m.body.n));
      assert.deepEqual(
        [...dead].sort((a, b) => a - b),
        poisoned,
      );
      assert.equal(succeeded.size + dead.size, total);
      for (let n = 0; n < total; n += 1) assert.equal(calls.get(n), isPoison(n) ? maxAttempts : 1, `handler calls for message ${n}`);
      assert.deepEqual(processor.stats, {
        succeeded: total - poisoned.length,
        retried: poisoned.length * (maxAttempts - 1),
        deadLettered: poisoned.length,
        released: 0,
        settleFailures: 0,
      });
      assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: poisoned.length });
    });

    it('never has more than `concurrency` handlers in flight, and uses all of them', async () => {
      const queue = new InMemoryQueue<number>();
      const release = gate();
      let running = 0;
      let peak = 0;
      const processor = new QueueProcessor({
        queue,
        concurrency: 3,
        handler: async () => {
          running += 1;
          peak = Math.max(peak, running);
          await release.opened;
          running -= 1;
        },
      });
      for (let n = 0; n < 8; n += 1) await queue.enqueue(n);
      processor.start();
      await waitFor(() => running === 3, 'three handlers in flight');
      assert.equal(queue.counts().ready, 5);
      release.open();
      await waitFor(() => processor.stats.succeeded === 8, 'all messages');
      await processor.stop();
      assert.equal(peak, 3);
    });

    it('stop takes no new message and waits for the one in flight', async () => {
      const queue = new InMemoryQueue<string>();
      const release = gate();
      const started: string[] = [];
      const processor = new QueueProcessor({
        queue,
        handler: async (body) => {
          started.push(body);
          await release.opened;
        },
      });
      await queue.enqueue('first');
      await queue.enqueue('second');
      processor.start();
      await waitFor(() => started.length === 1, 'the first handler');
      const stopping = processor.stop({ timeoutMs: 30_000 });
      release.open();
      assert.equal(await stopping, 'drained');
      assert.deepEqual(started, ['first']);
      assert.equal(processor.stats.succeeded, 1);
      assert.deepEqual(queue.counts(), { ready: 1, inFlight: 0, delayed: 0, dead: 0 });
    });

    it('after the stop timeout aborts the handler, releases its message without counting an attempt, and still awaits it', async () => {
      const queue = new InMemoryQueue<string>();
      let unwound = false;
      const processor = new QueueProcessor({
        queue,
        handler: async (_body, { signal }) => {
          await aborted(signal);
          await new Promise((resolve) => setTimeout(resolve, 20));
          unwound = true;
          throw signal.reason;
        },
      });
      await queue.enqueue('long job');
      processor.start();
      await waitFor(() => queue.counts().inFlight === 1, 'the job to be in flight');
      assert.equal(await processor.stop({ timeoutMs: 10 }), 'aborted');
      assert.equal(unwound, true);
      assert.equal(processor.stats.released, 1);
      assert.deepEqual(queue.counts(), { ready: 1, inFlight: 0, delayed: 0, dead: 0 });
      const [again] = await queue.receive(1, AbortSignal.timeout(1000));
      assert.equal(again?.attempts, 0);
    });

    it('counts a failed ack as a settle failure instead of crashing the loop', async () => {
      class AckFailsOnce extends InMemoryQueue<string> {
        failed = false;
        override async ack(message: QueueMessage<string>): Promise<void> {
          if (!this.failed) {
            this.failed = true;
            throw new Error('broker unreachable');
          }
          return super.ack(message);
        }
      }
      const queue = new AckFailsOnce();
      const handled: string[] = [];
      const processor = new QueueProcessor({ queue, handler: async (body) => void handled.push(body) });
      await queue.enqueue('a');
      await queue.enqueue('b');
      processor.start();
      await waitFor(() => handled.length === 2 && processor.stats.succeeded === 1, 'both handled');
      await processor.stop();
      assert.equal(processor.stats.settleFailures, 1);
      assert.ok(logs.lines.some((line) => line.msg === 'could not settle message; the queue will redeliver it'));
    });

    it('rejects invalid options and double settlement clearly', async () => {
      const queue = new InMemoryQueue<string>();
      const handler = async () => {};
      assert.throws(() => new QueueProcessor({ queue, handler, concurrency: 0 }), /concurrency must be an integer >= 1, got 0/);
      assert.throws(() => new QueueProcessor({ queue, handler, maxAttempts: 1.5 }), /maxAttempts must be an integer >= 1, got 1.5/);
      await queue.enqueue('x');
      const [message] = await queue.receive(1, AbortSignal.timeout(1000));
      assert.ok(message);
      await queue.ack(message);
      await assert.rejects(queue.ack(message), /is not in flight: it was already settled/);
    });
  });

  describe('InMemoryQueue.receive', () => {
    it('waits for a message and returns [] when its signal aborts', async () => {
      const queue = new InMemoryQueue<number>();
      const controller = new AbortController();
      const waiting = queue.receive(5, controller.signal);
      controller.abort();
      assert.deepEqual(await waiting, []);
      const receiving = queue.receive(5, new AbortController().signal);
      await queue.enqueue(7);
      assert.deepEqual(
        (await receiving).map((m) => m.body),
        [7],
      );
    });
  });

  describe('exponentialBackoff', () => {
    it('stays within [0, min(max, base * 2^(attempt-1))]', () => {
      const backoff = exponentialBackoff({ baseMs: 100, maxMs: 1000 });
      for (let i = 0; i < 200; i += 1) {
        const first = backoff(1);
        const late = backoff(10);
        assert.ok(first >= 0 && first <= 100, `attempt 1 gave ${first}`);
        assert.ok(late >= 0 && late <= 1000, `attempt 10 gave ${late}`);
      }
    });
  });

  describe('installSignalHandlers', () => {
    it('drains on the first signal, exits 0, exits 1 on a second, and its disposer removes the listeners', async () => {
      const before = process.listenerCount('SIGUSR2');
      const queue = new InMemoryQueue<string>();
      const release = gate();
      const processor = new QueueProcessor({ queue, handler: () => release.opened });
      processor.start();
      await queue.enqueue('in flight');
      await waitFor(() => processor.inFlight === 1, 'the message in flight');
      const exits: number[] = [];
      const dispose = installSignalHandlers(processor, { signals: ['SIGUSR2'], exit: (code) => void exits.push(code) });
      try {
        assert.equal(process.listenerCount('SIGUSR2'), before + 1);
        process.kill(process.pid, 'SIGUSR2');
        await waitFor(() => processor.state === 'stopping', 'the processor to begin stopping');
        assert.deepEqual(exits, [], 'exited before in-flight work finished');
        release.open();
        await waitFor(() => exits.length === 1, 'the exit after draining');
        assert.deepEqual(exits, [0]);
        assert.equal(processor.stats.succeeded, 1);
        process.kill(process.pid, 'SIGUSR2');
        await waitFor(() => exits.length === 2, 'the second signal');
        assert.deepEqual(exits, [0, 1]);
      } finally {
        dispose();
      }
      assert.equal(process.listenerCount('SIGUSR2'), before);
    });
  });
});
