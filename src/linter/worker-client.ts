// The extension host's side of the linter thread: starts dist/linter-worker.js on the first call (a
// lint, or the warm-up at activation in a JS/TS project), matches replies to requests, and replaces
// a thread that crashed or got stuck.
// Knows nothing of VS Code, so the tests and benchmarks drive it from plain Node.
import { Worker } from 'node:worker_threads';
import type { LinterArgs, LinterMethod, LinterReply, LinterRequest, LinterResult, LinterWorkerData } from './worker-protocol';

export interface LinterClientOptions {
  /**
   * A call unanswered for this long means the thread is stuck (a parser bug, a pathological file):
   * it is stopped, failing every waiting call, and the next call starts a fresh one. Default 30 000 ms.
   */
  readonly callTimeoutMs?: number;
  /** Threads in a row that die before answering anything, after which calls fail at once instead of starting another. Default 3. */
  readonly maxFailedStarts?: number;
  /** Folder the thread keeps V8's code cache of dist/linter.js in (code-cache.ts); none: no cache. */
  readonly codeCacheDir?: string;
}

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: Error) => void;
  readonly timer: ReturnType<typeof setTimeout>;
}

export class LinterClient {
  private worker: Worker | undefined;
  /** Whether the current thread has answered at least once (it loaded the linter). */
  private answered = false;
  private failedStarts = 0;
  private lastFailure: Error | undefined;
  private disposed = false;
  private nextId = 0;
  private readonly pending = new Map<number, Pending>();
  private readonly callTimeoutMs: number;
  private readonly maxFailedStarts: number;
  private readonly workerData: LinterWorkerData;

  /** `workerFile`: the path of dist/linter-worker.js. */
  constructor(
    private readonly workerFile: string,
    options: LinterClientOptions = {},
  ) {
    const { callTimeoutMs = 30_000, maxFailedStarts = 3, codeCacheDir } = options;
    if (!(Number.isFinite(callTimeoutMs) && callTimeoutMs > 0)) throw new RangeError(`callTimeoutMs must be a finite number > 0, got ${callTimeoutMs}`);
    if (!(Number.isInteger(maxFailedStarts) && maxFailedStarts >= 1)) throw new RangeError(`maxFailedStarts must be an integer >= 1, got ${maxFailedStarts}`);
    this.callTimeoutMs = callTimeoutMs;
    this.maxFailedStarts = maxFailedStarts;
    this.workerData = codeCacheDir === undefined ? {} : { codeCacheDir };
  }

  get started(): boolean {
    return this.worker !== undefined;
  }

  call<M extends LinterMethod>(method: M, ...args: LinterArgs<M>): Promise<LinterResult<M>> {
    if (this.disposed) return Promise.reject(new Error('the Bulwark linter was stopped'));
    if (this.failedStarts >= this.maxFailedStarts) {
      return Promise.reject(
        new Error(`the Bulwark linter thread failed ${this.failedStarts} times in a row before answering; last: ${this.lastFailure?.message}`),
      );
    }
    const worker = (this.worker ??= this.start());
    const id = ++this.nextId;
    return new Promise<LinterResult<M>>((resolve, reject) => {
      const timer = setTimeout(
        () => this.stop(worker, new Error(`the Bulwark linter thread did not answer ${method} within ${this.callTimeoutMs} ms; it was restarted`)),
        this.callTimeoutMs,
      );
      this.pending.set(id, { resolve: resolve as (value: unknown) => void, reject, timer });
      try {
        worker.postMessage({ id, method, args } as LinterRequest);
      } catch (error) {
        // Arguments that cannot be cloned to the thread fail this call only.
        clearTimeout(timer);
        this.pending.delete(id);
        reject(error as Error);
      }
    });
  }

  /** Stops the thread for good; calls still waiting, and later ones, reject. */
  dispose(): void {
    this.disposed = true;
    if (this.worker) this.stop(this.worker, new Error('the Bulwark linter was stopped'));
  }

  private start(): Worker {
    const worker = new Worker(this.workerFile, { workerData: this.workerData });
    this.answered = false;
    worker.on('message', (reply: LinterReply) => {
      this.answered = true;
      this.failedStarts = 0;
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      clearTimeout(waiting.timer);
      if (reply.error === undefined) waiting.resolve(reply.value);
      else waiting.reject(new Error(`Bulwark linter: ${reply.error}`));
    });
    // A crash (out of memory, a linter that fails to load) fails what was waiting; the next call starts afresh.
    worker.on('error', (error) => this.stop(worker, error));
    worker.on('exit', (code) => this.stop(worker, new Error(`the Bulwark linter thread exited with code ${code}`)));
    return worker;
  }

  /** Retires `worker` (if it is still the current thread): fails every waiting call with `error`. */
  private stop(worker: Worker, error: Error): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    if (!this.answered) {
      this.failedStarts += 1;
      this.lastFailure = error;
    }
    void worker.terminate();
    for (const waiting of this.pending.values()) {
      clearTimeout(waiting.timer);
      waiting.reject(error);
    }
    this.pending.clear();
  }
}
