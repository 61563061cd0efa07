/**
 * Bulwark pattern: background/task
 * BackgroundTask and TaskManager: loops with a graceful stop that always awaits, overflow-safe waits, and SIGTERM draining.
 *
 * Patterns used: log
 * Packages used: none
 */
import { setImmediate as nextMacrotask } from 'node:timers/promises';
import { logger } from '../log.js';

/** setTimeout keeps its delay in a signed 32-bit int: a longer delay fires after 1 ms. Waits here chain timers instead. */
export const MAX_TIMER_DELAY = 2 ** 31 - 1;

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
  /** How long in-flight work may take before it is aborted via `signal`: a number >= 0 (Infinity: never abort). Default 10 000 ms. */
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
    const name: unknown = options.name ?? this.constructor.name;
    // It goes into every log line and error message: a Symbol or an object would break those later, far from here.
    if (typeof name !== 'string') throw new TypeError(`background task name must be a string, got ${typeof name}`);
    this.name = name;
    this.#errorDelayMs = nonNegative('errorDelayMs', options.errorDelayMs ?? 1000, false);
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
    const timeoutMs = nonNegative('timeoutMs', options.timeoutMs ?? DEFAULT_STOP_TIMEOUT_MS, true);
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

/** Starts and stops a set of tasks together. */
export class TaskManager implements Stoppable {
  readonly #tasks: BackgroundTask[] = [];
  #state: 'idle' | 'running' | 'stopping' = 'idle';

  get tasks(): readonly BackgroundTask[] {
    return [...this.#tasks];
  }

  /** Adds an idle task; it starts at once if the manager is running. */
  add(task: BackgroundTask): this {
    if (this.#state === 'stopping') throw new Error(`cannot add task "${task.name}": the task manager is stopping`);
    // Checked here, not at start(): a second start() would throw halfway through start() and leave later tasks unstarted.
    if (this.#tasks.includes(task)) throw new Error(`task "${task.name}" was already added to this task manager`);
    if (task.state !== 'idle') throw new Error(`cannot add task "${task.name}": it is ${task.state}; the manager starts its tasks itself`);
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
    if (options.timeoutMs !== undefined) nonNegative('timeoutMs', options.timeoutMs, true);
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

// One installation per process: two would each stop their own target and exit, so the first exit cuts the other's drain short.
let signalHandlersInstalled = false;

/**
 * On the first signal, stops `target` (which stops taking work and drains in-flight work), then exits.
 * A second signal exits at once. Returns a disposer that removes the listeners. Default `timeoutMs` 30 000.
 * Install once per process (a second call throws until the first is disposed): put everything in one TaskManager.
 */
export function installSignalHandlers(target: Stoppable, options: SignalHandlerOptions = {}): () => void {
  const signals = options.signals ?? ['SIGTERM', 'SIGINT'];
  const exit = options.exit ?? ((code: number) => process.exit(code));
  // Checked now: a bad value found only when SIGTERM arrives would throw inside the signal listener and skip draining.
  const timeoutMs = nonNegative('timeoutMs', options.timeoutMs ?? 30_000, true);
  if (signalHandlersInstalled) {
    throw new Error('installSignalHandlers is already installed: add every task and processor to one TaskManager and install once for it');
  }
  signalHandlersInstalled = true;
  let shuttingDown = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (shuttingDown) {
      logger.warn({ signal }, 'second shutdown signal; exiting without waiting');
      exit(1);
      return;
    }
    shuttingDown = true;
    logger.info({ signal, timeoutMs }, 'shutdown signal received; draining in-flight work');
    // A Stoppable that throws synchronously must still end in exit(1), not an uncaught exception.
    new Promise<StopOutcome>((resolve) => resolve(target.stop({ timeoutMs }))).then(
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
  let disposed = false;
  return () => {
    if (disposed) return;
    disposed = true;
    signalHandlersInstalled = false;
    for (const signal of signals) process.off(signal, onSignal);
  };
}

/**
 * Resolves after `ms`, or early (without throwing) when `signal` aborts: the idle wait of a periodic task.
 * Waits longer than {@link MAX_TIMER_DELAY} are honoured (Infinity waits for the abort); NaN or a non-number rejects.
 */
export function delay(ms: number, signal: AbortSignal): Promise<void> {
  if (typeof ms !== 'number' || Number.isNaN(ms)) return Promise.reject(new RangeError(`delay: ms must be a number, got ${String(ms)}`));
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    let timer: NodeJS.Timeout | undefined;
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const until = performance.now() + ms;
    const arm = () => {
      const left = until - performance.now();
      if (left <= 0) return done();
      timer = setTimeout(arm, Math.min(left, MAX_TIMER_DELAY));
    };
    signal.addEventListener('abort', done);
    arm();
  });
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  const timer = new AbortController();
  try {
    return await Promise.race([promise.then(() => true), delay(ms, timer.signal).then(() => false)]);
  } finally {
    timer.abort();
  }
}

export function nonNegative(name: string, value: number, infinityAllowed: boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || (!infinityAllowed && value === Infinity)) {
    throw new RangeError(`${name} must be a ${infinityAllowed ? 'number >= 0 (Infinity allowed)' : 'finite number >= 0'}, got ${String(value)}`);
  }
  return value;
}
