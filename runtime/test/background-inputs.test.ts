// Hostile inputs to the background pattern: every user-supplied number or callback result that
// reaches a timer, a loop or a queue. Each test failed on the code before its fix.
import assert from 'node:assert/strict';
import {
  BackgroundTask,
  InMemoryQueue,
  MAX_RETRY_DELAY_MS,
  QueueProcessor,
  TaskManager,
  delay,
  installSignalHandlers,
  type TaskContext,
} from '../src/background.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';

class ScriptedTask extends BackgroundTask {
  constructor(
    private readonly iteration: (context: TaskContext) => Promise<void>,
    options: { errorDelayMs?: number; name?: string } = {},
  ) {
    super({ name: 'scripted', errorDelayMs: 0, ...options });
  }
  protected run(context: TaskContext): Promise<void> {
    return this.iteration(context);
  }
}

const aborted = (signal: AbortSignal) => new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve(), { once: true }));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('background: hostile inputs', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  describe('timers longer than 2^31-1 ms (setTimeout fires those after 1 ms)', () => {
    it('delay() waits out a delay above 2^31-1 ms instead of resolving at once, and still ends on abort', async () => {
      const controller = new AbortController();
      let resolved = false;
      const waiting = delay(2 ** 31, controller.signal).then(() => void (resolved = true));
      await sleep(50);
      assert.equal(resolved, false, 'an overflowing timer resolved after 1 ms');
      controller.abort();
      await waiting;
      await assert.rejects(delay(Number.NaN, controller.signal), /delay: ms must be a number, got NaN/);
    });

    it('errorDelayMs above 2^31-1 ms pauses the loop instead of spinning on a persistent failure', async () => {
      let iterations = 0;
      const task = new ScriptedTask(
        async () => {
          iterations += 1;
          throw new Error('database down');
        },
        { errorDelayMs: 2 ** 31 },
      );
      task.start();
      await waitFor(() => iterations === 1, 'the first iteration');
      await sleep(100);
      assert.equal(iterations, 1, 'the error delay overflowed into a 1 ms timer');
      assert.equal(await task.stop(), 'drained');
    });

    it('stop({ timeoutMs }) above 2^31-1 ms waits for the work instead of aborting it after 1 ms', async () => {
      let sawAbort = false;
      const task = new ScriptedTask(async ({ stopping, signal }) => {
        await aborted(stopping);
        await sleep(50);
        sawAbort = signal.aborted;
      });
      task.start();
      assert.equal(await task.stop({ timeoutMs: 2 ** 31 }), 'drained');
      assert.equal(sawAbort, false);
      const forever = new ScriptedTask(async ({ stopping }) => aborted(stopping));
      forever.start();
      assert.equal(await forever.stop({ timeoutMs: Infinity }), 'drained', 'Infinity means: never abort');
    });
  });

  describe('TaskManager', () => {
    it('catalogue defect: gives every task the whole timeout: three tasks each needing 0.6 x timeout all drain (not timeout / N each)', async () => {
      const timeoutMs = 400;
      const abortedTasks: string[] = [];
      const manager = new TaskManager();
      for (const name of ['a', 'b', 'c']) {
        manager.add(
          new ScriptedTask(
            async ({ stopping, signal }) => {
              await aborted(stopping);
              await Promise.race([sleep(timeoutMs * 0.6), aborted(signal)]);
              if (signal.aborted) abortedTasks.push(name);
            },
            { name },
          ),
        );
      }
      manager.start();
      assert.equal(await manager.stop({ timeoutMs }), 'drained');
      assert.deepEqual(abortedTasks, [], 'a task was aborted before its share of the timeout ran out');
    });

    it('refuses a task added twice or already started, instead of failing halfway through start()', async () => {
      const manager = new TaskManager();
      const first = new ScriptedTask(({ stopping }) => aborted(stopping), { name: 'first' });
      const started = new ScriptedTask(({ stopping }) => aborted(stopping), { name: 'started' });
      manager.add(first);
      assert.throws(() => manager.add(first), /"first" was already added/);
      started.start();
      assert.throws(() => manager.add(started), /it is running/);
      const last = new ScriptedTask(({ stopping }) => aborted(stopping), { name: 'last' });
      manager.add(last);
      manager.start();
      assert.equal(last.state, 'running');
      await manager.stop();
      await started.stop();
      await assert.rejects(new TaskManager().stop({ timeoutMs: -1 }), /timeoutMs must be a number >= 0/);
    });
  });

  describe('installSignalHandlers', () => {
    it('rejects a bad timeoutMs when installed, not inside the signal listener at shutdown', () => {
      const before = process.listenerCount('SIGUSR2');
      for (const timeoutMs of [Number.NaN, -1, '30000' as unknown as number]) {
        assert.throws(() => installSignalHandlers(new TaskManager(), { signals: ['SIGUSR2'], timeoutMs, exit: () => {} }), /timeoutMs must be a number >= 0/);
      }
      assert.equal(process.listenerCount('SIGUSR2'), before);
    });

    it('refuses a second installation while one is active, so one signal cannot run two shutdowns that each exit', async () => {
      const before = process.listenerCount('SIGUSR2');
      const exits: number[] = [];
      const stop = async () => 'drained' as const;
      const dispose = installSignalHandlers({ stop }, { signals: ['SIGUSR2'], exit: (code) => void exits.push(code) });
      try {
        assert.throws(
          () => installSignalHandlers({ stop }, { signals: ['SIGUSR2'], exit: (code) => void exits.push(code) }),
          /already installed.*one TaskManager/,
        );
        assert.equal(process.listenerCount('SIGUSR2'), before + 1);
        process.kill(process.pid, 'SIGUSR2');
        await waitFor(() => exits.length === 1, 'the exit');
        await new Promise((resolve) => setTimeout(resolve, 20));
        assert.deepEqual(exits, [0]);
      } finally {
        dispose();
        dispose(); // idempotent
      }
      const again = installSignalHandlers({ stop }, { signals: ['SIGUSR2'], exit: () => {} });
      again();
      assert.equal(process.listenerCount('SIGUSR2'), before);
    });

    it('exits 1 when the target throws synchronously from stop()', async () => {
      const exits: number[] = [];
      const target = {
        stop: (): Promise<'drained'> => {
          throw new Error('not a promise');
        },
      };
      const dispose = installSignalHandlers(target, { signals: ['SIGUSR2'], exit: (code) => void exits.push(code) });
      try {
        process.kill(process.pid, 'SIGUSR2');
        await waitFor(() => exits.length === 1, 'the exit');
        assert.deepEqual(exits, [1]);
      } finally {
        dispose();
      }
    });
  });

  describe('QueueProcessor backoff results', () => {
    async function failOnceThenSucceed(backoff: (attempt: number) => number) {
      const queue = new InMemoryQueue<string>();
      const deliveries: number[] = [];
      const processor = new QueueProcessor({
        queue,
        backoff,
        handler: async (_body, { message }) => {
          deliveries.push(message.attempts);
          if (message.attempts === 0) throw new Error('first try fails');
        },
      });
      await queue.enqueue('job');
      processor.start();
      return { queue, deliveries, processor };
    }

    for (const [label, backoff] of [
      ['NaN (an array lookup past its end)', (n: number) => [1, 2][n + 1] as number],
      ['a string', () => '5' as unknown as number],
      [
        'a throw',
        (): number => {
          throw new Error('backoff bug');
        },
      ],
    ] as const) {
      it(`retries the message with the default backoff when backoff gives ${label}, and logs the bug`, async () => {
        const { queue, deliveries, processor } = await failOnceThenSucceed(backoff);
        // The default backoff waits up to 1 s before the second attempt.
        await waitFor(() => processor.stats.succeeded === 1, 'the retried message to succeed');
        await processor.stop();
        assert.deepEqual(deliveries, [0, 1]);
        assert.deepEqual(processor.stats, { succeeded: 1, retried: 1, deadLettered: 0, released: 0, settleFailures: 0 });
        assert.deepEqual(queue.counts(), { ready: 0, inFlight: 0, delayed: 0, dead: 0 });
        assert.ok(
          logs.lines.some((line) => line.level === 50 && /^backoff (returned|threw)/.test(String(line.msg))),
          'the bad backoff was not logged',
        );
      });
    }

    it('clamps Infinity and 1e300 to MAX_RETRY_DELAY_MS instead of redelivering after 1 ms', async () => {
      for (const huge of [Infinity, 1e300]) {
        const { queue, deliveries, processor } = await failOnceThenSucceed(() => huge);
        await waitFor(() => processor.stats.retried === 1, 'the retry');
        await sleep(50);
        assert.deepEqual(deliveries, [0], `a ${huge} ms backoff redelivered at once`);
        assert.equal(queue.counts().delayed, 1);
        await processor.stop();
      }
      assert.ok(logs.lines.some((line) => String(line.msg).includes(`clamped to ${MAX_RETRY_DELAY_MS} ms`)));
    });

    it('retries a message whose handler threw something without a string form (no unhandled rejection)', async () => {
      const queue = new InMemoryQueue<string>();
      const thrown = [
        Object.create(null),
        {
          toString: () => {
            throw new Error('no');
          },
        },
        Object.assign(new Error('x'), { name: Symbol('odd') }),
      ];
      const processor = new QueueProcessor({
        queue,
        backoff: () => 0,
        maxAttempts: thrown.length + 1,
        handler: async (_body, { message }) => {
          if (message.attempts < thrown.length) throw thrown[message.attempts];
        },
      });
      await queue.enqueue('job');
      processor.start();
      await waitFor(() => processor.stats.succeeded === 1, 'the message to succeed after three odd failures');
      await processor.stop();
      assert.equal(processor.stats.retried, thrown.length);
    });

    it('rejects counts beyond the safe-integer range, and a backoff or handler that is not a function', () => {
      const queue = new InMemoryQueue<string>();
      const handler = async () => {};
      assert.throws(() => new QueueProcessor({ queue, handler, concurrency: 2 ** 53 }), /concurrency must be an integer >= 1/);
      assert.throws(() => new QueueProcessor({ queue, handler, maxAttempts: 1e300 }), /maxAttempts must be an integer >= 1/);
      assert.throws(() => new QueueProcessor({ queue, handler, backoff: 1000 as never }), /backoff must be a function, got number/);
      assert.throws(() => new QueueProcessor({ queue, handler: undefined as never }), /handler must be a function/);
    });
  });

  describe('InMemoryQueue stores copies, like a broker', () => {
    it('redelivers the original body after a handler mutated its copy and failed', async () => {
      const queue = new InMemoryQueue<{ items: string[] }>();
      const seen: string[][] = [];
      const processor = new QueueProcessor({
        queue,
        backoff: () => 0,
        handler: async (body, { message }) => {
          seen.push([...body.items]);
          body.items.pop(); // consumes its input, then fails
          if (message.attempts === 0) throw new Error('fail after mutating');
        },
      });
      const order = { items: ['a', 'b'] };
      await queue.enqueue(order);
      order.items.push('added after enqueue');
      processor.start();
      await waitFor(() => processor.stats.succeeded === 1, 'the redelivery');
      await processor.stop();
      assert.deepEqual(seen, [
        ['a', 'b'],
        ['a', 'b'],
      ]);
      await assert.rejects(queue.enqueue({ callback: () => {} } as never), /body must be structured-cloneable/);
    });

    it('only the delivered message object settles it: a copy or a forged message with its id is refused', async () => {
      const queue = new InMemoryQueue<string>();
      await queue.enqueue('real');
      const [message] = await queue.receive(1, AbortSignal.abort());
      assert.ok(message);
      await assert.rejects(queue.retry({ ...message, body: 'forged' }, 0, 'e'), /is not in flight/);
      await assert.rejects(queue.ack({ ...message }), /is not in flight/);
      assert.deepEqual(queue.counts(), { ready: 0, inFlight: 1, delayed: 0, dead: 0 });
      await queue.retry(message, 0, 'e');
      const [again] = await queue.receive(1, AbortSignal.abort());
      assert.equal(again?.body, 'real');
    });
  });

  describe('InMemoryQueue.retry', () => {
    it('rejects NaN, non-numbers and delays above MAX_RETRY_DELAY_MS before settling: the message stays in flight', async () => {
      const queue = new InMemoryQueue<string>();
      await queue.enqueue('job');
      const [message] = await queue.receive(1, AbortSignal.timeout(1000));
      assert.ok(message);
      for (const bad of [Number.NaN, Infinity, MAX_RETRY_DELAY_MS + 1, '10' as unknown as number]) {
        await assert.rejects(queue.retry(message, bad, 'e'), /retry delayMs must be a number <= 2147483647/);
        assert.deepEqual(queue.counts(), { ready: 0, inFlight: 1, delayed: 0, dead: 0 }, `after retry(${String(bad)})`);
      }
      await queue.retry(message, -5, 'e');
      assert.deepEqual(queue.counts(), { ready: 1, inFlight: 0, delayed: 0, dead: 0 }, 'a negative delay means now');
    });
  });
});
