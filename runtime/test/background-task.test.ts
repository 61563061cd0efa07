import assert from 'node:assert/strict';
import { getEventListeners } from 'node:events';
import { BackgroundTask, TaskManager, delay, installSignalHandlers, type TaskContext } from '../src/background.js';
import { captureLogs, type CapturedLogs } from './fixtures/logs.js';
import { waitFor } from './fixtures/background-helpers.js';

/** Timers that keep the event loop (and so a stopping process) alive. */
const activeTimers = () => process.getActiveResourcesInfo().filter((resource) => resource === 'Timeout').length;

class ScriptedTask extends BackgroundTask {
  constructor(private readonly iteration: (context: TaskContext) => Promise<void>) {
    super({ name: 'scripted', errorDelayMs: 0 });
  }
  protected run(context: TaskContext): Promise<void> {
    return this.iteration(context);
  }
}

describe('background/task BackgroundTask and delay', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('delay() resolves at once on an already aborted signal, and leaves no listener on a long-lived one', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await delay(2 ** 40, aborted.signal);
    const stopping = new AbortController().signal;
    for (let n = 0; n < 3; n += 1) await delay(1, stopping);
    assert.equal(getEventListeners(stopping, 'abort').length, 0);
  });

  it('an aborted delay and a drained stop leave no timer that keeps the process alive', async () => {
    // Mocha arms its test timer once the test function returns: count from after that.
    await new Promise((resolve) => setImmediate(resolve));
    const before = activeTimers();
    const controller = new AbortController();
    const waiting = delay(600_000, controller.signal);
    assert.equal(activeTimers(), before + 1);
    controller.abort();
    await waiting;
    assert.equal(activeTimers(), before, 'the aborted delay left its timer running');
    const task = new ScriptedTask(({ stopping }) => delay(600_000, stopping));
    task.start();
    assert.equal(await task.stop({ timeoutMs: 600_000 }), 'drained');
    assert.equal(activeTimers(), before, 'the drained stop left its timeout timer running');
  });

  it('stopping a task that never started is drained and leaves it stopped', async () => {
    const task = new ScriptedTask(async () => {});
    assert.equal(task.state, 'idle');
    assert.equal(await task.stop(), 'drained');
    assert.equal(task.state, 'stopped');
    assert.throws(() => task.start(), /background task "scripted" was stopped; create a new instance to run it again/);
  });

  it('an iteration that fails because stop aborted it ends the loop without logging a failure', async () => {
    const task = new ScriptedTask(async ({ signal }) => {
      await new Promise((resolve) => signal.addEventListener('abort', resolve, { once: true }));
      throw signal.reason;
    });
    task.start();
    assert.equal(await task.stop({ timeoutMs: 0 }), 'aborted');
    assert.equal(task.state, 'stopped');
    assert.deepEqual(
      logs.lines.filter((line) => line.task === 'scripted').map((line) => line.msg),
      ['background task started', 'background task did not stop in time; aborting in-flight work', 'background task stopped after abort'],
    );
  });
  it('tells its work why it stops: the stopping reason, then the abort reason with the timeout', async () => {
    const reasons: string[] = [];
    const task = new ScriptedTask(async ({ stopping, signal }) => {
      await new Promise((resolve) => stopping.addEventListener('abort', resolve));
      reasons.push((stopping.reason as Error).message);
      await new Promise((resolve) => signal.addEventListener('abort', resolve));
      reasons.push((signal.reason as Error).message);
    });
    task.start();
    assert.equal(await task.stop({ timeoutMs: 5 }), 'aborted');
    assert.deepEqual(reasons, ['background task "scripted" is stopping', 'background task "scripted" did not stop within 5 ms']);
  });

  it('logs a failing drain and still stops, drained', async () => {
    class FailingDrain extends ScriptedTask {
      protected override async drain(): Promise<void> {
        throw new Error('flush failed');
      }
    }
    const task = new FailingDrain(({ stopping }) => delay(600_000, stopping));
    task.start();
    assert.equal(await task.stop(), 'drained');
    const lines = logs.lines.filter((line) => line.task === 'scripted');
    assert.deepEqual(
      lines.map((line) => [line.level, line.msg]),
      [
        [30, 'background task started'],
        [50, 'background task drain failed'],
        [30, 'background task stopped'],
      ],
    );
    assert.equal((lines[1]!.err as { message?: string }).message, 'flush failed');
  });
});

describe('background/task TaskManager', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('lists its tasks as a snapshot, and starts only once', async () => {
    const manager = new TaskManager();
    const first = new ScriptedTask(({ stopping }) => delay(600_000, stopping));
    const second = new ScriptedTask(({ stopping }) => delay(600_000, stopping));
    manager.add(first).add(second);
    const listed = manager.tasks;
    assert.deepEqual(listed, [first, second]);
    (listed as BackgroundTask[]).pop();
    assert.equal(manager.tasks.length, 2);
    manager.start();
    assert.throws(() => manager.start(), /^Error: cannot start a task manager that is running$/);
    assert.equal(await manager.stop(), 'drained');
    assert.throws(() => manager.start(), /^Error: cannot start a task manager that is stopping$/);
    assert.deepEqual([first.state, second.state], ['stopped', 'stopped']);
  });

  it('a stop refused for its timeout leaves the manager usable', async () => {
    const manager = new TaskManager();
    await assert.rejects(manager.stop({ timeoutMs: Number.NaN }), {
      name: 'RangeError',
      message: 'timeoutMs must be a number >= 0 (Infinity allowed), got NaN',
    });
    const task = new ScriptedTask(({ stopping }) => delay(600_000, stopping));
    manager.add(task);
    manager.start();
    assert.equal(task.state, 'running');
    assert.equal(await manager.stop({ timeoutMs: Infinity }), 'drained');
  });
});

describe('background/task installSignalHandlers defaults', () => {
  let logs: CapturedLogs;
  beforeEach(() => {
    logs = captureLogs();
  });
  afterEach(() => logs.restore());

  it('listens to SIGTERM and SIGINT by default, and a stale disposer cannot remove a later installation', () => {
    const count = () => [process.listenerCount('SIGTERM'), process.listenerCount('SIGINT')];
    const before = count();
    const target = { stop: async () => 'drained' as const };
    const dispose = installSignalHandlers(target, { exit: () => {} });
    assert.deepEqual(count(), [before[0]! + 1, before[1]! + 1]);
    dispose();
    assert.deepEqual(count(), before);
    const again = installSignalHandlers(target, { exit: () => {} });
    try {
      dispose();
      assert.deepEqual(count(), [before[0]! + 1, before[1]! + 1], 'the first disposer removed the second installation');
      assert.throws(() => installSignalHandlers(target, { exit: () => {} }), /installSignalHandlers is already installed/);
    } finally {
      again();
    }
    assert.deepEqual(count(), before);
  });

  it('passes its timeout to the target, exits 1 after an aborted stop, and logs each step of the shutdown', async () => {
    const stops: unknown[] = [];
    const exits: number[] = [];
    const target = {
      stop: async (options?: { timeoutMs?: number }) => {
        stops.push(options);
        return 'aborted' as const;
      },
    };
    const dispose = installSignalHandlers(target, { signals: ['SIGUSR2'], exit: (code) => void exits.push(code) });
    try {
      process.kill(process.pid, 'SIGUSR2');
      await waitFor(() => exits.length === 1, 'the exit after the aborted stop');
      process.kill(process.pid, 'SIGUSR2');
      await waitFor(() => exits.length === 2, 'the exit on the second signal');
    } finally {
      dispose();
    }
    assert.deepEqual(stops, [{ timeoutMs: 30_000 }]);
    assert.deepEqual(exits, [1, 1]);
    const shutdown = logs.lines.filter((line) => 'signal' in line || 'outcome' in line);
    assert.deepEqual(
      shutdown.map(({ level, msg, signal, timeoutMs, outcome }) => ({ level, msg, signal, timeoutMs, outcome })),
      [
        { level: 30, msg: 'shutdown signal received; draining in-flight work', signal: 'SIGUSR2', timeoutMs: 30_000, outcome: undefined },
        { level: 30, msg: 'shutdown complete', signal: undefined, timeoutMs: undefined, outcome: 'aborted' },
        { level: 40, msg: 'second shutdown signal; exiting without waiting', signal: 'SIGUSR2', timeoutMs: undefined, outcome: undefined },
      ],
    );
  });

  it('logs a stop that rejects as a failed shutdown, with its error, and exits 1', async () => {
    const exits: number[] = [];
    const target = { stop: async (): Promise<'drained'> => Promise.reject(new Error('database pool would not close')) };
    const dispose = installSignalHandlers(target, { signals: ['SIGUSR2'], timeoutMs: 5, exit: (code) => void exits.push(code) });
    try {
      process.kill(process.pid, 'SIGUSR2');
      await waitFor(() => exits.length === 1, 'the exit');
    } finally {
      dispose();
    }
    assert.deepEqual(exits, [1]);
    const failed = logs.lines.find((line) => line.msg === 'shutdown failed');
    assert.deepEqual([failed?.level, (failed?.err as { message?: string })?.message], [50, 'database pool would not close']);
  });
});
